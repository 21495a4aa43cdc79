-- One province's trend with coverage beside it ($province_code).
SELECT report_year, reports_count, counties_reporting_count, counties_expected_count, new_received_count,
    total_processed_count, granted_share, denied_share
FROM out_applications_by_province_year
WHERE province_code = $province_code
ORDER BY report_year;
