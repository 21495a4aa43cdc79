-- 1. Denied share by county in a province and year
-- Denied share by county in one province and year. Shares are of applications processed (（七）总计);
-- coverage sits beside them, because a county whose towns did not report is measured on its county
-- government alone. Parameters `$province` (e.g. 浙江省) and `$year` (e.g. 2022).
SELECT
    county_name,
    reports_count,
    publishers_count,
    total_processed_count,
    round(denied_share, 4) AS denied_share,
    province_counties_reporting_count,
    province_counties_expected_count
FROM out_county_rankings
WHERE province_name = $province AND report_year = $year
ORDER BY denied_share DESC NULLS LAST, county_name;
