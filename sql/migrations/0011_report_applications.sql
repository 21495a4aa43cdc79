-- Table 三 condensed once per report, by the load, instead of by every query over all fact rows:
-- core_report_applications holds what out_applications_by_report and out_applications_by_applicant
-- show, written for new and changed reports only and deleted with them. The views read it, so a
-- question about one county or a national ranking aggregates one row per report.

CREATE TABLE core_report_applications (
    report_id VARCHAR PRIMARY KEY,
    template VARCHAR,
    has_counts BOOLEAN NOT NULL,
    new_received_count BIGINT,
    carried_over_count BIGINT,
    granted_count BIGINT,
    partially_granted_count BIGINT,
    denied_count BIGINT,
    unable_count BIGINT,
    not_processed_count BIGINT,
    other_processing_count BIGINT,
    total_processed_count BIGINT,
    carried_forward_count BIGINT,
    new_received_natural_person_count BIGINT,
    new_received_commercial_enterprise_count BIGINT,
    new_received_research_institution_count BIGINT,
    new_received_social_welfare_organization_count BIGINT,
    new_received_legal_service_agency_count BIGINT,
    new_received_other_organization_count BIGINT,
    new_received_total_count BIGINT,
    total_processed_natural_person_count BIGINT,
    total_processed_commercial_enterprise_count BIGINT,
    total_processed_research_institution_count BIGINT,
    total_processed_social_welfare_organization_count BIGINT,
    total_processed_legal_service_agency_count BIGINT,
    total_processed_other_organization_count BIGINT,
    total_processed_total_count BIGINT
);
COMMENT ON TABLE core_report_applications IS 'Table 三 of each report with at least one certain applications cell, condensed by the load (sql/load/09_condense_applications.sql): counts per outcome group and per applicant type. Uncertain cells are left out.';
COMMENT ON COLUMN core_report_applications.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN core_report_applications.template IS 'Template of the report (2019 or 2021).';
COMMENT ON COLUMN core_report_applications.has_counts IS 'True when at least one certain cell of table 三 holds a number (the reports out_applications_by_report lists).';
COMMENT ON COLUMN core_report_applications.new_received_count IS '一、本年新收政府信息公开申请数量.';
COMMENT ON COLUMN core_report_applications.carried_over_count IS '二、上年结转政府信息公开申请数量.';
COMMENT ON COLUMN core_report_applications.granted_count IS '三（一）予以公开.';
COMMENT ON COLUMN core_report_applications.partially_granted_count IS '三（二）部分公开.';
COMMENT ON COLUMN core_report_applications.denied_count IS '三（三）不予公开, all eight reasons.';
COMMENT ON COLUMN core_report_applications.unable_count IS '三（四）无法提供, all reasons.';
COMMENT ON COLUMN core_report_applications.not_processed_count IS '三（五）不予处理, all reasons.';
COMMENT ON COLUMN core_report_applications.other_processing_count IS '三（六）其他处理.';
COMMENT ON COLUMN core_report_applications.total_processed_count IS '三（七）总计: applications processed.';
COMMENT ON COLUMN core_report_applications.carried_forward_count IS '四、结转下年度继续办理.';
COMMENT ON COLUMN core_report_applications.new_received_natural_person_count IS '一、本年新收政府信息公开申请数量 × 自然人 (count).';
COMMENT ON COLUMN core_report_applications.new_received_commercial_enterprise_count IS '一、本年新收政府信息公开申请数量 × 商业企业 (count).';
COMMENT ON COLUMN core_report_applications.new_received_research_institution_count IS '一、本年新收政府信息公开申请数量 × 科研机构 (count).';
COMMENT ON COLUMN core_report_applications.new_received_social_welfare_organization_count IS '一、本年新收政府信息公开申请数量 × 社会公益组织 (count).';
COMMENT ON COLUMN core_report_applications.new_received_legal_service_agency_count IS '一、本年新收政府信息公开申请数量 × 法律服务机构 (count).';
COMMENT ON COLUMN core_report_applications.new_received_other_organization_count IS '一、本年新收政府信息公开申请数量 × 其他 (count).';
COMMENT ON COLUMN core_report_applications.new_received_total_count IS '一、本年新收政府信息公开申请数量 × 总计 (count).';
COMMENT ON COLUMN core_report_applications.total_processed_natural_person_count IS '（七）总计 × 自然人 (count).';
COMMENT ON COLUMN core_report_applications.total_processed_commercial_enterprise_count IS '（七）总计 × 商业企业 (count).';
COMMENT ON COLUMN core_report_applications.total_processed_research_institution_count IS '（七）总计 × 科研机构 (count).';
COMMENT ON COLUMN core_report_applications.total_processed_social_welfare_organization_count IS '（七）总计 × 社会公益组织 (count).';
COMMENT ON COLUMN core_report_applications.total_processed_legal_service_agency_count IS '（七）总计 × 法律服务机构 (count).';
COMMENT ON COLUMN core_report_applications.total_processed_other_organization_count IS '（七）总计 × 其他 (count).';
COMMENT ON COLUMN core_report_applications.total_processed_total_count IS '（七）总计 × 总计 (count).';

INSERT INTO core_report_applications
WITH cells AS (
    SELECT report_id, template, row_key, col_key, value, is_uncertain FROM core_fact_applications
),
by_row AS (
    SELECT
        report_id,
        row_key,
        CAST(COALESCE(
            max(value) FILTER (WHERE col_key = 'total'),
            sum(value) FILTER (WHERE col_key <> 'total')
        ) AS BIGINT) AS applications_count
    FROM cells
    WHERE NOT is_uncertain AND value IS NOT NULL
    GROUP BY report_id, row_key
),
by_report AS (
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
    FROM by_row
    GROUP BY report_id
),
by_applicant AS (
    SELECT
        report_id,
        any_value(template) AS template,
        CAST(max(value) FILTER (WHERE row_key = 'new_received' AND col_key = 'natural_person') AS BIGINT) AS new_received_natural_person_count,
        CAST(max(value) FILTER (WHERE row_key = 'new_received' AND col_key = 'commercial_enterprise') AS BIGINT) AS new_received_commercial_enterprise_count,
        CAST(max(value) FILTER (WHERE row_key = 'new_received' AND col_key = 'research_institution') AS BIGINT) AS new_received_research_institution_count,
        CAST(max(value) FILTER (WHERE row_key = 'new_received' AND col_key = 'social_welfare_organization') AS BIGINT) AS new_received_social_welfare_organization_count,
        CAST(max(value) FILTER (WHERE row_key = 'new_received' AND col_key = 'legal_service_agency') AS BIGINT) AS new_received_legal_service_agency_count,
        CAST(max(value) FILTER (WHERE row_key = 'new_received' AND col_key = 'other_organization') AS BIGINT) AS new_received_other_organization_count,
        CAST(max(value) FILTER (WHERE row_key = 'new_received' AND col_key = 'total') AS BIGINT) AS new_received_total_count,
        CAST(max(value) FILTER (WHERE row_key = 'total_processed' AND col_key = 'natural_person') AS BIGINT) AS total_processed_natural_person_count,
        CAST(max(value) FILTER (WHERE row_key = 'total_processed' AND col_key = 'commercial_enterprise') AS BIGINT) AS total_processed_commercial_enterprise_count,
        CAST(max(value) FILTER (WHERE row_key = 'total_processed' AND col_key = 'research_institution') AS BIGINT) AS total_processed_research_institution_count,
        CAST(max(value) FILTER (WHERE row_key = 'total_processed' AND col_key = 'social_welfare_organization') AS BIGINT) AS total_processed_social_welfare_organization_count,
        CAST(max(value) FILTER (WHERE row_key = 'total_processed' AND col_key = 'legal_service_agency') AS BIGINT) AS total_processed_legal_service_agency_count,
        CAST(max(value) FILTER (WHERE row_key = 'total_processed' AND col_key = 'other_organization') AS BIGINT) AS total_processed_other_organization_count,
        CAST(max(value) FILTER (WHERE row_key = 'total_processed' AND col_key = 'total') AS BIGINT) AS total_processed_total_count
    FROM cells
    WHERE NOT is_uncertain
    GROUP BY report_id
)
SELECT a.report_id, a.template, r.report_id IS NOT NULL AS has_counts,
    r.new_received_count, r.carried_over_count, r.granted_count, r.partially_granted_count, r.denied_count, r.unable_count, r.not_processed_count, r.other_processing_count, r.total_processed_count, r.carried_forward_count,
    a.new_received_natural_person_count, a.new_received_commercial_enterprise_count, a.new_received_research_institution_count, a.new_received_social_welfare_organization_count, a.new_received_legal_service_agency_count, a.new_received_other_organization_count, a.new_received_total_count, a.total_processed_natural_person_count, a.total_processed_commercial_enterprise_count, a.total_processed_research_institution_count, a.total_processed_social_welfare_organization_count, a.total_processed_legal_service_agency_count, a.total_processed_other_organization_count, a.total_processed_total_count
FROM by_applicant a
LEFT JOIN by_report r USING (report_id);

CREATE OR REPLACE VIEW out_applications_by_report AS
SELECT report_id, new_received_count, carried_over_count, granted_count, partially_granted_count, denied_count, unable_count, not_processed_count, other_processing_count, total_processed_count, carried_forward_count
FROM core_report_applications
WHERE has_counts;
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

CREATE OR REPLACE VIEW out_applications_by_applicant AS
SELECT report_id, template, new_received_natural_person_count, new_received_commercial_enterprise_count, new_received_research_institution_count, new_received_social_welfare_organization_count, new_received_legal_service_agency_count, new_received_other_organization_count, new_received_total_count, total_processed_natural_person_count, total_processed_commercial_enterprise_count, total_processed_research_institution_count, total_processed_social_welfare_organization_count, total_processed_legal_service_agency_count, total_processed_other_organization_count, total_processed_total_count
FROM core_report_applications;
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
