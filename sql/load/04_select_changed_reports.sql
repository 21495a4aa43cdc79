-- A report is (re)loaded when it is new, its document changed, or a newer parser read it.
-- A document already loaded under another URL (the same report published twice) is not loaded again.
CREATE OR REPLACE TEMP TABLE changed_reports AS
SELECT i.report_id
FROM incoming_reports i
LEFT JOIN core_report r USING (report_id)
WHERE (r.report_id IS NULL
       OR r.document_sha256 <> i.document_sha256
       OR r.parser_version <> i.parser_version)
  AND NOT EXISTS (
      SELECT 1 FROM core_report other
      WHERE other.document_sha256 = i.document_sha256 AND other.report_id <> i.report_id
  )
QUALIFY row_number() OVER (PARTITION BY i.document_sha256 ORDER BY i.source_url) = 1;
-- Only the changed reports' cells and checks are read from the parts: an unchanged night reads none.
CREATE OR REPLACE TEMP TABLE incoming_cells AS
SELECT * FROM read_parquet($cell_files) WHERE report_id IN (SELECT report_id FROM changed_reports);
CREATE OR REPLACE TEMP TABLE incoming_checks AS
SELECT * FROM read_parquet($check_files) WHERE report_id IN (SELECT report_id FROM changed_reports);
