INSERT OR REPLACE INTO core_publisher
SELECT
    md5(coalesce(division_code, '') || '|' || publisher) AS publisher_id,
    publisher AS name,
    any_value(publisher_level) AS level,
    any_value(division_code) AS division_code,
    any_value(portal_id) AS portal_id
FROM incoming_reports
WHERE publisher IS NOT NULL AND report_id IN (SELECT report_id FROM changed_reports)
GROUP BY ALL;
