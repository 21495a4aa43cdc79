-- 4. Procurement totals by region
-- Centralized procurement (template 2019) by province and report year: projects (a count) and
-- amounts (DECIMAL yuan) are separate columns, so they cannot be added together by mistake.
SELECT
    province_name,
    report_year,
    CAST(sum(reports_count) AS BIGINT) AS reports_count,
    CAST(sum(procurement_projects_count) AS BIGINT) AS projects_count,
    CAST(sum(procurement_amount_yuan) AS DECIMAL(18, 2)) AS amount_yuan,
    CAST(sum(procurement_amount_yuan) / 10000 AS DECIMAL(18, 2)) AS amount_wan_yuan,
    string_agg(DISTINCT source_units, ', ') AS printed_in
FROM out_procurement_by_region_year
GROUP BY province_name, report_year
ORDER BY province_name, report_year;
