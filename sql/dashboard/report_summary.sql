-- One report's summary ($report_id).
SELECT * FROM out_report_summary WHERE report_id = $report_id;
