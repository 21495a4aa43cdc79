-- One report's cells as printed, in the template's row and column order, each family headed by the
-- section title the template prints (from the fact table's comment) ($report_id).
SELECT
    f.family,
    coalesce(split_part(t.comment, ':', 1), f.family) AS family_label,
    f.row_order,
    f.col_order,
    f.row_label,
    f.col_label,
    f.raw_text,
    f.is_uncertain
FROM out_facts f
LEFT JOIN duckdb_tables() t ON t.database_name = current_database() AND t.table_name = 'core_fact_' || f.family
WHERE f.report_id = $report_id
ORDER BY f.family, f.row_order, f.col_order;
