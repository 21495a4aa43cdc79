-- County-level areas of a province ranked in one year ($province_code, $year).
SELECT province_rank, county_code, county_name, reports_count, publishers_count, new_received_count,
    total_processed_count, granted_share, denied_share
FROM out_county_rankings
WHERE county_code LIKE $province_code || '%' AND report_year = $year
ORDER BY province_rank, county_name;
