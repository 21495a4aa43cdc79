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
