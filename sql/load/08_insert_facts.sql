-- Facts go to one table per family; every row keeps its raw text, flags and locator.
INSERT INTO core_fact_applications
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator
FROM incoming_cells
WHERE "table" = 'applications' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_regulations
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator
FROM incoming_cells
WHERE "table" = 'regulations' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_licensing
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator
FROM incoming_cells
WHERE "table" = 'licensing' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_enforcement
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator
FROM incoming_cells
WHERE "table" = 'enforcement' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_fees
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator
FROM incoming_cells
WHERE "table" = 'fees' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_procurement
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator
FROM incoming_cells
WHERE "table" = 'procurement' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_fact_review_litigation
SELECT report_id, template, "row", col, value, unit, raw, coalesce(flags, []), list_contains(coalesce(flags, []), 'uncertain'), locator
FROM incoming_cells
WHERE "table" = 'review_litigation' AND report_id IN (SELECT report_id FROM changed_reports);
