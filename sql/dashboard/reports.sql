-- Every report, for the report picker.
SELECT report_id, coalesce(publisher_name, region_name, title, source_url) AS publisher_name, report_year, parse_status
FROM out_report_summary
ORDER BY publisher_name, report_year, report_id;
