INSERT INTO core_report (
    report_id, publisher_id, division_code, report_year, template, region_name, title, published_on,
    source_url, document_sha256, document_format, parse_status, parse_error, parser_version,
    cells_count, uncertain_cells_count, checks_count, failed_checks_count, run_id, loaded_at,
    completeness, parse_notes
)
SELECT
    i.report_id,
    CASE WHEN i.publisher IS NOT NULL THEN md5(coalesce(i.division_code, '') || '|' || i.publisher) END,
    i.division_code,
    i.report_year,
    i.template,
    i.region_name,
    i.title,
    i.published_on,
    i.source_url,
    i.document_sha256,
    i.document_format,
    i.parse_status,
    i.parse_error,
    i.parser_version,
    (SELECT count(*) FROM incoming_cells c WHERE c.report_id = i.report_id),
    (SELECT count(*) FROM incoming_cells c WHERE c.report_id = i.report_id AND list_contains(c.flags, 'uncertain')),
    (SELECT count(*) FROM incoming_checks k WHERE k.report_id = i.report_id),
    (SELECT count(*) FROM incoming_checks k WHERE k.report_id = i.report_id AND NOT k.ok),
    $run_id,
    $loaded_at,
    i.completeness,
    i.parse_notes
FROM incoming_reports i
WHERE i.report_id IN (SELECT report_id FROM changed_reports);
