-- The region dimension is replaced from the shipped registry on every load (a few tens of thousands of rows).
DELETE FROM core_region;
INSERT INTO core_region
SELECT
    division_code,
    name,
    level,
    CASE length(division_code)
        WHEN 2 THEN NULL
        WHEN 4 THEN left(division_code, 2)
        WHEN 6 THEN left(division_code, 4)
        ELSE left(division_code, 6)
    END AS parent_code,
    left(division_code, 2) AS province_code,
    CASE WHEN length(division_code) >= 4 THEN left(division_code, 4) END AS city_code,
    CASE WHEN length(division_code) >= 6 THEN left(division_code, 6) END AS county_code
FROM incoming_regions;
