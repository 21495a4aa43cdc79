-- The template's Chinese wording, kept equal to the contract shipped with gongkai: cells it no
-- longer prints go, changed wording is updated in place, unchanged rows are not touched.
CREATE OR REPLACE TEMP TABLE incoming_cells_dictionary AS
SELECT template, "table" AS table_name, "row" AS row_key, col AS col_key, row_label, col_label, unit,
    dense_rank() OVER (PARTITION BY template, "table" ORDER BY row_first) AS row_order,
    dense_rank() OVER (PARTITION BY template, "table" ORDER BY col_first) AS col_order
FROM (
    SELECT *,
        min(position) OVER (PARTITION BY template, "table", "row") AS row_first,
        min(position) OVER (PARTITION BY template, "table", col) AS col_first
    FROM incoming_cell_dictionary
);
DELETE FROM core_cell c WHERE NOT EXISTS (
    SELECT 1 FROM incoming_cells_dictionary i
    WHERE (i.template, i.table_name, i.row_key, i.col_key) = (c.template, c.table_name, c.row_key, c.col_key)
);
INSERT INTO core_cell (template, table_name, row_key, col_key, row_label, col_label, unit, row_order, col_order)
SELECT template, table_name, row_key, col_key, row_label, col_label, unit, row_order, col_order
FROM incoming_cells_dictionary
EXCEPT
SELECT template, table_name, row_key, col_key, row_label, col_label, unit, row_order, col_order FROM core_cell
ON CONFLICT (template, table_name, row_key, col_key) DO UPDATE SET
    row_label = excluded.row_label, col_label = excluded.col_label, unit = excluded.unit,
    row_order = excluded.row_order, col_order = excluded.col_order;
DELETE FROM core_row_label l WHERE NOT EXISTS (
    SELECT 1 FROM core_cell c WHERE (c.template, c.table_name, c.row_key) = (l.template, l.table_name, l.row_key)
);
INSERT INTO core_row_label (template, table_name, row_key, row_label, row_order)
SELECT DISTINCT template, table_name, row_key, row_label, row_order FROM core_cell
EXCEPT
SELECT template, table_name, row_key, row_label, row_order FROM core_row_label
ON CONFLICT (template, table_name, row_key) DO UPDATE SET row_label = excluded.row_label, row_order = excluded.row_order;
DELETE FROM core_col_label l WHERE NOT EXISTS (
    SELECT 1 FROM core_cell c WHERE (c.template, c.table_name, c.col_key) = (l.template, l.table_name, l.col_key)
);
INSERT INTO core_col_label (template, table_name, col_key, col_label, col_order)
SELECT DISTINCT template, table_name, col_key, col_label, col_order FROM core_cell
EXCEPT
SELECT template, table_name, col_key, col_label, col_order FROM core_col_label
ON CONFLICT (template, table_name, col_key) DO UPDATE SET col_label = excluded.col_label, col_order = excluded.col_order;
