-- National trend with coverage beside it, one row per report year.
SELECT report_year, reports_count, counties_reporting_count, counties_expected_count, coverage_share,
    new_received_count, total_processed_count
FROM out_applications_by_year
ORDER BY report_year;
