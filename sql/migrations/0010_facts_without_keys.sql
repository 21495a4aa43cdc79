-- Fact tables without primary keys. Each key was an ART index over every fact row, built in memory
-- while a night inserted (16 GB for a national first night, beyond any memory limit) and stored
-- beside the rows (the file four times larger). Uniqueness is kept by the load instead: it deletes a
-- changed report's rows before inserting its new ones and refuses a night whose cells repeat a
-- (report, table, row, column) key (sql/load/08_insert_facts.sql). Rows are copied in report order,
-- so one report's cells sit together.

CREATE TABLE core_fact_applications_unkeyed (
    report_id VARCHAR NOT NULL,
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
INSERT INTO core_fact_applications_unkeyed BY NAME SELECT * FROM core_fact_applications ORDER BY report_id, row_key, col_key;
DROP TABLE core_fact_applications;
ALTER TABLE core_fact_applications_unkeyed RENAME TO core_fact_applications;
COMMENT ON TABLE core_fact_applications IS '三、收到和处理政府信息公开申请情况: applications by applicant type (columns: natural_person, commercial_enterprise, research_institution, social_welfare_organization, legal_service_agency, other_organization, total) × received / outcome rows. One row per printed cell.';
COMMENT ON COLUMN core_fact_applications.report_id IS 'core_report.report_id of the report the cell was read from.';
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

CREATE TABLE core_fact_regulations_unkeyed (
    report_id VARCHAR NOT NULL,
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
INSERT INTO core_fact_regulations_unkeyed BY NAME SELECT * FROM core_fact_regulations ORDER BY report_id, row_key, col_key;
DROP TABLE core_fact_regulations;
ALTER TABLE core_fact_regulations_unkeyed RENAME TO core_fact_regulations;
COMMENT ON TABLE core_fact_regulations IS '二、第二十条第（一）项: rules (规章) and normative documents (规范性文件) made, published and in force. One row per printed cell.';
COMMENT ON COLUMN core_fact_regulations.report_id IS 'core_report.report_id of the report the cell was read from.';
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

CREATE TABLE core_fact_licensing_unkeyed (
    report_id VARCHAR NOT NULL,
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
INSERT INTO core_fact_licensing_unkeyed BY NAME SELECT * FROM core_fact_licensing ORDER BY report_id, row_key, col_key;
DROP TABLE core_fact_licensing;
ALTER TABLE core_fact_licensing_unkeyed RENAME TO core_fact_licensing;
COMMENT ON TABLE core_fact_licensing IS '二、第二十条第（五）项: administrative licensing (行政许可) and, in template 2019, other external management services. One row per printed cell.';
COMMENT ON COLUMN core_fact_licensing.report_id IS 'core_report.report_id of the report the cell was read from.';
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

CREATE TABLE core_fact_enforcement_unkeyed (
    report_id VARCHAR NOT NULL,
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
INSERT INTO core_fact_enforcement_unkeyed BY NAME SELECT * FROM core_fact_enforcement ORDER BY report_id, row_key, col_key;
DROP TABLE core_fact_enforcement;
ALTER TABLE core_fact_enforcement_unkeyed RENAME TO core_fact_enforcement;
COMMENT ON TABLE core_fact_enforcement IS '二、第二十条第（六）项: administrative penalties (行政处罚) and coercion (行政强制). One row per printed cell.';
COMMENT ON COLUMN core_fact_enforcement.report_id IS 'core_report.report_id of the report the cell was read from.';
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

CREATE TABLE core_fact_fees_unkeyed (
    report_id VARCHAR NOT NULL,
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
INSERT INTO core_fact_fees_unkeyed BY NAME SELECT * FROM core_fact_fees ORDER BY report_id, row_key, col_key;
DROP TABLE core_fact_fees;
ALTER TABLE core_fact_fees_unkeyed RENAME TO core_fact_fees;
COMMENT ON TABLE core_fact_fees IS '二、第二十条第（八）项: administrative fees (行政事业性收费); template 2021 prints the amount collected, converted here to yuan. One row per printed cell.';
COMMENT ON COLUMN core_fact_fees.report_id IS 'core_report.report_id of the report the cell was read from.';
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

CREATE TABLE core_fact_procurement_unkeyed (
    report_id VARCHAR NOT NULL,
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
INSERT INTO core_fact_procurement_unkeyed BY NAME SELECT * FROM core_fact_procurement ORDER BY report_id, row_key, col_key;
DROP TABLE core_fact_procurement;
ALTER TABLE core_fact_procurement_unkeyed RENAME TO core_fact_procurement;
COMMENT ON TABLE core_fact_procurement IS '二、第二十条第（九）项: centralized government procurement (政府集中采购, template 2019 only); amounts in yuan. One row per printed cell.';
COMMENT ON COLUMN core_fact_procurement.report_id IS 'core_report.report_id of the report the cell was read from.';
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

CREATE TABLE core_fact_review_litigation_unkeyed (
    report_id VARCHAR NOT NULL,
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
INSERT INTO core_fact_review_litigation_unkeyed BY NAME SELECT * FROM core_fact_review_litigation ORDER BY report_id, row_key, col_key;
DROP TABLE core_fact_review_litigation;
ALTER TABLE core_fact_review_litigation_unkeyed RENAME TO core_fact_review_litigation;
COMMENT ON TABLE core_fact_review_litigation IS '四、政府信息公开行政复议、行政诉讼情况: administrative review and litigation cases by outcome. One row per printed cell.';
COMMENT ON COLUMN core_fact_review_litigation.report_id IS 'core_report.report_id of the report the cell was read from.';
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
