-- 5. Trace one fact to its source
-- Trace one fact to its source: the value, the text as printed, where in the document it was read,
-- and the document on its portal and in the archive. Parameters `$report_id`, `$family`,
-- `$row_key`, `$col_key` (e.g. procurement, centralized_procurement, amount_yuan).
SELECT
    r.publisher_name,
    r.report_year,
    f.row_label,
    f.col_label,
    f.count_value,
    f.amount_yuan,
    f.source_unit,
    f.raw_text,
    f.flags,
    f.locator,
    r.title,
    r.source_url,
    'archive/blobs/' || left(r.document_sha256, 2) || '/' || substr(r.document_sha256, 3, 2) || '/' || r.document_sha256 AS archived_copy
FROM out_facts f
JOIN out_report_summary r USING (report_id)
WHERE f.report_id = $report_id AND f.family = $family AND f.row_key = $row_key AND f.col_key = $col_key;
