-- Report years held, newest first.
SELECT DISTINCT report_year FROM out_report_region WHERE report_year IS NOT NULL ORDER BY report_year DESC;
