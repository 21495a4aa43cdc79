-- Analyst layer: the questions analysts ask, as views over the core tables.
-- Uncertain cells (is_uncertain) are left out of every aggregate.

CREATE VIEW out_report_region AS
SELECT
    r.report_id,
    r.report_year,
    r.template,
    r.division_code,
    g.name AS region_name,
    g.level AS region_level,
    g.province_code,
    p.name AS province_name,
    g.city_code,
    g.county_code,
    c.name AS county_name,
    pub.name AS publisher_name,
    pub.level AS publisher_level
FROM core_report r
LEFT JOIN core_region g ON g.division_code = r.division_code
LEFT JOIN core_region p ON p.division_code = g.province_code
LEFT JOIN core_region c ON c.division_code = g.county_code
LEFT JOIN core_publisher pub ON pub.publisher_id = r.publisher_id
WHERE r.parse_status = 'ok';
COMMENT ON VIEW out_report_region IS 'Each successfully parsed report with its publisher and the region hierarchy it rolls up into (county, province).';

CREATE VIEW out_application_rows AS
WITH cells AS (
    SELECT report_id, row_key, col_key, value
    FROM core_fact_applications
    WHERE NOT is_uncertain AND value IS NOT NULL
)
SELECT
    report_id,
    row_key,
    COALESCE(
        max(value) FILTER (WHERE col_key = 'total'),
        sum(value) FILTER (WHERE col_key <> 'total')
    ) AS applications_count
FROM cells
GROUP BY report_id, row_key;
COMMENT ON VIEW out_application_rows IS 'Applications per report and row of table 三: the printed 总计, or the sum of the applicant columns where 总计 is blank.';
COMMENT ON COLUMN out_application_rows.applications_count IS 'Number of applications in the row (count).';

CREATE VIEW out_applications_by_report AS
SELECT
    report_id,
    sum(applications_count) FILTER (WHERE row_key = 'new_received') AS new_received_count,
    sum(applications_count) FILTER (WHERE row_key = 'carried_over') AS carried_over_count,
    sum(applications_count) FILTER (WHERE row_key = 'granted') AS granted_count,
    sum(applications_count) FILTER (WHERE row_key = 'partially_granted') AS partially_granted_count,
    sum(applications_count) FILTER (WHERE row_key LIKE 'denied\_%' ESCAPE '\') AS denied_count,
    sum(applications_count) FILTER (WHERE row_key LIKE 'unable\_%' ESCAPE '\') AS unable_count,
    sum(applications_count) FILTER (WHERE row_key LIKE 'not\_processed\_%' ESCAPE '\') AS not_processed_count,
    sum(applications_count) FILTER (WHERE row_key LIKE 'other\_%' ESCAPE '\') AS other_processing_count,
    sum(applications_count) FILTER (WHERE row_key = 'total_processed') AS total_processed_count,
    sum(applications_count) FILTER (WHERE row_key = 'carried_forward') AS carried_forward_count
FROM out_application_rows
GROUP BY report_id;
COMMENT ON VIEW out_applications_by_report IS 'Table 三 of each report condensed to received, outcome groups and total processed (counts).';

CREATE VIEW out_applications_by_region_year AS
SELECT
    rr.report_year,
    rr.division_code,
    rr.region_name,
    rr.region_level,
    rr.province_name,
    rr.county_name,
    count(*) AS reports_count,
    sum(a.new_received_count) AS new_received_count,
    sum(a.carried_over_count) AS carried_over_count,
    sum(a.total_processed_count) AS total_processed_count,
    sum(a.granted_count) AS granted_count,
    sum(a.partially_granted_count) AS partially_granted_count,
    sum(a.denied_count) AS denied_count,
    sum(a.unable_count) AS unable_count,
    sum(a.not_processed_count) AS not_processed_count,
    sum(coalesce(a.granted_count, 0)) FILTER (WHERE a.total_processed_count > 0)
        / nullif(sum(a.total_processed_count) FILTER (WHERE a.total_processed_count > 0), 0) AS granted_share,
    sum(coalesce(a.partially_granted_count, 0)) FILTER (WHERE a.total_processed_count > 0)
        / nullif(sum(a.total_processed_count) FILTER (WHERE a.total_processed_count > 0), 0) AS partially_granted_share,
    sum(coalesce(a.denied_count, 0)) FILTER (WHERE a.total_processed_count > 0)
        / nullif(sum(a.total_processed_count) FILTER (WHERE a.total_processed_count > 0), 0) AS denied_share,
    sum(coalesce(a.unable_count, 0)) FILTER (WHERE a.total_processed_count > 0)
        / nullif(sum(a.total_processed_count) FILTER (WHERE a.total_processed_count > 0), 0) AS unable_share,
    sum(coalesce(a.not_processed_count, 0)) FILTER (WHERE a.total_processed_count > 0)
        / nullif(sum(a.total_processed_count) FILTER (WHERE a.total_processed_count > 0), 0) AS not_processed_share
FROM out_report_region rr
JOIN out_applications_by_report a USING (report_id)
GROUP BY ALL;
COMMENT ON VIEW out_applications_by_region_year IS 'Applications by region and report year with outcome shares of the total processed (granted, partially granted, denied, unable to provide, not processed). Shares use only reports that print a total processed (（七）总计).';
COMMENT ON COLUMN out_applications_by_region_year.granted_share IS 'granted_count / total_processed_count (0-1).';
COMMENT ON COLUMN out_applications_by_region_year.denied_share IS 'denied_count / total_processed_count (0-1).';

CREATE VIEW out_publisher_year_over_year AS
WITH yearly AS (
    SELECT
        rr.publisher_name,
        rr.publisher_level,
        rr.division_code,
        rr.region_name,
        rr.report_year,
        sum(a.new_received_count) AS new_received_count,
        sum(a.total_processed_count) AS total_processed_count,
        sum(a.granted_count) AS granted_count
    FROM out_report_region rr
    JOIN out_applications_by_report a USING (report_id)
    WHERE rr.report_year IS NOT NULL
    GROUP BY ALL
)
SELECT
    *,
    lag(new_received_count) OVER w AS prior_year_new_received_count,
    new_received_count - lag(new_received_count) OVER w AS new_received_change_count,
    (new_received_count - lag(new_received_count) OVER w) / nullif(lag(new_received_count) OVER w, 0) AS new_received_change_ratio,
    lag(report_year) OVER w AS prior_report_year
FROM yearly
WINDOW w AS (PARTITION BY publisher_name, division_code ORDER BY report_year);
COMMENT ON VIEW out_publisher_year_over_year IS 'Year-over-year change in applications received per publisher (prior_report_year shows which year it is compared with).';
COMMENT ON COLUMN out_publisher_year_over_year.new_received_change_ratio IS 'Change against the prior report year as a fraction of it.';

CREATE VIEW out_county_rankings AS
WITH county_year AS (
    SELECT
        rr.report_year,
        rr.county_code,
        any_value(rr.county_name) AS county_name,
        any_value(rr.province_name) AS province_name,
        count(*) AS reports_count,
        sum(a.new_received_count) AS new_received_count,
        sum(a.granted_count) / nullif(sum(a.total_processed_count), 0) AS granted_share
    FROM out_report_region rr
    JOIN out_applications_by_report a USING (report_id)
    WHERE rr.county_code IS NOT NULL AND rr.report_year IS NOT NULL
    GROUP BY rr.report_year, rr.county_code
)
SELECT
    *,
    rank() OVER (PARTITION BY report_year ORDER BY new_received_count DESC NULLS LAST) AS national_rank,
    rank() OVER (PARTITION BY report_year, province_name ORDER BY new_received_count DESC NULLS LAST) AS province_rank
FROM county_year;
COMMENT ON VIEW out_county_rankings IS 'County-level areas ranked per report year by applications received, counting the county government, its towns and its departments.';

CREATE VIEW out_province_rankings AS
WITH province_year AS (
    SELECT
        rr.report_year,
        rr.province_code,
        any_value(rr.province_name) AS province_name,
        count(*) AS reports_count,
        count(DISTINCT rr.county_code) AS counties_count,
        sum(a.new_received_count) AS new_received_count,
        sum(a.granted_count) / nullif(sum(a.total_processed_count), 0) AS granted_share
    FROM out_report_region rr
    JOIN out_applications_by_report a USING (report_id)
    WHERE rr.province_code IS NOT NULL AND rr.report_year IS NOT NULL
    GROUP BY rr.report_year, rr.province_code
)
SELECT
    *,
    rank() OVER (PARTITION BY report_year ORDER BY new_received_count DESC NULLS LAST) AS national_rank
FROM province_year;
COMMENT ON VIEW out_province_rankings IS 'Provinces ranked per report year by applications received in the reports gongkai holds (coverage shown by reports_count and counties_count).';

CREATE VIEW out_reports_failing_checks AS
SELECT
    r.report_id,
    r.report_year,
    r.region_name,
    pub.name AS publisher_name,
    r.source_url,
    count(*) AS failed_checks_count,
    string_agg(k.check_name || ' ' || coalesce(k.row_key || '.', '') || coalesce(k.col_key, '') || ': ' || coalesce(k.detail, ''), '; ' ORDER BY k.check_name, k.row_key, k.col_key) AS failed_checks
FROM core_report r
JOIN core_report_check k USING (report_id)
LEFT JOIN core_publisher pub ON pub.publisher_id = r.publisher_id
WHERE NOT k.ok
GROUP BY ALL;
COMMENT ON VIEW out_reports_failing_checks IS 'Reports whose printed numbers fail the template''s own arithmetic, with the failing identities.';

CREATE VIEW out_portal_health_latest AS
SELECT h.*,
    CASE h.outcome
        WHEN 'unreachable' THEN 1 WHEN 'blocked' THEN 2 WHEN 'http_error' THEN 3
        WHEN 'robots_disallowed' THEN 4 WHEN 'parse_error' THEN 5 WHEN 'column_moved' THEN 6
        WHEN 'no_reports' THEN 7 ELSE 9 END AS severity_rank
FROM core_portal_health h
QUALIFY row_number() OVER (PARTITION BY portal_id ORDER BY checked_at DESC, run_id DESC) = 1;
COMMENT ON VIEW out_portal_health_latest IS 'The latest night''s outcome per portal; order by severity_rank to see the worst first.';
COMMENT ON COLUMN out_portal_health_latest.severity_rank IS '1 = worst (unreachable) … 9 = ok.';
