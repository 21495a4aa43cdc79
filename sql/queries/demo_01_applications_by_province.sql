-- Applications received and outcome shares by province and report year (cross-region).
SELECT
    report_year,
    province_name,
    count(DISTINCT division_code) AS regions,
    sum(reports_count) AS reports,
    sum(new_received_count) AS new_received,
    sum(total_processed_count) AS processed,
    round(sum(granted_share * total_processed_count) / nullif(sum(total_processed_count) FILTER (WHERE granted_share IS NOT NULL), 0), 3) AS granted_share,
    round(sum(denied_share * total_processed_count) / nullif(sum(total_processed_count) FILTER (WHERE denied_share IS NOT NULL), 0), 3) AS denied_share
FROM out_applications_by_region_year
GROUP BY report_year, province_name
ORDER BY report_year, new_received DESC NULLS LAST;
