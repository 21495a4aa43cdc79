INSERT INTO core_report (
    report_id, publisher_id, division_code, report_year, template, region_name, title, published_on,
    source_url, document_sha256, document_format, parse_status, parse_error, parser_version,
    cells_count, uncertain_cells_count, checks_count, failed_checks_count, run_id, loaded_at,
    completeness, parse_notes, parse_route
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
    coalesce(c.cells, 0),
    coalesce(c.uncertain_cells, 0),
    coalesce(k.checks, 0),
    coalesce(k.failed_checks, 0),
    $run_id,
    $loaded_at,
    i.completeness,
    i.parse_notes,
    i.parse_route
FROM incoming_reports i
LEFT JOIN (
    SELECT report_id, count(*) AS cells, count(*) FILTER (list_contains(flags, 'uncertain')) AS uncertain_cells
    FROM incoming_cells GROUP BY report_id
) c USING (report_id)
LEFT JOIN (
    SELECT report_id, count(*) AS checks, count(*) FILTER (NOT ok) AS failed_checks
    FROM incoming_checks GROUP BY report_id
) k USING (report_id)
WHERE i.report_id IN (SELECT report_id FROM changed_reports);
