-- The fact tables have no primary key (its index would not fit in memory at national scale): a
-- changed report's old rows were deleted above, and a night whose cells repeat a key is refused here.
SELECT error('cells repeat a (report, table, row, column) key, e.g. report ' || any_value(report_id) || ' '
             || any_value("table") || '.' || any_value("row") || '.' || any_value(col))
FROM (
    SELECT report_id, "table", "row", col FROM incoming_cells
    GROUP BY ALL HAVING count(*) > 1
)
HAVING count(*) > 0;
-- Facts go to one table per family; every row keeps its raw text, flags, locator and the unit money was printed in.
INSERT INTO core_fact_applications (report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator, source_unit
FROM incoming_cells
WHERE "table" = 'applications' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_regulations (report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator, source_unit
FROM incoming_cells
WHERE "table" = 'regulations' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_licensing (report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator, source_unit
FROM incoming_cells
WHERE "table" = 'licensing' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_enforcement (report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator, source_unit
FROM incoming_cells
WHERE "table" = 'enforcement' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_fees (report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator, source_unit
FROM incoming_cells
WHERE "table" = 'fees' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_procurement (report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator, source_unit
FROM incoming_cells
WHERE "table" = 'procurement' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_review_litigation (report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator, source_unit
FROM incoming_cells
WHERE "table" = 'review_litigation' AND report_id IN (SELECT report_id FROM changed_reports);
