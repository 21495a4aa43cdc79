-- Completeness: how much of its template each report holds, and the partial reports the
-- analyst views leave out (a report that lost rows would skew every total it joins).

ALTER TABLE core_report ADD COLUMN completeness DOUBLE;
ALTER TABLE core_report ADD COLUMN parse_notes VARCHAR[];
COMMENT ON COLUMN core_report.completeness IS 'Template rows read / rows the report''s template prints (0-1; a row counts when one of its cells is read without uncertain). Null when the document was not read.';
COMMENT ON COLUMN core_report.parse_notes IS 'Why the document is not whole: truncated (it ends inside its tables), mixed_encoding (UTF-8 and GBK in one document). Empty when whole.';
COMMENT ON COLUMN core_report.parse_status IS 'ok, partial (read, but template rows are missing or the document is not whole: see completeness, parse_notes, parse_error), needs_ocr (image-only document), not_a_report, or error.';
COMMENT ON COLUMN core_report.parse_error IS 'Why the document could not be read, or for a partial report which template rows were not read and why.';
COMMENT ON VIEW out_report_region IS 'Each completely parsed report (parse_status ok) with its publisher and the region hierarchy it rolls up into (county, province); partial reports are left out of every out_* aggregate and listed in out_partial_reports.';

CREATE VIEW out_partial_reports AS
SELECT
    r.report_id,
    r.report_year,
    r.template,
    r.region_name,
    pub.name AS publisher_name,
    r.source_url,
    r.document_format,
    r.completeness,
    r.parse_notes,
    r.parse_error AS partial_reason,
    r.cells_count,
    r.failed_checks_count
FROM core_report r
LEFT JOIN core_publisher pub ON pub.publisher_id = r.publisher_id
WHERE r.parse_status = 'partial';
COMMENT ON VIEW out_partial_reports IS 'Reports read only in part (rows of a table they print not read, or a cut-off or mixed-encoding document), least complete first when ordered by completeness; the out_* aggregates leave them out.';
COMMENT ON COLUMN out_partial_reports.completeness IS 'Template rows read / rows the template prints (0-1).';
COMMENT ON COLUMN out_partial_reports.partial_reason IS 'Which template rows were not read, per table, and why the document is not whole.';
COMMENT ON COLUMN out_partial_reports.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_partial_reports.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_partial_reports.template IS '2019 or 2021.';
COMMENT ON COLUMN out_partial_reports.region_name IS 'Region named by the report.';
COMMENT ON COLUMN out_partial_reports.publisher_name IS 'Publishing body as printed.';
COMMENT ON COLUMN out_partial_reports.source_url IS 'The document on its portal.';
COMMENT ON COLUMN out_partial_reports.document_format IS 'html, pdf, docx, ...';
COMMENT ON COLUMN out_partial_reports.parse_notes IS 'truncated or mixed_encoding when the document is not whole; empty when rows are simply not read.';
COMMENT ON COLUMN out_partial_reports.cells_count IS 'Fact rows extracted.';
COMMENT ON COLUMN out_partial_reports.failed_checks_count IS 'Template arithmetic checks that fail (may fail only because rows were not read).';

CREATE OR REPLACE VIEW out_reports_failing_checks AS
SELECT
    r.report_id,
    r.report_year,
    r.region_name,
    pub.name AS publisher_name,
    r.source_url,
    count(*) AS failed_checks_count,
    string_agg(k.check_name || ' ' || coalesce(k.row_key || '.', '') || coalesce(k.col_key, '') || ': ' || coalesce(k.detail, ''), '; ' ORDER BY k.check_name, k.row_key, k.col_key) AS failed_checks,
    r.parse_status,
    r.completeness
FROM core_report r
JOIN core_report_check k USING (report_id)
LEFT JOIN core_publisher pub ON pub.publisher_id = r.publisher_id
WHERE NOT k.ok
GROUP BY ALL;
COMMENT ON VIEW out_reports_failing_checks IS 'Reports whose printed numbers fail the template''s own arithmetic, with the failing identities; parse_status partial marks a report whose checks may fail only because rows were not read.';
COMMENT ON COLUMN out_reports_failing_checks.parse_status IS 'ok, or partial: rows the checks add up were not read (completeness < 1), so a failure may be the reading''s, not the source''s.';
