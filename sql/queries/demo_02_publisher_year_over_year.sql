-- Year-over-year change in applications received, per publisher.
SELECT
    publisher_name,
    region_name,
    prior_report_year,
    report_year,
    prior_year_new_received_count AS prior_received,
    new_received_count AS received,
    new_received_change_count AS change
FROM out_publisher_year_over_year
WHERE prior_report_year IS NOT NULL
ORDER BY abs(new_received_change_count) DESC NULLS LAST, publisher_name
LIMIT 10;
