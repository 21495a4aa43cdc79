-- The towns and other publishers' regions inside a county, per year ($county_code).
SELECT report_year, division_code, region_name, region_level, reports_count, new_received_count, total_processed_count, denied_share
FROM out_applications_by_region_year
WHERE division_code LIKE $county_code || '%'
ORDER BY report_year DESC, region_level, region_name;
