-- Analyst schema that cannot be summed wrong: the unit each money cell was printed in, the
-- template's Chinese labels as tables, typed long and wide views (counts BIGINT, money DECIMAL
-- yuan), coverage beside every trend and ranking, and a like-for-like county year-over-year.
-- Views replaced here keep their names; their aggregates now return BIGINT instead of DOUBLE.

ALTER TABLE core_fact_applications ADD COLUMN source_unit VARCHAR;
ALTER TABLE core_fact_regulations ADD COLUMN source_unit VARCHAR;
ALTER TABLE core_fact_licensing ADD COLUMN source_unit VARCHAR;
ALTER TABLE core_fact_enforcement ADD COLUMN source_unit VARCHAR;
ALTER TABLE core_fact_fees ADD COLUMN source_unit VARCHAR;
ALTER TABLE core_fact_procurement ADD COLUMN source_unit VARCHAR;
ALTER TABLE core_fact_review_litigation ADD COLUMN source_unit VARCHAR;
COMMENT ON COLUMN core_fact_applications.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';
COMMENT ON COLUMN core_fact_regulations.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';
COMMENT ON COLUMN core_fact_licensing.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';
COMMENT ON COLUMN core_fact_enforcement.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';
COMMENT ON COLUMN core_fact_fees.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';
COMMENT ON COLUMN core_fact_procurement.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';
COMMENT ON COLUMN core_fact_review_litigation.source_unit IS 'Money cells: the unit the amount was printed in (元, 千元, 万元, ...) before conversion to yuan; null for counts and for amounts printed without a unit.';

CREATE TABLE core_cell (
    template VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    row_label VARCHAR NOT NULL,
    col_label VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    row_order INTEGER NOT NULL,
    col_order INTEGER NOT NULL,
    PRIMARY KEY (template, table_name, row_key, col_key)
);
COMMENT ON TABLE core_cell IS 'Every cell of both national templates with its Chinese wording, loaded from the contract (pipeline/report/cells.csv) on every load: join facts on (template, table_name = family, row_key, col_key).';
COMMENT ON COLUMN core_cell.template IS '2019 or 2021.';
COMMENT ON COLUMN core_cell.table_name IS 'Fact family: applications, regulations, licensing, enforcement, fees, procurement or review_litigation (core_fact_<table_name>).';
COMMENT ON COLUMN core_cell.row_key IS 'Contract row key.';
COMMENT ON COLUMN core_cell.col_key IS 'Contract column key.';
COMMENT ON COLUMN core_cell.row_label IS 'Row label as the template prints it, e.g. 一、本年新收政府信息公开申请数量.';
COMMENT ON COLUMN core_cell.col_label IS 'Column label as the template prints it, e.g. 自然人.';
COMMENT ON COLUMN core_cell.unit IS 'count or yuan.';
COMMENT ON COLUMN core_cell.row_order IS 'Position of the row in the printed table (1 = first).';
COMMENT ON COLUMN core_cell.col_order IS 'Position of the column in the printed table (1 = first).';

CREATE TABLE core_row_label (
    template VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    row_label VARCHAR NOT NULL,
    row_order INTEGER NOT NULL,
    PRIMARY KEY (template, table_name, row_key)
);
COMMENT ON TABLE core_row_label IS 'Chinese label of every row key per template and family (from core_cell), for labelling long facts without repeating the column.';
COMMENT ON COLUMN core_row_label.template IS '2019 or 2021.';
COMMENT ON COLUMN core_row_label.table_name IS 'Fact family.';
COMMENT ON COLUMN core_row_label.row_key IS 'Contract row key.';
COMMENT ON COLUMN core_row_label.row_label IS 'Row label as printed, e.g. （三）不予公开 1.属于国家秘密.';
COMMENT ON COLUMN core_row_label.row_order IS 'Position of the row in the printed table (1 = first).';

CREATE TABLE core_col_label (
    template VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    col_key VARCHAR NOT NULL,
    col_label VARCHAR NOT NULL,
    col_order INTEGER NOT NULL,
    PRIMARY KEY (template, table_name, col_key)
);
COMMENT ON TABLE core_col_label IS 'Chinese label of every column key per template and family (from core_cell).';
COMMENT ON COLUMN core_col_label.template IS '2019 or 2021.';
COMMENT ON COLUMN core_col_label.table_name IS 'Fact family.';
COMMENT ON COLUMN core_col_label.col_key IS 'Contract column key.';
COMMENT ON COLUMN core_col_label.col_label IS 'Column label as printed, e.g. 商业企业 or 总计.';
COMMENT ON COLUMN core_col_label.col_order IS 'Position of the column in the printed table (1 = first).';

-- Typed long facts: counts and money in separate columns, so a sum can never mix them.
CREATE VIEW out_facts AS
WITH facts AS (
    SELECT 'applications' AS family, * FROM core_fact_applications
    UNION ALL BY NAME SELECT 'regulations' AS family, * FROM core_fact_regulations
    UNION ALL BY NAME SELECT 'licensing' AS family, * FROM core_fact_licensing
    UNION ALL BY NAME SELECT 'enforcement' AS family, * FROM core_fact_enforcement
    UNION ALL BY NAME SELECT 'fees' AS family, * FROM core_fact_fees
    UNION ALL BY NAME SELECT 'procurement' AS family, * FROM core_fact_procurement
    UNION ALL BY NAME SELECT 'review_litigation' AS family, * FROM core_fact_review_litigation
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
    c.col_order
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

COMMENT ON COLUMN out_report_region.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_report_region.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_report_region.template IS '2019 or 2021.';
COMMENT ON COLUMN out_report_region.division_code IS 'Division code of the publisher''s region (county, town, ...).';
COMMENT ON COLUMN out_report_region.region_name IS 'Name of that region (core_region).';
COMMENT ON COLUMN out_report_region.region_level IS 'Level of that region: province, city, county or town.';
COMMENT ON COLUMN out_report_region.province_code IS 'Two-digit code of the province.';
COMMENT ON COLUMN out_report_region.province_name IS 'Province name, e.g. 浙江省.';
COMMENT ON COLUMN out_report_region.city_code IS 'Four-digit code of the city (prefecture).';
COMMENT ON COLUMN out_report_region.county_code IS 'Six-digit code of the county-level area the report rolls up into; null for province- and city-level publishers.';
COMMENT ON COLUMN out_report_region.county_name IS 'County-level area name, e.g. 海盐县.';
COMMENT ON COLUMN out_report_region.publisher_name IS 'Publishing body as printed.';
COMMENT ON COLUMN out_report_region.publisher_level IS 'province, city, county, town, sub-district or department.';

CREATE OR REPLACE VIEW out_application_rows AS
WITH cells AS (
    SELECT report_id, row_key, col_key, value
    FROM core_fact_applications
    WHERE NOT is_uncertain AND value IS NOT NULL
)
SELECT
    report_id,
    row_key,
    CAST(COALESCE(
        max(value) FILTER (WHERE col_key = 'total'),
        sum(value) FILTER (WHERE col_key <> 'total')
    ) AS BIGINT) AS applications_count
FROM cells
GROUP BY report_id, row_key;
COMMENT ON VIEW out_application_rows IS 'Applications per report and row of table 三: the printed 总计, or the sum of the applicant columns where 总计 is blank.';
COMMENT ON COLUMN out_application_rows.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_application_rows.row_key IS 'Row of table 三 (contract row key).';
COMMENT ON COLUMN out_application_rows.applications_count IS 'Number of applications in the row (BIGINT).';

CREATE OR REPLACE VIEW out_applications_by_report AS
SELECT
    report_id,
    CAST(sum(applications_count) FILTER (WHERE row_key = 'new_received') AS BIGINT) AS new_received_count,
    CAST(sum(applications_count) FILTER (WHERE row_key = 'carried_over') AS BIGINT) AS carried_over_count,
    CAST(sum(applications_count) FILTER (WHERE row_key = 'granted') AS BIGINT) AS granted_count,
    CAST(sum(applications_count) FILTER (WHERE row_key = 'partially_granted') AS BIGINT) AS partially_granted_count,
    CAST(sum(applications_count) FILTER (WHERE row_key LIKE 'denied\_%' ESCAPE '\') AS BIGINT) AS denied_count,
    CAST(sum(applications_count) FILTER (WHERE row_key LIKE 'unable\_%' ESCAPE '\') AS BIGINT) AS unable_count,
    CAST(sum(applications_count) FILTER (WHERE row_key LIKE 'not\_processed\_%' ESCAPE '\') AS BIGINT) AS not_processed_count,
    CAST(sum(applications_count) FILTER (WHERE row_key LIKE 'other\_%' ESCAPE '\') AS BIGINT) AS other_processing_count,
    CAST(sum(applications_count) FILTER (WHERE row_key = 'total_processed') AS BIGINT) AS total_processed_count,
    CAST(sum(applications_count) FILTER (WHERE row_key = 'carried_forward') AS BIGINT) AS carried_forward_count
FROM out_application_rows
GROUP BY report_id;
COMMENT ON VIEW out_applications_by_report IS 'Table 三 of each report, one row per report with a column per outcome group (counts, BIGINT).';
COMMENT ON COLUMN out_applications_by_report.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_applications_by_report.new_received_count IS '一、本年新收政府信息公开申请数量.';
COMMENT ON COLUMN out_applications_by_report.carried_over_count IS '二、上年结转政府信息公开申请数量.';
COMMENT ON COLUMN out_applications_by_report.granted_count IS '三（一）予以公开.';
COMMENT ON COLUMN out_applications_by_report.partially_granted_count IS '三（二）部分公开.';
COMMENT ON COLUMN out_applications_by_report.denied_count IS '三（三）不予公开, all eight reasons.';
COMMENT ON COLUMN out_applications_by_report.unable_count IS '三（四）无法提供, all reasons.';
COMMENT ON COLUMN out_applications_by_report.not_processed_count IS '三（五）不予处理, all reasons.';
COMMENT ON COLUMN out_applications_by_report.other_processing_count IS '三（六）其他处理.';
COMMENT ON COLUMN out_applications_by_report.total_processed_count IS '三（七）总计: applications processed.';
COMMENT ON COLUMN out_applications_by_report.carried_forward_count IS '四、结转下年度继续办理.';

-- Coverage: which county-level areas the portal registry expects a report from.
CREATE VIEW out_registry_counties AS
SELECT
    left(division_code, 6) AS county_code,
    left(division_code, 2) AS province_code,
    count(*) AS portals_count
FROM out_portal_health_latest
WHERE length(division_code) >= 6
GROUP BY ALL;
COMMENT ON VIEW out_registry_counties IS 'County-level areas the portal registry covers (a portal serving the county or one of its towns), from each portal''s latest health row: the denominator of coverage.';
COMMENT ON COLUMN out_registry_counties.county_code IS 'Six-digit code of the county-level area.';
COMMENT ON COLUMN out_registry_counties.province_code IS 'Two-digit code of its province.';
COMMENT ON COLUMN out_registry_counties.portals_count IS 'Registry portals serving the area.';

CREATE VIEW out_applications_by_applicant AS
SELECT
    f.report_id,
    any_value(f.template) AS template,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'new_received' AND f.col_key = 'natural_person') AS BIGINT) AS new_received_natural_person_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'new_received' AND f.col_key = 'commercial_enterprise') AS BIGINT) AS new_received_commercial_enterprise_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'new_received' AND f.col_key = 'research_institution') AS BIGINT) AS new_received_research_institution_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'new_received' AND f.col_key = 'social_welfare_organization') AS BIGINT) AS new_received_social_welfare_organization_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'new_received' AND f.col_key = 'legal_service_agency') AS BIGINT) AS new_received_legal_service_agency_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'new_received' AND f.col_key = 'other_organization') AS BIGINT) AS new_received_other_organization_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'new_received' AND f.col_key = 'total') AS BIGINT) AS new_received_total_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'total_processed' AND f.col_key = 'natural_person') AS BIGINT) AS total_processed_natural_person_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'total_processed' AND f.col_key = 'commercial_enterprise') AS BIGINT) AS total_processed_commercial_enterprise_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'total_processed' AND f.col_key = 'research_institution') AS BIGINT) AS total_processed_research_institution_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'total_processed' AND f.col_key = 'social_welfare_organization') AS BIGINT) AS total_processed_social_welfare_organization_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'total_processed' AND f.col_key = 'legal_service_agency') AS BIGINT) AS total_processed_legal_service_agency_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'total_processed' AND f.col_key = 'other_organization') AS BIGINT) AS total_processed_other_organization_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'total_processed' AND f.col_key = 'total') AS BIGINT) AS total_processed_total_count
FROM core_fact_applications f
WHERE NOT f.is_uncertain
GROUP BY f.report_id;
COMMENT ON VIEW out_applications_by_applicant IS 'Table 三 per report, one column per applicant type: applications newly received (一) and processed in total (（七）总计), as printed (counts). One row per report; uncertain cells are left out (null).';
COMMENT ON COLUMN out_applications_by_applicant.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_applications_by_applicant.template IS 'Template of the report (2019 or 2021): columns of the other template are null.';
COMMENT ON COLUMN out_applications_by_applicant.new_received_natural_person_count IS '一、本年新收政府信息公开申请数量 × 自然人 (count).';
COMMENT ON COLUMN out_applications_by_applicant.new_received_commercial_enterprise_count IS '一、本年新收政府信息公开申请数量 × 商业企业 (count).';
COMMENT ON COLUMN out_applications_by_applicant.new_received_research_institution_count IS '一、本年新收政府信息公开申请数量 × 科研机构 (count).';
COMMENT ON COLUMN out_applications_by_applicant.new_received_social_welfare_organization_count IS '一、本年新收政府信息公开申请数量 × 社会公益组织 (count).';
COMMENT ON COLUMN out_applications_by_applicant.new_received_legal_service_agency_count IS '一、本年新收政府信息公开申请数量 × 法律服务机构 (count).';
COMMENT ON COLUMN out_applications_by_applicant.new_received_other_organization_count IS '一、本年新收政府信息公开申请数量 × 其他 (count).';
COMMENT ON COLUMN out_applications_by_applicant.new_received_total_count IS '一、本年新收政府信息公开申请数量 × 总计 (count).';
COMMENT ON COLUMN out_applications_by_applicant.total_processed_natural_person_count IS '（七）总计 × 自然人 (count).';
COMMENT ON COLUMN out_applications_by_applicant.total_processed_commercial_enterprise_count IS '（七）总计 × 商业企业 (count).';
COMMENT ON COLUMN out_applications_by_applicant.total_processed_research_institution_count IS '（七）总计 × 科研机构 (count).';
COMMENT ON COLUMN out_applications_by_applicant.total_processed_social_welfare_organization_count IS '（七）总计 × 社会公益组织 (count).';
COMMENT ON COLUMN out_applications_by_applicant.total_processed_legal_service_agency_count IS '（七）总计 × 法律服务机构 (count).';
COMMENT ON COLUMN out_applications_by_applicant.total_processed_other_organization_count IS '（七）总计 × 其他 (count).';
COMMENT ON COLUMN out_applications_by_applicant.total_processed_total_count IS '（七）总计 × 总计 (count).';

CREATE VIEW out_regulations_by_report AS
SELECT
    f.report_id,
    any_value(f.template) AS template,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'rules' AND f.col_key = 'made') AS BIGINT) AS rules_made_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'rules' AND f.col_key = 'published') AS BIGINT) AS rules_published_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'rules' AND f.col_key = 'total_public') AS BIGINT) AS rules_total_public_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'rules' AND f.col_key = 'issued') AS BIGINT) AS rules_issued_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'rules' AND f.col_key = 'repealed') AS BIGINT) AS rules_repealed_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'rules' AND f.col_key = 'in_force') AS BIGINT) AS rules_in_force_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'normative_documents' AND f.col_key = 'made') AS BIGINT) AS normative_documents_made_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'normative_documents' AND f.col_key = 'published') AS BIGINT) AS normative_documents_published_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'normative_documents' AND f.col_key = 'total_public') AS BIGINT) AS normative_documents_total_public_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'normative_documents' AND f.col_key = 'issued') AS BIGINT) AS normative_documents_issued_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'normative_documents' AND f.col_key = 'repealed') AS BIGINT) AS normative_documents_repealed_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'normative_documents' AND f.col_key = 'in_force') AS BIGINT) AS normative_documents_in_force_count
FROM core_fact_regulations f
WHERE NOT f.is_uncertain
GROUP BY f.report_id;
COMMENT ON VIEW out_regulations_by_report IS 'Section 二（一） per report: rules (规章) and normative documents (规范性文件); template 2019 prints made/published/total public, template 2021 issued/repealed/in force (counts). One row per report; uncertain cells are left out (null).';
COMMENT ON COLUMN out_regulations_by_report.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_regulations_by_report.template IS 'Template of the report (2019 or 2021): columns of the other template are null.';
COMMENT ON COLUMN out_regulations_by_report.rules_made_count IS '规章 × 本年新制作数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_regulations_by_report.rules_published_count IS '规章 × 本年新公开数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_regulations_by_report.rules_total_public_count IS '规章 × 对外公开总数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_regulations_by_report.rules_issued_count IS '规章 × 本年制发件数 (template 2021 only) (count).';
COMMENT ON COLUMN out_regulations_by_report.rules_repealed_count IS '规章 × 本年废止件数 (template 2021 only) (count).';
COMMENT ON COLUMN out_regulations_by_report.rules_in_force_count IS '规章 × 现行有效件数 (template 2021 only) (count).';
COMMENT ON COLUMN out_regulations_by_report.normative_documents_made_count IS '规范性文件 × 本年新制作数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_regulations_by_report.normative_documents_published_count IS '规范性文件 × 本年新公开数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_regulations_by_report.normative_documents_total_public_count IS '规范性文件 × 对外公开总数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_regulations_by_report.normative_documents_issued_count IS '行政规范性文件 × 本年制发件数 (template 2021 only) (count).';
COMMENT ON COLUMN out_regulations_by_report.normative_documents_repealed_count IS '行政规范性文件 × 本年废止件数 (template 2021 only) (count).';
COMMENT ON COLUMN out_regulations_by_report.normative_documents_in_force_count IS '行政规范性文件 × 现行有效件数 (template 2021 only) (count).';

CREATE VIEW out_licensing_by_report AS
SELECT
    f.report_id,
    any_value(f.template) AS template,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_licensing' AND f.col_key = 'prior_year_items') AS BIGINT) AS administrative_licensing_prior_year_items_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_licensing' AND f.col_key = 'change') AS BIGINT) AS administrative_licensing_change_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_licensing' AND f.col_key = 'decisions') AS BIGINT) AS administrative_licensing_decisions_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'other_management_services' AND f.col_key = 'prior_year_items') AS BIGINT) AS other_management_services_prior_year_items_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'other_management_services' AND f.col_key = 'change') AS BIGINT) AS other_management_services_change_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'other_management_services' AND f.col_key = 'decisions') AS BIGINT) AS other_management_services_decisions_count
FROM core_fact_licensing f
WHERE NOT f.is_uncertain
GROUP BY f.report_id;
COMMENT ON VIEW out_licensing_by_report IS 'Section 二（五） per report: administrative licensing (and template 2019s other external management services) (counts). One row per report; uncertain cells are left out (null).';
COMMENT ON COLUMN out_licensing_by_report.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_licensing_by_report.template IS 'Template of the report (2019 or 2021): columns of the other template are null.';
COMMENT ON COLUMN out_licensing_by_report.administrative_licensing_prior_year_items_count IS '行政许可 × 上一年项目数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_licensing_by_report.administrative_licensing_change_count IS '行政许可 × 本年增/减 (template 2019 only) (count).';
COMMENT ON COLUMN out_licensing_by_report.administrative_licensing_decisions_count IS '行政许可 × 本年处理决定数量 (count).';
COMMENT ON COLUMN out_licensing_by_report.other_management_services_prior_year_items_count IS '其他对外管理服务事项 × 上一年项目数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_licensing_by_report.other_management_services_change_count IS '其他对外管理服务事项 × 本年增/减 (template 2019 only) (count).';
COMMENT ON COLUMN out_licensing_by_report.other_management_services_decisions_count IS '其他对外管理服务事项 × 处理决定数量 (template 2019 only) (count).';

CREATE VIEW out_enforcement_by_report AS
SELECT
    f.report_id,
    any_value(f.template) AS template,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_penalty' AND f.col_key = 'prior_year_items') AS BIGINT) AS administrative_penalty_prior_year_items_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_penalty' AND f.col_key = 'change') AS BIGINT) AS administrative_penalty_change_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_penalty' AND f.col_key = 'decisions') AS BIGINT) AS administrative_penalty_decisions_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_coercion' AND f.col_key = 'prior_year_items') AS BIGINT) AS administrative_coercion_prior_year_items_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_coercion' AND f.col_key = 'change') AS BIGINT) AS administrative_coercion_change_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_coercion' AND f.col_key = 'decisions') AS BIGINT) AS administrative_coercion_decisions_count
FROM core_fact_enforcement f
WHERE NOT f.is_uncertain
GROUP BY f.report_id;
COMMENT ON VIEW out_enforcement_by_report IS 'Section 二（六） per report: administrative penalty and coercion decisions (counts). One row per report; uncertain cells are left out (null).';
COMMENT ON COLUMN out_enforcement_by_report.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_enforcement_by_report.template IS 'Template of the report (2019 or 2021): columns of the other template are null.';
COMMENT ON COLUMN out_enforcement_by_report.administrative_penalty_prior_year_items_count IS '行政处罚 × 上一年项目数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_enforcement_by_report.administrative_penalty_change_count IS '行政处罚 × 本年增/减 (template 2019 only) (count).';
COMMENT ON COLUMN out_enforcement_by_report.administrative_penalty_decisions_count IS '行政处罚 × 本年处理决定数量 (count).';
COMMENT ON COLUMN out_enforcement_by_report.administrative_coercion_prior_year_items_count IS '行政强制 × 上一年项目数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_enforcement_by_report.administrative_coercion_change_count IS '行政强制 × 本年增/减 (template 2019 only) (count).';
COMMENT ON COLUMN out_enforcement_by_report.administrative_coercion_decisions_count IS '行政强制 × 本年处理决定数量 (count).';

CREATE VIEW out_fees_by_report AS
SELECT
    f.report_id,
    any_value(f.template) AS template,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_fees' AND f.col_key = 'prior_year_items') AS BIGINT) AS administrative_fees_prior_year_items_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_fees' AND f.col_key = 'change') AS BIGINT) AS administrative_fees_change_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_fees' AND f.col_key = 'amount_yuan') AS DECIMAL(18, 2)) AS administrative_fees_amount_yuan,
    max(f.source_unit) FILTER (WHERE f.row_key = 'administrative_fees' AND f.col_key = 'amount_yuan') AS administrative_fees_amount_source_unit
FROM core_fact_fees f
WHERE NOT f.is_uncertain
GROUP BY f.report_id;
COMMENT ON VIEW out_fees_by_report IS 'Section 二（八） per report: administrative fees; template 2019 prints item counts, template 2021 the amount collected (yuan, DECIMAL) with the unit it was printed in. One row per report; uncertain cells are left out (null).';
COMMENT ON COLUMN out_fees_by_report.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_fees_by_report.template IS 'Template of the report (2019 or 2021): columns of the other template are null.';
COMMENT ON COLUMN out_fees_by_report.administrative_fees_prior_year_items_count IS '行政事业性收费 × 上一年项目数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_fees_by_report.administrative_fees_change_count IS '行政事业性收费 × 本年增/减 (template 2019 only) (count).';
COMMENT ON COLUMN out_fees_by_report.administrative_fees_amount_yuan IS '行政事业性收费 本年收费金额（万元换算为元） (template 2021 only): amount in yuan (元), converted from the unit printed.';
COMMENT ON COLUMN out_fees_by_report.administrative_fees_amount_source_unit IS 'Unit the amount was printed in (元, 千元, 万元, ...); null when the report printed none.';

CREATE VIEW out_procurement_by_report AS
SELECT
    f.report_id,
    any_value(f.template) AS template,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'centralized_procurement' AND f.col_key = 'projects') AS BIGINT) AS centralized_procurement_projects_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'centralized_procurement' AND f.col_key = 'amount_yuan') AS DECIMAL(18, 2)) AS centralized_procurement_amount_yuan,
    max(f.source_unit) FILTER (WHERE f.row_key = 'centralized_procurement' AND f.col_key = 'amount_yuan') AS centralized_procurement_amount_source_unit
FROM core_fact_procurement f
WHERE NOT f.is_uncertain
GROUP BY f.report_id;
COMMENT ON VIEW out_procurement_by_report IS 'Section 二（九） per report (template 2019 only): centralized procurement projects (count) and amount (yuan, DECIMAL) with the unit it was printed in. One row per report; uncertain cells are left out (null).';
COMMENT ON COLUMN out_procurement_by_report.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_procurement_by_report.template IS 'Template of the report (2019 or 2021): columns of the other template are null.';
COMMENT ON COLUMN out_procurement_by_report.centralized_procurement_projects_count IS '政府集中采购 × 采购项目数量 (template 2019 only) (count).';
COMMENT ON COLUMN out_procurement_by_report.centralized_procurement_amount_yuan IS '政府集中采购 采购总金额（元；万元换算为元） (template 2019 only): amount in yuan (元), converted from the unit printed.';
COMMENT ON COLUMN out_procurement_by_report.centralized_procurement_amount_source_unit IS 'Unit the amount was printed in (元, 千元, 万元, ...); null when the report printed none.';

CREATE VIEW out_review_litigation_by_report AS
SELECT
    f.report_id,
    any_value(f.template) AS template,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_review' AND f.col_key = 'upheld') AS BIGINT) AS administrative_review_upheld_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_review' AND f.col_key = 'corrected') AS BIGINT) AS administrative_review_corrected_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_review' AND f.col_key = 'other_result') AS BIGINT) AS administrative_review_other_result_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_review' AND f.col_key = 'pending') AS BIGINT) AS administrative_review_pending_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'administrative_review' AND f.col_key = 'total') AS BIGINT) AS administrative_review_total_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'litigation_without_review' AND f.col_key = 'upheld') AS BIGINT) AS litigation_without_review_upheld_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'litigation_without_review' AND f.col_key = 'corrected') AS BIGINT) AS litigation_without_review_corrected_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'litigation_without_review' AND f.col_key = 'other_result') AS BIGINT) AS litigation_without_review_other_result_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'litigation_without_review' AND f.col_key = 'pending') AS BIGINT) AS litigation_without_review_pending_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'litigation_without_review' AND f.col_key = 'total') AS BIGINT) AS litigation_without_review_total_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'litigation_after_review' AND f.col_key = 'upheld') AS BIGINT) AS litigation_after_review_upheld_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'litigation_after_review' AND f.col_key = 'corrected') AS BIGINT) AS litigation_after_review_corrected_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'litigation_after_review' AND f.col_key = 'other_result') AS BIGINT) AS litigation_after_review_other_result_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'litigation_after_review' AND f.col_key = 'pending') AS BIGINT) AS litigation_after_review_pending_count,
    CAST(max(f.value) FILTER (WHERE f.row_key = 'litigation_after_review' AND f.col_key = 'total') AS BIGINT) AS litigation_after_review_total_count
FROM core_fact_review_litigation f
WHERE NOT f.is_uncertain
GROUP BY f.report_id;
COMMENT ON VIEW out_review_litigation_by_report IS 'Table 四 per report: administrative review and litigation cases by outcome (counts). One row per report; uncertain cells are left out (null).';
COMMENT ON COLUMN out_review_litigation_by_report.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_review_litigation_by_report.template IS 'Template of the report (2019 or 2021): columns of the other template are null.';
COMMENT ON COLUMN out_review_litigation_by_report.administrative_review_upheld_count IS '行政复议 × 结果维持 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.administrative_review_corrected_count IS '行政复议 × 结果纠正 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.administrative_review_other_result_count IS '行政复议 × 其他结果 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.administrative_review_pending_count IS '行政复议 × 尚未审结 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.administrative_review_total_count IS '行政复议 × 总计 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.litigation_without_review_upheld_count IS '行政诉讼 未经复议直接起诉 × 结果维持 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.litigation_without_review_corrected_count IS '行政诉讼 未经复议直接起诉 × 结果纠正 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.litigation_without_review_other_result_count IS '行政诉讼 未经复议直接起诉 × 其他结果 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.litigation_without_review_pending_count IS '行政诉讼 未经复议直接起诉 × 尚未审结 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.litigation_without_review_total_count IS '行政诉讼 未经复议直接起诉 × 总计 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.litigation_after_review_upheld_count IS '行政诉讼 复议后起诉 × 结果维持 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.litigation_after_review_corrected_count IS '行政诉讼 复议后起诉 × 结果纠正 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.litigation_after_review_other_result_count IS '行政诉讼 复议后起诉 × 其他结果 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.litigation_after_review_pending_count IS '行政诉讼 复议后起诉 × 尚未审结 (count).';
COMMENT ON COLUMN out_review_litigation_by_report.litigation_after_review_total_count IS '行政诉讼 复议后起诉 × 总计 (count).';

CREATE OR REPLACE VIEW out_applications_by_region_year AS
WITH region_year AS (
    SELECT
        rr.report_year,
        rr.division_code,
        any_value(rr.region_name) AS region_name,
        any_value(rr.region_level) AS region_level,
        any_value(rr.province_name) AS province_name,
        any_value(rr.county_name) AS county_name,
        count(*) AS reports_count,
        count(DISTINCT rr.publisher_name) AS publishers_count,
        count(DISTINCT rr.county_code) AS counties_reporting_count,
        CAST(sum(a.new_received_count) AS BIGINT) AS new_received_count,
        CAST(sum(a.carried_over_count) AS BIGINT) AS carried_over_count,
        CAST(sum(a.total_processed_count) AS BIGINT) AS total_processed_count,
        CAST(sum(a.granted_count) AS BIGINT) AS granted_count,
        CAST(sum(a.partially_granted_count) AS BIGINT) AS partially_granted_count,
        CAST(sum(a.denied_count) AS BIGINT) AS denied_count,
        CAST(sum(a.unable_count) AS BIGINT) AS unable_count,
        CAST(sum(a.not_processed_count) AS BIGINT) AS not_processed_count,
        sum(coalesce(a.total_processed_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS share_base,
        sum(coalesce(a.granted_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS granted_in_base,
        sum(coalesce(a.partially_granted_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS partially_granted_in_base,
        sum(coalesce(a.denied_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS denied_in_base,
        sum(coalesce(a.unable_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS unable_in_base,
        sum(coalesce(a.not_processed_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS not_processed_in_base
    FROM out_report_region rr
    JOIN out_applications_by_report a USING (report_id)
    GROUP BY rr.report_year, rr.division_code
)
SELECT
    report_year, division_code, region_name, region_level, province_name, county_name,
    reports_count, publishers_count, counties_reporting_count,
    (SELECT count(*) FROM out_registry_counties e
     WHERE starts_with(e.county_code, g.division_code) OR starts_with(g.division_code, e.county_code)) AS counties_expected_count,
    new_received_count, carried_over_count, total_processed_count, granted_count, partially_granted_count,
    denied_count, unable_count, not_processed_count,
    granted_in_base / nullif(share_base, 0) AS granted_share,
    partially_granted_in_base / nullif(share_base, 0) AS partially_granted_share,
    denied_in_base / nullif(share_base, 0) AS denied_share,
    unable_in_base / nullif(share_base, 0) AS unable_share,
    not_processed_in_base / nullif(share_base, 0) AS not_processed_share
FROM region_year g;
COMMENT ON VIEW out_applications_by_region_year IS 'Applications by publisher region and report year, with coverage (reports, publishers, counties reporting and expected) and outcome shares of the total processed. Shares use only reports that print a total processed (（七）总计). A change between years may be a change in who reported: compare reports_count and publishers_count first.';
COMMENT ON COLUMN out_applications_by_region_year.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_applications_by_region_year.division_code IS 'Division code of the publishers'' region (a county, town, city or province code).';
COMMENT ON COLUMN out_applications_by_region_year.region_name IS 'Name of the region.';
COMMENT ON COLUMN out_applications_by_region_year.region_level IS 'Level of the region: province, city, county or town (the publisher''s own level, not rolled up).';
COMMENT ON COLUMN out_applications_by_region_year.province_name IS 'Province the region lies in.';
COMMENT ON COLUMN out_applications_by_region_year.county_name IS 'County-level area the region lies in; null above county level.';
COMMENT ON COLUMN out_applications_by_region_year.reports_count IS 'Coverage: parsed reports counted in the row.';
COMMENT ON COLUMN out_applications_by_region_year.publishers_count IS 'Coverage: distinct publishing bodies among those reports.';
COMMENT ON COLUMN out_applications_by_region_year.counties_reporting_count IS 'Coverage: county-level areas with at least one report in the row (0 or 1 below province level).';
COMMENT ON COLUMN out_applications_by_region_year.counties_expected_count IS 'Coverage: county-level areas in or around the region that the portal registry covers (out_registry_counties).';
COMMENT ON COLUMN out_applications_by_region_year.new_received_count IS '一、本年新收 summed over the reports.';
COMMENT ON COLUMN out_applications_by_region_year.carried_over_count IS '二、上年结转 summed.';
COMMENT ON COLUMN out_applications_by_region_year.total_processed_count IS '三（七）总计 summed.';
COMMENT ON COLUMN out_applications_by_region_year.granted_count IS '三（一）予以公开 summed.';
COMMENT ON COLUMN out_applications_by_region_year.partially_granted_count IS '三（二）部分公开 summed.';
COMMENT ON COLUMN out_applications_by_region_year.denied_count IS '三（三）不予公开 summed.';
COMMENT ON COLUMN out_applications_by_region_year.unable_count IS '三（四）无法提供 summed.';
COMMENT ON COLUMN out_applications_by_region_year.not_processed_count IS '三（五）不予处理 summed.';
COMMENT ON COLUMN out_applications_by_region_year.granted_share IS 'granted / total processed (0-1), over reports that print a total processed.';
COMMENT ON COLUMN out_applications_by_region_year.partially_granted_share IS 'partially granted / total processed (0-1).';
COMMENT ON COLUMN out_applications_by_region_year.denied_share IS 'denied / total processed (0-1).';
COMMENT ON COLUMN out_applications_by_region_year.unable_share IS 'unable to provide / total processed (0-1).';
COMMENT ON COLUMN out_applications_by_region_year.not_processed_share IS 'not processed / total processed (0-1).';

-- Province and national trends: the same totals with coverage beside them.
CREATE VIEW out_applications_by_province_year AS
WITH province_year AS (
    SELECT
        rr.report_year,
        rr.province_code,
        any_value(rr.province_name) AS province_name,
        count(*) AS reports_count,
        count(DISTINCT rr.publisher_name || '|' || rr.division_code) AS publishers_count,
        count(DISTINCT rr.county_code) AS counties_reporting_count,
        CAST(sum(a.new_received_count) AS BIGINT) AS new_received_count,
        CAST(sum(a.total_processed_count) AS BIGINT) AS total_processed_count,
        CAST(sum(a.granted_count) AS BIGINT) AS granted_count,
        CAST(sum(a.partially_granted_count) AS BIGINT) AS partially_granted_count,
        CAST(sum(a.denied_count) AS BIGINT) AS denied_count,
        CAST(sum(a.unable_count) AS BIGINT) AS unable_count,
        CAST(sum(a.not_processed_count) AS BIGINT) AS not_processed_count,
        sum(coalesce(a.total_processed_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS share_base,
        sum(coalesce(a.granted_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS granted_in_base,
        sum(coalesce(a.denied_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS denied_in_base
    FROM out_report_region rr
    JOIN out_applications_by_report a USING (report_id)
    WHERE rr.province_code IS NOT NULL AND rr.report_year IS NOT NULL
    GROUP BY rr.report_year, rr.province_code
)
SELECT
    p.report_year, p.province_code, p.province_name,
    p.reports_count, p.publishers_count, p.counties_reporting_count,
    coalesce(e.counties_expected_count, 0) AS counties_expected_count,
    p.counties_reporting_count / nullif(e.counties_expected_count, 0) AS coverage_share,
    p.new_received_count, p.total_processed_count, p.granted_count, p.partially_granted_count,
    p.denied_count, p.unable_count, p.not_processed_count,
    p.granted_in_base / nullif(p.share_base, 0) AS granted_share,
    p.denied_in_base / nullif(p.share_base, 0) AS denied_share
FROM province_year p
LEFT JOIN (
    SELECT province_code, count(*) AS counties_expected_count FROM out_registry_counties GROUP BY province_code
) e USING (province_code);
COMMENT ON VIEW out_applications_by_province_year IS 'Applications per province and report year with coverage beside every total: how many reports and county-level areas it rests on out of the areas the registry covers. Read a change across years together with counties_reporting_count.';
COMMENT ON COLUMN out_applications_by_province_year.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_applications_by_province_year.province_code IS 'Two-digit province code.';
COMMENT ON COLUMN out_applications_by_province_year.province_name IS 'Province name.';
COMMENT ON COLUMN out_applications_by_province_year.reports_count IS 'Coverage: parsed reports from the province for the year.';
COMMENT ON COLUMN out_applications_by_province_year.publishers_count IS 'Coverage: distinct publishing bodies.';
COMMENT ON COLUMN out_applications_by_province_year.counties_reporting_count IS 'Coverage: county-level areas with at least one report.';
COMMENT ON COLUMN out_applications_by_province_year.counties_expected_count IS 'Coverage: county-level areas of the province the portal registry covers.';
COMMENT ON COLUMN out_applications_by_province_year.coverage_share IS 'counties_reporting_count / counties_expected_count (0-1; above 1 when reports come from areas outside the registry).';
COMMENT ON COLUMN out_applications_by_province_year.new_received_count IS '一、本年新收 summed.';
COMMENT ON COLUMN out_applications_by_province_year.total_processed_count IS '三（七）总计 summed.';
COMMENT ON COLUMN out_applications_by_province_year.granted_count IS '三（一）予以公开 summed.';
COMMENT ON COLUMN out_applications_by_province_year.partially_granted_count IS '三（二）部分公开 summed.';
COMMENT ON COLUMN out_applications_by_province_year.denied_count IS '三（三）不予公开 summed.';
COMMENT ON COLUMN out_applications_by_province_year.unable_count IS '三（四）无法提供 summed.';
COMMENT ON COLUMN out_applications_by_province_year.not_processed_count IS '三（五）不予处理 summed.';
COMMENT ON COLUMN out_applications_by_province_year.granted_share IS 'granted / total processed (0-1), over reports that print a total processed.';
COMMENT ON COLUMN out_applications_by_province_year.denied_share IS 'denied / total processed (0-1), over reports that print a total processed.';

CREATE VIEW out_applications_by_year AS
SELECT
    report_year,
    CAST(sum(reports_count) AS BIGINT) AS reports_count,
    count(*) AS provinces_reporting_count,
    CAST(sum(counties_reporting_count) AS BIGINT) AS counties_reporting_count,
    (SELECT count(*) FROM out_registry_counties) AS counties_expected_count,
    sum(counties_reporting_count) / nullif((SELECT count(*) FROM out_registry_counties), 0) AS coverage_share,
    CAST(sum(new_received_count) AS BIGINT) AS new_received_count,
    CAST(sum(total_processed_count) AS BIGINT) AS total_processed_count,
    CAST(sum(granted_count) AS BIGINT) AS granted_count,
    CAST(sum(denied_count) AS BIGINT) AS denied_count
FROM out_applications_by_province_year
GROUP BY report_year;
COMMENT ON VIEW out_applications_by_year IS 'National trend of applications per report year, with coverage beside it (reports, provinces and county-level areas reporting, areas the registry covers).';
COMMENT ON COLUMN out_applications_by_year.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_applications_by_year.reports_count IS 'Coverage: parsed reports for the year.';
COMMENT ON COLUMN out_applications_by_year.provinces_reporting_count IS 'Coverage: provinces with at least one report.';
COMMENT ON COLUMN out_applications_by_year.counties_reporting_count IS 'Coverage: county-level areas with at least one report.';
COMMENT ON COLUMN out_applications_by_year.counties_expected_count IS 'Coverage: county-level areas the portal registry covers.';
COMMENT ON COLUMN out_applications_by_year.coverage_share IS 'counties_reporting_count / counties_expected_count.';
COMMENT ON COLUMN out_applications_by_year.new_received_count IS '一、本年新收 summed.';
COMMENT ON COLUMN out_applications_by_year.total_processed_count IS '三（七）总计 summed.';
COMMENT ON COLUMN out_applications_by_year.granted_count IS '三（一）予以公开 summed.';
COMMENT ON COLUMN out_applications_by_year.denied_count IS '三（三）不予公开 summed.';

CREATE OR REPLACE VIEW out_publisher_year_over_year AS
WITH yearly AS (
    SELECT
        rr.publisher_name,
        rr.publisher_level,
        rr.division_code,
        rr.region_name,
        rr.report_year,
        count(*) AS reports_count,
        CAST(sum(a.new_received_count) AS BIGINT) AS new_received_count,
        CAST(sum(a.total_processed_count) AS BIGINT) AS total_processed_count,
        CAST(sum(a.granted_count) AS BIGINT) AS granted_count
    FROM out_report_region rr
    JOIN out_applications_by_report a USING (report_id)
    WHERE rr.report_year IS NOT NULL
    GROUP BY rr.publisher_name, rr.publisher_level, rr.division_code, rr.region_name, rr.report_year
)
SELECT
    *,
    lag(new_received_count) OVER w AS prior_year_new_received_count,
    new_received_count - lag(new_received_count) OVER w AS new_received_change_count,
    (new_received_count - lag(new_received_count) OVER w) / nullif(lag(new_received_count) OVER w, 0) AS new_received_change_ratio,
    lag(report_year) OVER w AS prior_report_year
FROM yearly
WINDOW w AS (PARTITION BY publisher_name, division_code ORDER BY report_year);
COMMENT ON VIEW out_publisher_year_over_year IS 'Year-over-year change in applications received per publisher: one body against itself, so coverage cannot change (prior_report_year shows which year it is compared with).';
COMMENT ON COLUMN out_publisher_year_over_year.publisher_name IS 'Publishing body as printed.';
COMMENT ON COLUMN out_publisher_year_over_year.publisher_level IS 'county, town, sub-district, department, ...';
COMMENT ON COLUMN out_publisher_year_over_year.division_code IS 'Division code of the publisher''s region.';
COMMENT ON COLUMN out_publisher_year_over_year.region_name IS 'Name of that region.';
COMMENT ON COLUMN out_publisher_year_over_year.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_publisher_year_over_year.reports_count IS 'Reports of the body for the year (more than 1 when it published several).';
COMMENT ON COLUMN out_publisher_year_over_year.new_received_count IS '一、本年新收.';
COMMENT ON COLUMN out_publisher_year_over_year.total_processed_count IS '三（七）总计.';
COMMENT ON COLUMN out_publisher_year_over_year.granted_count IS '三（一）予以公开.';
COMMENT ON COLUMN out_publisher_year_over_year.prior_year_new_received_count IS 'new_received_count of the prior report year held for the body.';
COMMENT ON COLUMN out_publisher_year_over_year.new_received_change_count IS 'new_received_count minus the prior year''s.';
COMMENT ON COLUMN out_publisher_year_over_year.new_received_change_ratio IS 'Change against the prior report year as a fraction of it.';
COMMENT ON COLUMN out_publisher_year_over_year.prior_report_year IS 'The report year compared with (not always the calendar year before).';

CREATE OR REPLACE VIEW out_county_rankings AS
WITH county_year AS (
    SELECT
        rr.report_year,
        rr.county_code,
        any_value(rr.county_name) AS county_name,
        any_value(rr.province_code) AS province_code,
        any_value(rr.province_name) AS province_name,
        count(*) AS reports_count,
        count(DISTINCT rr.publisher_name) AS publishers_count,
        CAST(sum(a.new_received_count) AS BIGINT) AS new_received_count,
        CAST(sum(a.total_processed_count) AS BIGINT) AS total_processed_count,
        sum(coalesce(a.total_processed_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS share_base,
        sum(coalesce(a.granted_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS granted_in_base,
        sum(coalesce(a.partially_granted_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS partially_granted_in_base,
        sum(coalesce(a.denied_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS denied_in_base,
        sum(coalesce(a.unable_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS unable_in_base,
        sum(coalesce(a.not_processed_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS not_processed_in_base
    FROM out_report_region rr
    JOIN out_applications_by_report a USING (report_id)
    WHERE rr.county_code IS NOT NULL AND rr.report_year IS NOT NULL
    GROUP BY rr.report_year, rr.county_code
),
province_coverage AS (
    SELECT report_year, province_code, counties_reporting_count, counties_expected_count
    FROM out_applications_by_province_year
)
SELECT
    c.report_year,
    c.county_code,
    c.county_name,
    'county' AS region_level,
    c.province_name,
    c.reports_count,
    c.publishers_count,
    pc.counties_reporting_count AS province_counties_reporting_count,
    pc.counties_expected_count AS province_counties_expected_count,
    c.new_received_count,
    c.total_processed_count,
    c.granted_in_base / nullif(c.share_base, 0) AS granted_share,
    c.partially_granted_in_base / nullif(c.share_base, 0) AS partially_granted_share,
    c.denied_in_base / nullif(c.share_base, 0) AS denied_share,
    c.unable_in_base / nullif(c.share_base, 0) AS unable_share,
    c.not_processed_in_base / nullif(c.share_base, 0) AS not_processed_share,
    rank() OVER (PARTITION BY c.report_year ORDER BY c.new_received_count DESC NULLS LAST) AS national_rank,
    rank() OVER (PARTITION BY c.report_year, c.province_name ORDER BY c.new_received_count DESC NULLS LAST) AS province_rank
FROM county_year c
LEFT JOIN province_coverage pc USING (report_year, province_code);
COMMENT ON VIEW out_county_rankings IS 'County-level areas ranked per report year by applications received, counting the county government, its towns and its departments, with outcome shares and coverage (how many bodies reported, how many areas of the province reported).';
COMMENT ON COLUMN out_county_rankings.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_county_rankings.county_code IS 'Six-digit code of the county-level area.';
COMMENT ON COLUMN out_county_rankings.county_name IS 'County-level area name (县, 区, 县级市, 旗).';
COMMENT ON COLUMN out_county_rankings.region_level IS 'Always county: every report of a town, sub-district or department is rolled up into its county-level area.';
COMMENT ON COLUMN out_county_rankings.province_name IS 'Province name.';
COMMENT ON COLUMN out_county_rankings.reports_count IS 'Coverage: reports rolled up into the area (county government, towns, departments).';
COMMENT ON COLUMN out_county_rankings.publishers_count IS 'Coverage: distinct publishing bodies among them.';
COMMENT ON COLUMN out_county_rankings.province_counties_reporting_count IS 'Coverage: county-level areas of the province with reports that year (the field the province rank is taken over).';
COMMENT ON COLUMN out_county_rankings.province_counties_expected_count IS 'Coverage: county-level areas of the province the portal registry covers.';
COMMENT ON COLUMN out_county_rankings.new_received_count IS '一、本年新收 summed over the area''s reports.';
COMMENT ON COLUMN out_county_rankings.total_processed_count IS '三（七）总计 summed.';
COMMENT ON COLUMN out_county_rankings.granted_share IS 'granted / total processed (0-1), over reports that print a total processed.';
COMMENT ON COLUMN out_county_rankings.partially_granted_share IS 'partially granted / total processed (0-1).';
COMMENT ON COLUMN out_county_rankings.denied_share IS 'denied / total processed (0-1).';
COMMENT ON COLUMN out_county_rankings.unable_share IS 'unable to provide / total processed (0-1).';
COMMENT ON COLUMN out_county_rankings.not_processed_share IS 'not processed / total processed (0-1).';
COMMENT ON COLUMN out_county_rankings.national_rank IS 'Rank by new_received_count among all areas with reports that year (1 = most).';
COMMENT ON COLUMN out_county_rankings.province_rank IS 'Rank by new_received_count within the province that year.';

CREATE OR REPLACE VIEW out_province_rankings AS
SELECT
    report_year,
    province_code,
    province_name,
    reports_count,
    counties_reporting_count AS counties_count,
    counties_expected_count,
    coverage_share,
    new_received_count,
    granted_share,
    denied_share,
    rank() OVER (PARTITION BY report_year ORDER BY new_received_count DESC NULLS LAST) AS national_rank
FROM out_applications_by_province_year;
COMMENT ON VIEW out_province_rankings IS 'Provinces ranked per report year by applications received in the reports gongkai holds, with coverage beside the rank: a province with few reports ranks low for that reason alone.';
COMMENT ON COLUMN out_province_rankings.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_province_rankings.province_code IS 'Two-digit province code.';
COMMENT ON COLUMN out_province_rankings.province_name IS 'Province name.';
COMMENT ON COLUMN out_province_rankings.reports_count IS 'Coverage: parsed reports.';
COMMENT ON COLUMN out_province_rankings.counties_count IS 'Coverage: county-level areas with at least one report.';
COMMENT ON COLUMN out_province_rankings.counties_expected_count IS 'Coverage: county-level areas the portal registry covers.';
COMMENT ON COLUMN out_province_rankings.coverage_share IS 'counties_count / counties_expected_count.';
COMMENT ON COLUMN out_province_rankings.new_received_count IS '一、本年新收 summed.';
COMMENT ON COLUMN out_province_rankings.granted_share IS 'granted / total processed (0-1).';
COMMENT ON COLUMN out_province_rankings.denied_share IS 'denied / total processed (0-1).';
COMMENT ON COLUMN out_province_rankings.national_rank IS 'Rank by new_received_count among provinces that year (1 = most).';

-- Like with like: a county's year against its prior year over the publishers present in both.
CREATE VIEW out_county_year_over_year AS
WITH publisher_year AS (
    SELECT
        rr.county_code,
        any_value(rr.county_name) AS county_name,
        any_value(rr.province_name) AS province_name,
        rr.report_year,
        rr.publisher_name || '|' || rr.division_code AS publisher_key,
        CAST(sum(a.new_received_count) AS BIGINT) AS new_received_count,
        CAST(sum(a.total_processed_count) AS BIGINT) AS total_processed_count,
        CAST(sum(a.denied_count) AS BIGINT) AS denied_count
    FROM out_report_region rr
    JOIN out_applications_by_report a USING (report_id)
    WHERE rr.county_code IS NOT NULL AND rr.report_year IS NOT NULL AND rr.publisher_name IS NOT NULL
    GROUP BY rr.county_code, rr.report_year, publisher_key
),
county_years AS (
    SELECT
        county_code,
        report_year,
        lag(report_year) OVER (PARTITION BY county_code ORDER BY report_year) AS prior_report_year
    FROM (SELECT DISTINCT county_code, report_year FROM publisher_year)
),
publishers_of_both_years AS (
    SELECT DISTINCT cy.county_code, cy.report_year, cy.prior_report_year, p.publisher_key
    FROM county_years cy
    JOIN publisher_year p
        ON p.county_code = cy.county_code AND (p.report_year = cy.report_year OR p.report_year = cy.prior_report_year)
    WHERE cy.prior_report_year IS NOT NULL
),
paired AS (
    SELECT
        b.county_code,
        b.report_year,
        b.prior_report_year,
        cur.publisher_key AS current_publisher,
        pri.publisher_key AS prior_publisher,
        cur.new_received_count AS current_received,
        pri.new_received_count AS prior_received,
        cur.denied_count AS current_denied,
        cur.total_processed_count AS current_processed,
        pri.denied_count AS prior_denied,
        pri.total_processed_count AS prior_processed
    FROM publishers_of_both_years b
    LEFT JOIN publisher_year cur
        ON cur.county_code = b.county_code AND cur.report_year = b.report_year AND cur.publisher_key = b.publisher_key
    LEFT JOIN publisher_year pri
        ON pri.county_code = b.county_code AND pri.report_year = b.prior_report_year AND pri.publisher_key = b.publisher_key
)
SELECT
    county_code,
    (SELECT any_value(county_name) FROM publisher_year p WHERE p.county_code = paired.county_code) AS county_name,
    (SELECT any_value(province_name) FROM publisher_year p WHERE p.county_code = paired.county_code) AS province_name,
    report_year,
    prior_report_year,
    count(current_publisher) AS publishers_count,
    count(prior_publisher) AS prior_publishers_count,
    count(*) FILTER (WHERE current_publisher IS NOT NULL AND prior_publisher IS NOT NULL) AS same_publishers_count,
    CAST(sum(current_received) FILTER (WHERE prior_publisher IS NOT NULL) AS BIGINT) AS new_received_count,
    CAST(sum(prior_received) FILTER (WHERE current_publisher IS NOT NULL) AS BIGINT) AS prior_new_received_count,
    CAST(sum(current_received) FILTER (WHERE prior_publisher IS NOT NULL)
        - sum(prior_received) FILTER (WHERE current_publisher IS NOT NULL) AS BIGINT) AS new_received_change_count,
    (sum(current_received) FILTER (WHERE prior_publisher IS NOT NULL) - sum(prior_received) FILTER (WHERE current_publisher IS NOT NULL))
        / nullif(sum(prior_received) FILTER (WHERE current_publisher IS NOT NULL), 0) AS new_received_change_ratio,
    sum(current_denied) FILTER (WHERE prior_publisher IS NOT NULL AND current_processed > 0)
        / nullif(sum(current_processed) FILTER (WHERE prior_publisher IS NOT NULL AND current_processed > 0), 0) AS denied_share,
    sum(prior_denied) FILTER (WHERE current_publisher IS NOT NULL AND prior_processed > 0)
        / nullif(sum(prior_processed) FILTER (WHERE current_publisher IS NOT NULL AND prior_processed > 0), 0) AS prior_denied_share,
    CAST(sum(current_received) AS BIGINT) AS all_publishers_new_received_count,
    CAST(sum(prior_received) AS BIGINT) AS all_prior_publishers_new_received_count,
    count(*) FILTER (WHERE current_publisher IS NULL OR prior_publisher IS NULL) > 0 AS coverage_changed,
    CASE
        WHEN count(*) FILTER (WHERE current_publisher IS NOT NULL AND prior_publisher IS NOT NULL) = 0
            THEN 'no publisher reported in both years: not comparable'
        WHEN count(*) FILTER (WHERE current_publisher IS NULL OR prior_publisher IS NULL) = 0
            THEN 'same publishers both years'
        ELSE 'coverage changed: ' || count(*) FILTER (WHERE prior_publisher IS NULL) || ' publisher(s) new, '
            || count(*) FILTER (WHERE current_publisher IS NULL) || ' no longer reporting; compared over the '
            || count(*) FILTER (WHERE current_publisher IS NOT NULL AND prior_publisher IS NOT NULL) || ' in both'
    END AS coverage_note
FROM paired
GROUP BY county_code, report_year, prior_report_year;
COMMENT ON VIEW out_county_year_over_year IS 'County-level year over year that compares like with like: the change is computed only over publishers that reported in both years, and coverage_changed / coverage_note say when the set of publishers changed (all_* columns give the unmatched totals).';
COMMENT ON COLUMN out_county_year_over_year.county_code IS 'Six-digit code of the county-level area.';
COMMENT ON COLUMN out_county_year_over_year.county_name IS 'County-level area name.';
COMMENT ON COLUMN out_county_year_over_year.province_name IS 'Province name.';
COMMENT ON COLUMN out_county_year_over_year.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_county_year_over_year.prior_report_year IS 'The area''s previous report year held (not always the calendar year before).';
COMMENT ON COLUMN out_county_year_over_year.publishers_count IS 'Publishers of the area reporting in report_year.';
COMMENT ON COLUMN out_county_year_over_year.prior_publishers_count IS 'Publishers of the area reporting in prior_report_year.';
COMMENT ON COLUMN out_county_year_over_year.same_publishers_count IS 'Publishers reporting in both years: the like-for-like base.';
COMMENT ON COLUMN out_county_year_over_year.new_received_count IS '一、本年新收 in report_year over the same publishers.';
COMMENT ON COLUMN out_county_year_over_year.prior_new_received_count IS '一、本年新收 in prior_report_year over the same publishers.';
COMMENT ON COLUMN out_county_year_over_year.new_received_change_count IS 'new_received_count - prior_new_received_count (like for like).';
COMMENT ON COLUMN out_county_year_over_year.new_received_change_ratio IS 'Like-for-like change as a fraction of the prior year.';
COMMENT ON COLUMN out_county_year_over_year.denied_share IS 'denied / total processed in report_year over the same publishers (0-1).';
COMMENT ON COLUMN out_county_year_over_year.prior_denied_share IS 'denied / total processed in prior_report_year over the same publishers (0-1).';
COMMENT ON COLUMN out_county_year_over_year.all_publishers_new_received_count IS '一、本年新收 in report_year over every publisher of the area (not like for like).';
COMMENT ON COLUMN out_county_year_over_year.all_prior_publishers_new_received_count IS '一、本年新收 in prior_report_year over every publisher of the area (not like for like).';
COMMENT ON COLUMN out_county_year_over_year.coverage_changed IS 'True when a publisher reported in only one of the two years.';
COMMENT ON COLUMN out_county_year_over_year.coverage_note IS 'Plain words on the comparison: same publishers, or how coverage changed.';

CREATE VIEW out_procurement_by_region_year AS
SELECT
    rr.report_year,
    rr.province_code,
    rr.province_name,
    rr.county_code,
    rr.county_name,
    count(*) AS reports_count,
    count(p.centralized_procurement_amount_yuan) AS reports_with_amount_count,
    CAST(sum(p.centralized_procurement_projects_count) AS BIGINT) AS procurement_projects_count,
    CAST(sum(p.centralized_procurement_amount_yuan) AS DECIMAL(18, 2)) AS procurement_amount_yuan,
    string_agg(DISTINCT p.centralized_procurement_amount_source_unit, ', ') AS source_units
FROM out_report_region rr
JOIN out_procurement_by_report p USING (report_id)
GROUP BY rr.report_year, rr.province_code, rr.province_name, rr.county_code, rr.county_name;
COMMENT ON VIEW out_procurement_by_region_year IS 'Centralized procurement (template 2019 only) per county-level area and report year: project counts and amounts kept apart, amounts in yuan whatever unit they were printed in.';
COMMENT ON COLUMN out_procurement_by_region_year.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_procurement_by_region_year.province_code IS 'Two-digit province code.';
COMMENT ON COLUMN out_procurement_by_region_year.province_name IS 'Province name.';
COMMENT ON COLUMN out_procurement_by_region_year.county_code IS 'County-level area code; null for province- and city-level publishers.';
COMMENT ON COLUMN out_procurement_by_region_year.county_name IS 'County-level area name.';
COMMENT ON COLUMN out_procurement_by_region_year.reports_count IS 'Coverage: reports with a procurement section.';
COMMENT ON COLUMN out_procurement_by_region_year.reports_with_amount_count IS 'Coverage: reports that print a certain amount.';
COMMENT ON COLUMN out_procurement_by_region_year.procurement_projects_count IS '政府集中采购 项目数量 summed (count).';
COMMENT ON COLUMN out_procurement_by_region_year.procurement_amount_yuan IS '政府集中采购 总金额 summed, in yuan (DECIMAL).';
COMMENT ON COLUMN out_procurement_by_region_year.source_units IS 'Units the amounts were printed in (元, 万元, ...).';

COMMENT ON COLUMN out_reports_failing_checks.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_reports_failing_checks.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_reports_failing_checks.region_name IS 'Region named by the report.';
COMMENT ON COLUMN out_reports_failing_checks.publisher_name IS 'Publishing body.';
COMMENT ON COLUMN out_reports_failing_checks.source_url IS 'Where the document was fetched from.';
COMMENT ON COLUMN out_reports_failing_checks.failed_checks_count IS 'Identities the printed numbers fail.';
COMMENT ON COLUMN out_reports_failing_checks.failed_checks IS 'Each failing identity with its arithmetic, e.g. applications_balance total: 21 + 0 = 17 + 4.';
COMMENT ON COLUMN out_reports_failing_checks.completeness IS 'Template rows read / rows the template prints (0-1): below 1, a failing identity may lack rows the reading missed.';

CREATE VIEW out_report_summary AS
SELECT
    r.report_id,
    r.report_year,
    r.template,
    r.title,
    r.region_name,
    pub.name AS publisher_name,
    pub.level AS publisher_level,
    r.division_code,
    g.province_code,
    g.county_code,
    r.parse_status,
    r.parse_error,
    r.document_format,
    r.cells_count,
    r.uncertain_cells_count,
    (SELECT count(*) FROM core_cell c WHERE c.template = r.template) AS template_cells_count,
    r.completeness,
    r.parse_notes,
    r.checks_count,
    r.failed_checks_count,
    r.source_url,
    r.document_sha256,
    r.published_on,
    r.loaded_at
FROM core_report r
LEFT JOIN core_publisher pub ON pub.publisher_id = r.publisher_id
LEFT JOIN core_region g ON g.division_code = r.division_code;
COMMENT ON VIEW out_report_summary IS 'One row per report document with its publisher, parse outcome, completeness against the template and check results: the report page of a dashboard.';
COMMENT ON COLUMN out_report_summary.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_report_summary.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_report_summary.template IS '2019 or 2021.';
COMMENT ON COLUMN out_report_summary.title IS 'Report title.';
COMMENT ON COLUMN out_report_summary.region_name IS 'Region named by the report.';
COMMENT ON COLUMN out_report_summary.publisher_name IS 'Publishing body.';
COMMENT ON COLUMN out_report_summary.publisher_level IS 'county, town, department, ...';
COMMENT ON COLUMN out_report_summary.division_code IS 'Division code of the publisher''s region.';
COMMENT ON COLUMN out_report_summary.province_code IS 'Two-digit province code.';
COMMENT ON COLUMN out_report_summary.county_code IS 'County-level area code.';
COMMENT ON COLUMN out_report_summary.parse_status IS 'ok, partial (rows missing or the document not whole), needs_ocr, not_a_report or error.';
COMMENT ON COLUMN out_report_summary.parse_error IS 'Why the document could not be read.';
COMMENT ON COLUMN out_report_summary.document_format IS 'html, pdf, docx, ...';
COMMENT ON COLUMN out_report_summary.cells_count IS 'Fact rows extracted.';
COMMENT ON COLUMN out_report_summary.uncertain_cells_count IS 'Fact rows flagged uncertain.';
COMMENT ON COLUMN out_report_summary.template_cells_count IS 'Cells the template has (core_cell).';
COMMENT ON COLUMN out_report_summary.completeness IS 'core_report.completeness: template rows read without uncertain cells / rows the template prints (0-1).';
COMMENT ON COLUMN out_report_summary.parse_notes IS 'core_report.parse_notes: truncated, mixed_encoding, ... when the document is not whole.';
COMMENT ON COLUMN out_report_summary.checks_count IS 'Template arithmetic checks evaluated.';
COMMENT ON COLUMN out_report_summary.failed_checks_count IS 'Checks that fail in the source.';
COMMENT ON COLUMN out_report_summary.source_url IS 'The document on its portal.';
COMMENT ON COLUMN out_report_summary.document_sha256 IS 'Key of the archived copy: <data dir>/archive/blobs/<sha256[0:2]>/<sha256[2:4]>/<sha256>.';
COMMENT ON COLUMN out_report_summary.published_on IS 'Publication date when printed.';
COMMENT ON COLUMN out_report_summary.loaded_at IS 'When the report was loaded (UTC).';

CREATE OR REPLACE VIEW out_portal_health_latest AS
SELECT h.*,
    CASE h.outcome
        WHEN 'unreachable' THEN 1 WHEN 'blocked' THEN 2 WHEN 'http_error' THEN 3
        WHEN 'robots_disallowed' THEN 4 WHEN 'parse_error' THEN 5 WHEN 'column_moved' THEN 6
        WHEN 'no_reports' THEN 7 WHEN 'ok' THEN 9 ELSE 0 END AS severity_rank
FROM core_portal_health h
QUALIFY row_number() OVER (PARTITION BY portal_id ORDER BY checked_at DESC, run_id DESC) = 1;
COMMENT ON VIEW out_portal_health_latest IS 'The latest night''s outcome per portal; order by severity_rank to see the worst first (gongkai portals health uses the same order).';
COMMENT ON COLUMN out_portal_health_latest.run_id IS 'Pipeline run (night) of the outcome.';
COMMENT ON COLUMN out_portal_health_latest.portal_id IS 'Registry id of the portal.';
COMMENT ON COLUMN out_portal_health_latest.division_code IS 'Region the portal serves.';
COMMENT ON COLUMN out_portal_health_latest.outcome IS 'ok, no_reports, blocked, unreachable, http_error, column_moved, robots_disallowed or parse_error.';
COMMENT ON COLUMN out_portal_health_latest.detail IS 'What happened, for the operator.';
COMMENT ON COLUMN out_portal_health_latest.pages_fetched IS 'Requests made for the portal that night.';
COMMENT ON COLUMN out_portal_health_latest.documents_found IS 'Report documents listed.';
COMMENT ON COLUMN out_portal_health_latest.documents_new IS 'Documents whose bytes were new that night.';
COMMENT ON COLUMN out_portal_health_latest.checked_at IS 'When the outcome was recorded (UTC).';
COMMENT ON COLUMN out_portal_health_latest.rendered_pages IS 'Column pages read in headless Chromium that night (0 for static portals).';
COMMENT ON COLUMN out_portal_health_latest.severity_rank IS '0 = unknown outcome (never hidden), 1 = worst (unreachable) … 9 = ok.';
