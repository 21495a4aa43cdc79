-- Coverage without a correlated subquery: out_applications_by_region_year counted the registry's
-- counties in or around each row by comparing every row with every county (seconds at national
-- scale). A region's expected counties are those whose code starts with its code, or the one county
-- its code starts with; counting counties per code prefix once and joining on the prefix gives the
-- same numbers. Same name, columns and types.

CREATE OR REPLACE VIEW out_applications_by_region_year AS
WITH region_year AS (
    SELECT
        rr.report_year,
        rr.division_code,
        any_value(rr.region_name) AS region_name,
        any_value(rr.region_level) AS region_level,
        any_value(rr.province_name) AS province_name,
        any_value(rr.county_name) AS county_name,
        count(*) AS reports_count,
        count(DISTINCT rr.publisher_name) AS publishers_count,
        count(DISTINCT rr.county_code) AS counties_reporting_count,
        CAST(sum(a.new_received_count) AS BIGINT) AS new_received_count,
        CAST(sum(a.carried_over_count) AS BIGINT) AS carried_over_count,
        CAST(sum(a.total_processed_count) AS BIGINT) AS total_processed_count,
        CAST(sum(a.granted_count) AS BIGINT) AS granted_count,
        CAST(sum(a.partially_granted_count) AS BIGINT) AS partially_granted_count,
        CAST(sum(a.denied_count) AS BIGINT) AS denied_count,
        CAST(sum(a.unable_count) AS BIGINT) AS unable_count,
        CAST(sum(a.not_processed_count) AS BIGINT) AS not_processed_count,
        sum(coalesce(a.total_processed_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS share_base,
        sum(coalesce(a.granted_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS granted_in_base,
        sum(coalesce(a.partially_granted_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS partially_granted_in_base,
        sum(coalesce(a.denied_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS denied_in_base,
        sum(coalesce(a.unable_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS unable_in_base,
        sum(coalesce(a.not_processed_count, 0)) FILTER (WHERE a.total_processed_count > 0) AS not_processed_in_base
    FROM out_report_region rr
    JOIN out_applications_by_report a USING (report_id)
    GROUP BY rr.report_year, rr.division_code
),
expected_by_prefix AS (
    SELECT left(county_code, k) AS prefix, count(*) AS counties_expected_count
    FROM out_registry_counties, range(0, 7) AS lengths(k)
    GROUP BY ALL
)
SELECT
    report_year, division_code, region_name, region_level, province_name, county_name,
    reports_count, publishers_count, counties_reporting_count,
    coalesce(e.counties_expected_count, 0) AS counties_expected_count,
    new_received_count, carried_over_count, total_processed_count, granted_count, partially_granted_count,
    denied_count, unable_count, not_processed_count,
    granted_in_base / nullif(share_base, 0) AS granted_share,
    partially_granted_in_base / nullif(share_base, 0) AS partially_granted_share,
    denied_in_base / nullif(share_base, 0) AS denied_share,
    unable_in_base / nullif(share_base, 0) AS unable_share,
    not_processed_in_base / nullif(share_base, 0) AS not_processed_share
FROM region_year g
LEFT JOIN expected_by_prefix e
    ON e.prefix = CASE WHEN length(g.division_code) >= 6 THEN left(g.division_code, 6) ELSE g.division_code END;
COMMENT ON VIEW out_applications_by_region_year IS 'Applications by publisher region and report year, with coverage (reports, publishers, counties reporting and expected) and outcome shares of the total processed. Shares use only reports that print a total processed (（七）总计). A change between years may be a change in who reported: compare reports_count and publishers_count first.';
COMMENT ON COLUMN out_applications_by_region_year.report_year IS 'The year reported on.';
COMMENT ON COLUMN out_applications_by_region_year.division_code IS 'Division code of the publishers'' region (a county, town, city or province code).';
COMMENT ON COLUMN out_applications_by_region_year.region_name IS 'Name of the region.';
COMMENT ON COLUMN out_applications_by_region_year.region_level IS 'Level of the region: province, city, county or town (the publisher''s own level, not rolled up).';
COMMENT ON COLUMN out_applications_by_region_year.province_name IS 'Province the region lies in.';
COMMENT ON COLUMN out_applications_by_region_year.county_name IS 'County-level area the region lies in; null above county level.';
COMMENT ON COLUMN out_applications_by_region_year.reports_count IS 'Coverage: parsed reports counted in the row.';
COMMENT ON COLUMN out_applications_by_region_year.publishers_count IS 'Coverage: distinct publishing bodies among those reports.';
COMMENT ON COLUMN out_applications_by_region_year.counties_reporting_count IS 'Coverage: county-level areas with at least one report in the row (0 or 1 below province level).';
COMMENT ON COLUMN out_applications_by_region_year.counties_expected_count IS 'Coverage: county-level areas in or around the region that the portal registry covers (out_registry_counties).';
COMMENT ON COLUMN out_applications_by_region_year.new_received_count IS '一、本年新收 summed over the reports.';
COMMENT ON COLUMN out_applications_by_region_year.carried_over_count IS '二、上年结转 summed.';
COMMENT ON COLUMN out_applications_by_region_year.total_processed_count IS '三（七）总计 summed.';
COMMENT ON COLUMN out_applications_by_region_year.granted_count IS '三（一）予以公开 summed.';
COMMENT ON COLUMN out_applications_by_region_year.partially_granted_count IS '三（二）部分公开 summed.';
COMMENT ON COLUMN out_applications_by_region_year.denied_count IS '三（三）不予公开 summed.';
COMMENT ON COLUMN out_applications_by_region_year.unable_count IS '三（四）无法提供 summed.';
COMMENT ON COLUMN out_applications_by_region_year.not_processed_count IS '三（五）不予处理 summed.';
COMMENT ON COLUMN out_applications_by_region_year.granted_share IS 'granted / total processed (0-1), over reports that print a total processed.';
COMMENT ON COLUMN out_applications_by_region_year.partially_granted_share IS 'partially granted / total processed (0-1).';
COMMENT ON COLUMN out_applications_by_region_year.denied_share IS 'denied / total processed (0-1).';
COMMENT ON COLUMN out_applications_by_region_year.unable_share IS 'unable to provide / total processed (0-1).';
COMMENT ON COLUMN out_applications_by_region_year.not_processed_share IS 'not processed / total processed (0-1).';
