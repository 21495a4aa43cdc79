-- Table 三 of tonight's new and changed reports, condensed as migrations 0011 and 0013 condensed the history.
CREATE OR REPLACE TEMP TABLE incoming_application_cells AS
SELECT report_id, template, "row" AS row_key, col AS col_key, value, list_contains(coalesce(flags, []), 'uncertain') AS is_uncertain
FROM incoming_cells
WHERE "table" = 'applications' AND report_id IN (SELECT report_id FROM changed_reports);
INSERT INTO core_report_application_rows
SELECT
    report_id,
    row_key,
    CAST(COALESCE(
        max(value) FILTER (WHERE col_key = 'total'),
        sum(value) FILTER (WHERE col_key <> 'total')
    ) AS BIGINT) AS applications_count
FROM incoming_application_cells
WHERE NOT is_uncertain AND value IS NOT NULL
GROUP BY report_id, row_key
ORDER BY report_id, row_key;
INSERT INTO core_report_applications
WITH by_row AS (
    SELECT report_id, row_key, applications_count
    FROM core_report_application_rows
    WHERE report_id IN (SELECT report_id FROM changed_reports)
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
    FROM incoming_application_cells
    WHERE NOT is_uncertain
    GROUP BY report_id
)
SELECT a.report_id, a.template, r.report_id IS NOT NULL AS has_counts,
    r.new_received_count, r.carried_over_count, r.granted_count, r.partially_granted_count, r.denied_count, r.unable_count, r.not_processed_count, r.other_processing_count, r.total_processed_count, r.carried_forward_count,
    a.new_received_natural_person_count, a.new_received_commercial_enterprise_count, a.new_received_research_institution_count, a.new_received_social_welfare_organization_count, a.new_received_legal_service_agency_count, a.new_received_other_organization_count, a.new_received_total_count, a.total_processed_natural_person_count, a.total_processed_commercial_enterprise_count, a.total_processed_research_institution_count, a.total_processed_social_welfare_organization_count, a.total_processed_legal_service_agency_count, a.total_processed_other_organization_count, a.total_processed_total_count
FROM by_applicant a
LEFT JOIN by_report r USING (report_id);
