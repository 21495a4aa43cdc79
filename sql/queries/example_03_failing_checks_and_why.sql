-- 3. Failing checks and why
-- Reports whose printed numbers fail the template's own arithmetic, and why: each failing identity
-- with the template's Chinese wording of the row and column, the numbers, and where to look.
SELECT
    r.publisher_name,
    r.report_year,
    k.check_name,
    coalesce(rl.row_label, k.row_key, '(whole table)') AS row_label,
    coalesce(cl.col_label, k.col_key) AS col_label,
    k.expected,
    k.actual,
    k.detail,
    r.source_url
FROM core_report_check k
JOIN out_report_summary r USING (report_id)
LEFT JOIN core_row_label rl ON rl.template = r.template AND rl.table_name = k.table_name AND rl.row_key = k.row_key
LEFT JOIN core_col_label cl ON cl.template = r.template AND cl.table_name = k.table_name AND cl.col_key = k.col_key
WHERE NOT k.ok
ORDER BY r.publisher_name, r.report_year, k.check_name, k.row_key, k.col_key;
