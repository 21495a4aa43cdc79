INSERT INTO core_report_check
SELECT report_id, "check", "table", "row", col, ok, expected, actual, detail
FROM incoming_checks
WHERE report_id IN (SELECT report_id FROM changed_reports);
