-- The region dimension follows the shipped registry: rows it no longer has go, changed rows are
-- updated in place and unchanged rows are not touched, so an unchanged night rewrites nothing.
DELETE FROM core_region WHERE division_code NOT IN (SELECT division_code FROM incoming_regions);
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
FROM incoming_regions i
WHERE NOT EXISTS (
    SELECT 1 FROM core_region r
    WHERE r.division_code = i.division_code AND r.name = i.name AND r.level = i.level
)
ON CONFLICT (division_code) DO UPDATE SET name = excluded.name, level = excluded.level;
