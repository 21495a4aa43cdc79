-- Facts stored in region order, with the report's division code on every row. A one-county or
-- one-province question (out_facts WHERE county_code = …) then reads only the row groups of that
-- region: DuckDB skips the others by their min/max, instead of scanning every fact of the nation.
-- The load inserts each night's facts in the same order (sql/load/08_insert_facts.sql); rows of
-- reports changed on later nights sit in that night's row groups, still grouped by region.

CREATE TABLE core_fact_applications_by_region (
    report_id VARCHAR NOT NULL,
    division_code VARCHAR,
    template VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    value DOUBLE,
    unit VARCHAR NOT NULL,
    raw_text VARCHAR,
    flags VARCHAR[] NOT NULL,
    is_uncertain BOOLEAN NOT NULL,
    locator VARCHAR,
    source_unit VARCHAR
);
INSERT INTO core_fact_applications_by_region BY NAME
SELECT f.*, r.division_code FROM core_fact_applications f LEFT JOIN core_report r USING (report_id)
ORDER BY r.division_code, f.report_id, f.row_key, f.col_key;
DROP TABLE core_fact_applications;
ALTER TABLE core_fact_applications_by_region RENAME TO core_fact_applications;
COMMENT ON TABLE core_fact_applications IS '三、收到和处理政府信息公开申请情况: applications by applicant type (columns: natural_person, commercial_enterprise, research_institution, social_welfare_organization, legal_service_agency, other_organization, total) × received / outcome rows. One row per printed cell.';
COMMENT ON COLUMN core_fact_applications.report_id IS 'core_report.report_id of the report the cell was read from.';
COMMENT ON COLUMN core_fact_applications.division_code IS 'core_report.division_code of the report (its region); rows are stored in its order, so filters on it skip other regions.';
COMMENT ON COLUMN core_fact_applications.template IS 'Template of the report (2019 or 2021); row and column keys are those of contract/cells.csv for it.';
COMMENT ON COLUMN core_fact_applications.row_key IS 'Contract row key, e.g. new_received or administrative_penalty.';
COMMENT ON COLUMN core_fact_applications.col_key IS 'Contract column key, e.g. natural_person or total.';
COMMENT ON COLUMN core_fact_applications.value IS 'The number printed; null for a blank cell. Money is in yuan (万元 converted).';
COMMENT ON COLUMN core_fact_applications.unit IS 'count or yuan.';
COMMENT ON COLUMN core_fact_applications.raw_text IS 'The cell text exactly as printed in the source.';
COMMENT ON COLUMN core_fact_applications.flags IS 'Extraction flags: annotated, signed, uncertain, unparsed, ...';
COMMENT ON COLUMN core_fact_applications.is_uncertain IS 'True when the source does not settle the value or its column; exclude from analysis unless reviewed.';
COMMENT ON COLUMN core_fact_applications.locator IS 'Where in the document the cell was read (page, table, row, column).';
COMMENT ON COLUMN core_fact_applications.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';

CREATE TABLE core_fact_regulations_by_region (
    report_id VARCHAR NOT NULL,
    division_code VARCHAR,
    template VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    value DOUBLE,
    unit VARCHAR NOT NULL,
    raw_text VARCHAR,
    flags VARCHAR[] NOT NULL,
    is_uncertain BOOLEAN NOT NULL,
    locator VARCHAR,
    source_unit VARCHAR
);
INSERT INTO core_fact_regulations_by_region BY NAME
SELECT f.*, r.division_code FROM core_fact_regulations f LEFT JOIN core_report r USING (report_id)
ORDER BY r.division_code, f.report_id, f.row_key, f.col_key;
DROP TABLE core_fact_regulations;
ALTER TABLE core_fact_regulations_by_region RENAME TO core_fact_regulations;
COMMENT ON TABLE core_fact_regulations IS '二、第二十条第（一）项: rules (规章) and normative documents (规范性文件) made, published and in force. One row per printed cell.';
COMMENT ON COLUMN core_fact_regulations.report_id IS 'core_report.report_id of the report the cell was read from.';
COMMENT ON COLUMN core_fact_regulations.division_code IS 'core_report.division_code of the report (its region); rows are stored in its order, so filters on it skip other regions.';
COMMENT ON COLUMN core_fact_regulations.template IS 'Template of the report (2019 or 2021); row and column keys are those of contract/cells.csv for it.';
COMMENT ON COLUMN core_fact_regulations.row_key IS 'Contract row key, e.g. new_received or administrative_penalty.';
COMMENT ON COLUMN core_fact_regulations.col_key IS 'Contract column key, e.g. natural_person or total.';
COMMENT ON COLUMN core_fact_regulations.value IS 'The number printed; null for a blank cell. Money is in yuan (万元 converted).';
COMMENT ON COLUMN core_fact_regulations.unit IS 'count or yuan.';
COMMENT ON COLUMN core_fact_regulations.raw_text IS 'The cell text exactly as printed in the source.';
COMMENT ON COLUMN core_fact_regulations.flags IS 'Extraction flags: annotated, signed, uncertain, unparsed, ...';
COMMENT ON COLUMN core_fact_regulations.is_uncertain IS 'True when the source does not settle the value or its column; exclude from analysis unless reviewed.';
COMMENT ON COLUMN core_fact_regulations.locator IS 'Where in the document the cell was read (page, table, row, column).';
COMMENT ON COLUMN core_fact_regulations.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';

CREATE TABLE core_fact_licensing_by_region (
    report_id VARCHAR NOT NULL,
    division_code VARCHAR,
    template VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    value DOUBLE,
    unit VARCHAR NOT NULL,
    raw_text VARCHAR,
    flags VARCHAR[] NOT NULL,
    is_uncertain BOOLEAN NOT NULL,
    locator VARCHAR,
    source_unit VARCHAR
);
INSERT INTO core_fact_licensing_by_region BY NAME
SELECT f.*, r.division_code FROM core_fact_licensing f LEFT JOIN core_report r USING (report_id)
ORDER BY r.division_code, f.report_id, f.row_key, f.col_key;
DROP TABLE core_fact_licensing;
ALTER TABLE core_fact_licensing_by_region RENAME TO core_fact_licensing;
COMMENT ON TABLE core_fact_licensing IS '二、第二十条第（五）项: administrative licensing (行政许可) and, in template 2019, other external management services. One row per printed cell.';
COMMENT ON COLUMN core_fact_licensing.report_id IS 'core_report.report_id of the report the cell was read from.';
COMMENT ON COLUMN core_fact_licensing.division_code IS 'core_report.division_code of the report (its region); rows are stored in its order, so filters on it skip other regions.';
COMMENT ON COLUMN core_fact_licensing.template IS 'Template of the report (2019 or 2021); row and column keys are those of contract/cells.csv for it.';
COMMENT ON COLUMN core_fact_licensing.row_key IS 'Contract row key, e.g. new_received or administrative_penalty.';
COMMENT ON COLUMN core_fact_licensing.col_key IS 'Contract column key, e.g. natural_person or total.';
COMMENT ON COLUMN core_fact_licensing.value IS 'The number printed; null for a blank cell. Money is in yuan (万元 converted).';
COMMENT ON COLUMN core_fact_licensing.unit IS 'count or yuan.';
COMMENT ON COLUMN core_fact_licensing.raw_text IS 'The cell text exactly as printed in the source.';
COMMENT ON COLUMN core_fact_licensing.flags IS 'Extraction flags: annotated, signed, uncertain, unparsed, ...';
COMMENT ON COLUMN core_fact_licensing.is_uncertain IS 'True when the source does not settle the value or its column; exclude from analysis unless reviewed.';
COMMENT ON COLUMN core_fact_licensing.locator IS 'Where in the document the cell was read (page, table, row, column).';
COMMENT ON COLUMN core_fact_licensing.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';

CREATE TABLE core_fact_enforcement_by_region (
    report_id VARCHAR NOT NULL,
    division_code VARCHAR,
    template VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    value DOUBLE,
    unit VARCHAR NOT NULL,
    raw_text VARCHAR,
    flags VARCHAR[] NOT NULL,
    is_uncertain BOOLEAN NOT NULL,
    locator VARCHAR,
    source_unit VARCHAR
);
INSERT INTO core_fact_enforcement_by_region BY NAME
SELECT f.*, r.division_code FROM core_fact_enforcement f LEFT JOIN core_report r USING (report_id)
ORDER BY r.division_code, f.report_id, f.row_key, f.col_key;
DROP TABLE core_fact_enforcement;
ALTER TABLE core_fact_enforcement_by_region RENAME TO core_fact_enforcement;
COMMENT ON TABLE core_fact_enforcement IS '二、第二十条第（六）项: administrative penalties (行政处罚) and coercion (行政强制). One row per printed cell.';
COMMENT ON COLUMN core_fact_enforcement.report_id IS 'core_report.report_id of the report the cell was read from.';
COMMENT ON COLUMN core_fact_enforcement.division_code IS 'core_report.division_code of the report (its region); rows are stored in its order, so filters on it skip other regions.';
COMMENT ON COLUMN core_fact_enforcement.template IS 'Template of the report (2019 or 2021); row and column keys are those of contract/cells.csv for it.';
COMMENT ON COLUMN core_fact_enforcement.row_key IS 'Contract row key, e.g. new_received or administrative_penalty.';
COMMENT ON COLUMN core_fact_enforcement.col_key IS 'Contract column key, e.g. natural_person or total.';
COMMENT ON COLUMN core_fact_enforcement.value IS 'The number printed; null for a blank cell. Money is in yuan (万元 converted).';
COMMENT ON COLUMN core_fact_enforcement.unit IS 'count or yuan.';
COMMENT ON COLUMN core_fact_enforcement.raw_text IS 'The cell text exactly as printed in the source.';
COMMENT ON COLUMN core_fact_enforcement.flags IS 'Extraction flags: annotated, signed, uncertain, unparsed, ...';
COMMENT ON COLUMN core_fact_enforcement.is_uncertain IS 'True when the source does not settle the value or its column; exclude from analysis unless reviewed.';
COMMENT ON COLUMN core_fact_enforcement.locator IS 'Where in the document the cell was read (page, table, row, column).';
COMMENT ON COLUMN core_fact_enforcement.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';

CREATE TABLE core_fact_fees_by_region (
    report_id VARCHAR NOT NULL,
    division_code VARCHAR,
    template VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    value DOUBLE,
    unit VARCHAR NOT NULL,
    raw_text VARCHAR,
    flags VARCHAR[] NOT NULL,
    is_uncertain BOOLEAN NOT NULL,
    locator VARCHAR,
    source_unit VARCHAR
);
INSERT INTO core_fact_fees_by_region BY NAME
SELECT f.*, r.division_code FROM core_fact_fees f LEFT JOIN core_report r USING (report_id)
ORDER BY r.division_code, f.report_id, f.row_key, f.col_key;
DROP TABLE core_fact_fees;
ALTER TABLE core_fact_fees_by_region RENAME TO core_fact_fees;
COMMENT ON TABLE core_fact_fees IS '二、第二十条第（八）项: administrative fees (行政事业性收费); template 2021 prints the amount collected, converted here to yuan. One row per printed cell.';
COMMENT ON COLUMN core_fact_fees.report_id IS 'core_report.report_id of the report the cell was read from.';
COMMENT ON COLUMN core_fact_fees.division_code IS 'core_report.division_code of the report (its region); rows are stored in its order, so filters on it skip other regions.';
COMMENT ON COLUMN core_fact_fees.template IS 'Template of the report (2019 or 2021); row and column keys are those of contract/cells.csv for it.';
COMMENT ON COLUMN core_fact_fees.row_key IS 'Contract row key, e.g. new_received or administrative_penalty.';
COMMENT ON COLUMN core_fact_fees.col_key IS 'Contract column key, e.g. natural_person or total.';
COMMENT ON COLUMN core_fact_fees.value IS 'The number printed; null for a blank cell. Money is in yuan (万元 converted).';
COMMENT ON COLUMN core_fact_fees.unit IS 'count or yuan.';
COMMENT ON COLUMN core_fact_fees.raw_text IS 'The cell text exactly as printed in the source.';
COMMENT ON COLUMN core_fact_fees.flags IS 'Extraction flags: annotated, signed, uncertain, unparsed, ...';
COMMENT ON COLUMN core_fact_fees.is_uncertain IS 'True when the source does not settle the value or its column; exclude from analysis unless reviewed.';
COMMENT ON COLUMN core_fact_fees.locator IS 'Where in the document the cell was read (page, table, row, column).';
COMMENT ON COLUMN core_fact_fees.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';

CREATE TABLE core_fact_procurement_by_region (
    report_id VARCHAR NOT NULL,
    division_code VARCHAR,
    template VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    value DOUBLE,
    unit VARCHAR NOT NULL,
    raw_text VARCHAR,
    flags VARCHAR[] NOT NULL,
    is_uncertain BOOLEAN NOT NULL,
    locator VARCHAR,
    source_unit VARCHAR
);
INSERT INTO core_fact_procurement_by_region BY NAME
SELECT f.*, r.division_code FROM core_fact_procurement f LEFT JOIN core_report r USING (report_id)
ORDER BY r.division_code, f.report_id, f.row_key, f.col_key;
DROP TABLE core_fact_procurement;
ALTER TABLE core_fact_procurement_by_region RENAME TO core_fact_procurement;
COMMENT ON TABLE core_fact_procurement IS '二、第二十条第（九）项: centralized government procurement (政府集中采购, template 2019 only); amounts in yuan. One row per printed cell.';
COMMENT ON COLUMN core_fact_procurement.report_id IS 'core_report.report_id of the report the cell was read from.';
COMMENT ON COLUMN core_fact_procurement.division_code IS 'core_report.division_code of the report (its region); rows are stored in its order, so filters on it skip other regions.';
COMMENT ON COLUMN core_fact_procurement.template IS 'Template of the report (2019 or 2021); row and column keys are those of contract/cells.csv for it.';
COMMENT ON COLUMN core_fact_procurement.row_key IS 'Contract row key, e.g. new_received or administrative_penalty.';
COMMENT ON COLUMN core_fact_procurement.col_key IS 'Contract column key, e.g. natural_person or total.';
COMMENT ON COLUMN core_fact_procurement.value IS 'The number printed; null for a blank cell. Money is in yuan (万元 converted).';
COMMENT ON COLUMN core_fact_procurement.unit IS 'count or yuan.';
COMMENT ON COLUMN core_fact_procurement.raw_text IS 'The cell text exactly as printed in the source.';
COMMENT ON COLUMN core_fact_procurement.flags IS 'Extraction flags: annotated, signed, uncertain, unparsed, ...';
COMMENT ON COLUMN core_fact_procurement.is_uncertain IS 'True when the source does not settle the value or its column; exclude from analysis unless reviewed.';
COMMENT ON COLUMN core_fact_procurement.locator IS 'Where in the document the cell was read (page, table, row, column).';
COMMENT ON COLUMN core_fact_procurement.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';

CREATE TABLE core_fact_review_litigation_by_region (
    report_id VARCHAR NOT NULL,
    division_code VARCHAR,
    template VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    value DOUBLE,
    unit VARCHAR NOT NULL,
    raw_text VARCHAR,
    flags VARCHAR[] NOT NULL,
    is_uncertain BOOLEAN NOT NULL,
    locator VARCHAR,
    source_unit VARCHAR
);
INSERT INTO core_fact_review_litigation_by_region BY NAME
SELECT f.*, r.division_code FROM core_fact_review_litigation f LEFT JOIN core_report r USING (report_id)
ORDER BY r.division_code, f.report_id, f.row_key, f.col_key;
DROP TABLE core_fact_review_litigation;
ALTER TABLE core_fact_review_litigation_by_region RENAME TO core_fact_review_litigation;
COMMENT ON TABLE core_fact_review_litigation IS '四、政府信息公开行政复议、行政诉讼情况: administrative review and litigation cases by outcome. One row per printed cell.';
COMMENT ON COLUMN core_fact_review_litigation.report_id IS 'core_report.report_id of the report the cell was read from.';
COMMENT ON COLUMN core_fact_review_litigation.division_code IS 'core_report.division_code of the report (its region); rows are stored in its order, so filters on it skip other regions.';
COMMENT ON COLUMN core_fact_review_litigation.template IS 'Template of the report (2019 or 2021); row and column keys are those of contract/cells.csv for it.';
COMMENT ON COLUMN core_fact_review_litigation.row_key IS 'Contract row key, e.g. new_received or administrative_penalty.';
COMMENT ON COLUMN core_fact_review_litigation.col_key IS 'Contract column key, e.g. natural_person or total.';
COMMENT ON COLUMN core_fact_review_litigation.value IS 'The number printed; null for a blank cell. Money is in yuan (万元 converted).';
COMMENT ON COLUMN core_fact_review_litigation.unit IS 'count or yuan.';
COMMENT ON COLUMN core_fact_review_litigation.raw_text IS 'The cell text exactly as printed in the source.';
COMMENT ON COLUMN core_fact_review_litigation.flags IS 'Extraction flags: annotated, signed, uncertain, unparsed, ...';
COMMENT ON COLUMN core_fact_review_litigation.is_uncertain IS 'True when the source does not settle the value or its column; exclude from analysis unless reviewed.';
COMMENT ON COLUMN core_fact_review_litigation.locator IS 'Where in the document the cell was read (page, table, row, column).';
COMMENT ON COLUMN core_fact_review_litigation.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';

-- out_facts gains the report's region codes (at the end, so its other columns keep their places).
CREATE OR REPLACE VIEW out_facts AS
WITH facts AS (
    -- The region codes are computed in each branch so a filter on them reaches each table's scan.
    SELECT 'applications' AS family, report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit,
        division_code, CASE WHEN length(division_code) >= 6 THEN left(division_code, 6) END AS county_code,
        left(division_code, 2) AS province_code
    FROM core_fact_applications
    UNION ALL SELECT 'regulations' AS family, report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit,
        division_code, CASE WHEN length(division_code) >= 6 THEN left(division_code, 6) END AS county_code,
        left(division_code, 2) AS province_code
    FROM core_fact_regulations
    UNION ALL SELECT 'licensing' AS family, report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit,
        division_code, CASE WHEN length(division_code) >= 6 THEN left(division_code, 6) END AS county_code,
        left(division_code, 2) AS province_code
    FROM core_fact_licensing
    UNION ALL SELECT 'enforcement' AS family, report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit,
        division_code, CASE WHEN length(division_code) >= 6 THEN left(division_code, 6) END AS county_code,
        left(division_code, 2) AS province_code
    FROM core_fact_enforcement
    UNION ALL SELECT 'fees' AS family, report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit,
        division_code, CASE WHEN length(division_code) >= 6 THEN left(division_code, 6) END AS county_code,
        left(division_code, 2) AS province_code
    FROM core_fact_fees
    UNION ALL SELECT 'procurement' AS family, report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit,
        division_code, CASE WHEN length(division_code) >= 6 THEN left(division_code, 6) END AS county_code,
        left(division_code, 2) AS province_code
    FROM core_fact_procurement
    UNION ALL SELECT 'review_litigation' AS family, report_id, template, row_key, col_key, value, unit, raw_text, flags, is_uncertain, locator, source_unit,
        division_code, CASE WHEN length(division_code) >= 6 THEN left(division_code, 6) END AS county_code,
        left(division_code, 2) AS province_code
    FROM core_fact_review_litigation
)
SELECT
    f.report_id,
    f.family,
    f.template,
    f.row_key,
    f.col_key,
    c.row_label,
    c.col_label,
    f.unit,
    CASE WHEN f.unit = 'count' AND f.value = trunc(f.value) THEN CAST(f.value AS BIGINT) END AS count_value,
    CASE WHEN f.unit = 'yuan' THEN CAST(f.value AS DECIMAL(18, 2)) END AS amount_yuan,
    f.source_unit,
    f.raw_text,
    f.flags,
    f.is_uncertain,
    f.locator,
    c.row_order,
    c.col_order,
    f.division_code,
    f.county_code,
    f.province_code
FROM facts f
LEFT JOIN core_cell c
    ON c.template = f.template AND c.table_name = f.family AND c.row_key = f.row_key AND c.col_key = f.col_key;
COMMENT ON VIEW out_facts IS 'Every printed cell of every family, labelled in Chinese, with counts (BIGINT) and money (DECIMAL yuan) in separate columns: sum count_value or amount_yuan, never both. Uncertain cells are included; filter on is_uncertain.';
COMMENT ON COLUMN out_facts.report_id IS 'core_report.report_id of the report the cell was read from.';
COMMENT ON COLUMN out_facts.family IS 'Fact family (core_fact_<family>): applications, regulations, licensing, enforcement, fees, procurement, review_litigation.';
COMMENT ON COLUMN out_facts.template IS '2019 or 2021.';
COMMENT ON COLUMN out_facts.row_key IS 'Contract row key.';
COMMENT ON COLUMN out_facts.col_key IS 'Contract column key.';
COMMENT ON COLUMN out_facts.row_label IS 'Row label as the template prints it (core_cell).';
COMMENT ON COLUMN out_facts.col_label IS 'Column label as the template prints it (core_cell).';
COMMENT ON COLUMN out_facts.unit IS 'count or yuan: which of count_value and amount_yuan is filled.';
COMMENT ON COLUMN out_facts.count_value IS 'The count printed (BIGINT); null for money cells, blank cells and counts that are not whole numbers.';
COMMENT ON COLUMN out_facts.amount_yuan IS 'The amount printed, in yuan (DECIMAL(18,2)), converted from source_unit; null for counts and blank cells.';
COMMENT ON COLUMN out_facts.source_unit IS 'Unit the amount was printed in (元, 千元, 万元, ...); null for counts and for amounts printed without a unit.';
COMMENT ON COLUMN out_facts.raw_text IS 'The cell text exactly as printed.';
COMMENT ON COLUMN out_facts.flags IS 'Extraction flags: annotated, signed, uncertain, unparsed, no_unit, truncated, ...';
COMMENT ON COLUMN out_facts.is_uncertain IS 'True when the source does not settle the value or its column; exclude from analysis unless reviewed.';
COMMENT ON COLUMN out_facts.locator IS 'Where in the document the cell was read (page, table, row, column).';
COMMENT ON COLUMN out_facts.row_order IS 'Position of the row in the printed table.';
COMMENT ON COLUMN out_facts.col_order IS 'Position of the column in the printed table.';
COMMENT ON COLUMN out_facts.division_code IS 'Division code of the report''s region (core_report.division_code).';
COMMENT ON COLUMN out_facts.county_code IS 'Six-digit code of the county-level area the report''s region lies in; null above county level. Filter on it (or province_code) for one region: only that region''s facts are read.';
COMMENT ON COLUMN out_facts.province_code IS 'Two-digit code of the province the report''s region lies in.';
