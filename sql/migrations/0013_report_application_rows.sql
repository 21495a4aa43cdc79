-- out_application_rows read from a table the load keeps, like out_applications_by_report (0011):
-- aggregating every applications cell made a national ranking of rows take seconds. Written for
-- new and changed reports only (sql/load/09_condense_applications.sql) and deleted with them.

CREATE TABLE core_report_application_rows (
    report_id VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    applications_count BIGINT
);
COMMENT ON TABLE core_report_application_rows IS 'Applications per report and row of table 三, condensed by the load: the printed 总计, or the sum of the applicant columns where 总计 is blank. Uncertain and blank cells are left out.';
COMMENT ON COLUMN core_report_application_rows.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN core_report_application_rows.row_key IS 'Row of table 三 (contract row key).';
COMMENT ON COLUMN core_report_application_rows.applications_count IS 'Number of applications in the row (BIGINT).';

INSERT INTO core_report_application_rows
SELECT
    report_id,
    row_key,
    CAST(COALESCE(
        max(value) FILTER (WHERE col_key = 'total'),
        sum(value) FILTER (WHERE col_key <> 'total')
    ) AS BIGINT) AS applications_count
FROM core_fact_applications
WHERE NOT is_uncertain AND value IS NOT NULL
GROUP BY report_id, row_key
ORDER BY report_id, row_key;

CREATE OR REPLACE VIEW out_application_rows AS
SELECT report_id, row_key, applications_count
FROM core_report_application_rows;
COMMENT ON VIEW out_application_rows IS 'Applications per report and row of table 三: the printed 总计, or the sum of the applicant columns where 总计 is blank.';
COMMENT ON COLUMN out_application_rows.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN out_application_rows.row_key IS 'Row of table 三 (contract row key).';
COMMENT ON COLUMN out_application_rows.applications_count IS 'Number of applications in the row (BIGINT).';
