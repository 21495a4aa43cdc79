-- Coverage by province in one report year ($year).
SELECT province_name, reports_count, counties_reporting_count, counties_expected_count, coverage_share,
    new_received_count, denied_share
FROM out_applications_by_province_year
WHERE report_year = $year
ORDER BY counties_reporting_count DESC, province_name;
