-- One region's (a town's) year over year ($division_code).
SELECT report_year, prior_report_year, publisher_name, new_received_count, prior_year_new_received_count,
    new_received_change_count, new_received_change_ratio
FROM out_publisher_year_over_year
WHERE division_code = $division_code
ORDER BY publisher_name, report_year;
