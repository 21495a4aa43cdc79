-- A county's year over year, like with like ($county_code).
SELECT report_year, prior_report_year, publishers_count, prior_publishers_count, same_publishers_count, prior_new_received_count, new_received_count,
    new_received_change_count, new_received_change_ratio, coverage_note
FROM out_county_year_over_year
WHERE county_code = $county_code
ORDER BY report_year;
