-- The template's Chinese wording, replaced from the contract shipped with gongkai on every load.
DELETE FROM core_cell;
INSERT INTO core_cell (template, table_name, row_key, col_key, row_label, col_label, unit, row_order, col_order)
SELECT template, "table", "row", col, row_label, col_label, unit,
    dense_rank() OVER (PARTITION BY template, "table" ORDER BY row_first),
    dense_rank() OVER (PARTITION BY template, "table" ORDER BY col_first)
FROM (
    SELECT *,
        min(position) OVER (PARTITION BY template, "table", "row") AS row_first,
        min(position) OVER (PARTITION BY template, "table", col) AS col_first
    FROM incoming_cell_dictionary
);
DELETE FROM core_row_label;
INSERT INTO core_row_label (template, table_name, row_key, row_label, row_order)
SELECT DISTINCT template, table_name, row_key, row_label, row_order FROM core_cell;
DELETE FROM core_col_label;
INSERT INTO core_col_label (template, table_name, col_key, col_label, col_order)
SELECT DISTINCT template, table_name, col_key, col_label, col_order FROM core_cell;
