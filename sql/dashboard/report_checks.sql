-- One report's template arithmetic, labelled ($report_id).
SELECT
    k.check_name,
    k.ok,
    coalesce(rl.row_label, k.row_key, '') AS row_label,
    coalesce(cl.col_label, k.col_key, '') AS col_label,
    k.expected,
    k.actual,
    k.detail
FROM core_report_check k
JOIN core_report r USING (report_id)
LEFT JOIN core_row_label rl ON rl.template = r.template AND rl.table_name = k.table_name AND rl.row_key = k.row_key
LEFT JOIN core_col_label cl ON cl.template = r.template AND cl.table_name = k.table_name AND cl.col_key = k.col_key
WHERE k.report_id = $report_id
ORDER BY k.ok, k.check_name, k.row_key, k.col_key;
