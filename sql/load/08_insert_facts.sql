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
-- They are inserted in region order (migration 0014), so a question about one region reads only its row groups.
INSERT INTO core_fact_applications (report_id, division_code, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT c.report_id, r.division_code, c.template, c."row", c.col, c.value, c.unit, c.raw, coalesce(c.flags, []),
       list_contains(coalesce(c.flags, []), 'uncertain'), c.locator, c.source_unit
FROM incoming_cells c JOIN core_report r ON r.report_id = c.report_id
WHERE c."table" = 'applications' AND c.report_id IN (SELECT report_id FROM changed_reports)
ORDER BY r.division_code, c.report_id, c."row", c.col;
INSERT INTO core_fact_regulations (report_id, division_code, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT c.report_id, r.division_code, c.template, c."row", c.col, c.value, c.unit, c.raw, coalesce(c.flags, []),
       list_contains(coalesce(c.flags, []), 'uncertain'), c.locator, c.source_unit
FROM incoming_cells c JOIN core_report r ON r.report_id = c.report_id
WHERE c."table" = 'regulations' AND c.report_id IN (SELECT report_id FROM changed_reports)
ORDER BY r.division_code, c.report_id, c."row", c.col;
INSERT INTO core_fact_licensing (report_id, division_code, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT c.report_id, r.division_code, c.template, c."row", c.col, c.value, c.unit, c.raw, coalesce(c.flags, []),
       list_contains(coalesce(c.flags, []), 'uncertain'), c.locator, c.source_unit
FROM incoming_cells c JOIN core_report r ON r.report_id = c.report_id
WHERE c."table" = 'licensing' AND c.report_id IN (SELECT report_id FROM changed_reports)
ORDER BY r.division_code, c.report_id, c."row", c.col;
INSERT INTO core_fact_enforcement (report_id, division_code, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT c.report_id, r.division_code, c.template, c."row", c.col, c.value, c.unit, c.raw, coalesce(c.flags, []),
       list_contains(coalesce(c.flags, []), 'uncertain'), c.locator, c.source_unit
FROM incoming_cells c JOIN core_report r ON r.report_id = c.report_id
WHERE c."table" = 'enforcement' AND c.report_id IN (SELECT report_id FROM changed_reports)
ORDER BY r.division_code, c.report_id, c."row", c.col;
INSERT INTO core_fact_fees (report_id, division_code, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT c.report_id, r.division_code, c.template, c."row", c.col, c.value, c.unit, c.raw, coalesce(c.flags, []),
       list_contains(coalesce(c.flags, []), 'uncertain'), c.locator, c.source_unit
FROM incoming_cells c JOIN core_report r ON r.report_id = c.report_id
WHERE c."table" = 'fees' AND c.report_id IN (SELECT report_id FROM changed_reports)
ORDER BY r.division_code, c.report_id, c."row", c.col;
INSERT INTO core_fact_procurement (report_id, division_code, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT c.report_id, r.division_code, c.template, c."row", c.col, c.value, c.unit, c.raw, coalesce(c.flags, []),
       list_contains(coalesce(c.flags, []), 'uncertain'), c.locator, c.source_unit
FROM incoming_cells c JOIN core_report r ON r.report_id = c.report_id
WHERE c."table" = 'procurement' AND c.report_id IN (SELECT report_id FROM changed_reports)
ORDER BY r.division_code, c.report_id, c."row", c.col;
INSERT INTO core_fact_review_litigation (report_id, division_code, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit)
SELECT c.report_id, r.division_code, c.template, c."row", c.col, c.value, c.unit, c.raw, coalesce(c.flags, []),
       list_contains(coalesce(c.flags, []), 'uncertain'), c.locator, c.source_unit
FROM incoming_cells c JOIN core_report r ON r.report_id = c.report_id
WHERE c."table" = 'review_litigation' AND c.report_id IN (SELECT report_id FROM changed_reports)
ORDER BY r.division_code, c.report_id, c."row", c.col;
