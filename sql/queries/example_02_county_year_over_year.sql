-- 2. County year over year, like with like
-- County year over year in one province, like with like: the change is taken over the publishers
-- that reported in both years, and coverage_note says when that set changed. Parameter `$province`.
SELECT
    county_name,
    prior_report_year,
    report_year,
    same_publishers_count,
    prior_new_received_count,
    new_received_count,
    new_received_change_count,
    round(new_received_change_ratio, 4) AS change_ratio,
    coverage_note
FROM out_county_year_over_year
WHERE province_name = $province
ORDER BY county_name, report_year;
