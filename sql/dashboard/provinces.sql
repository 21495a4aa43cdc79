-- Provinces with reports.
SELECT DISTINCT province_code, province_name FROM out_applications_by_province_year ORDER BY province_code;
