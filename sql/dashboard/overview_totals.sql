-- The overview's headline numbers: what the newest night holds.
SELECT
    (SELECT count(*) FROM core_report) AS reports_count,
    (SELECT count(*) FROM core_report WHERE parse_status = 'ok') AS parsed_reports_count,
    (SELECT count(DISTINCT county_code) FROM out_report_region) AS counties_reporting_count,
    (SELECT count(*) FROM out_registry_counties) AS counties_expected_count,
    (SELECT count(*) FROM out_reports_failing_checks) AS failing_reports_count,
    (SELECT max(finished_at) FROM core_pipeline_run) AS last_load_at;
