-- The columns each portal was read from tonight replace its earlier ones; portals without a
-- working column tonight keep theirs, so the next night tries them again.
DELETE FROM core_portal_columns WHERE portal_id IN (SELECT portal_id FROM incoming_columns);
INSERT INTO core_portal_columns
SELECT portal_id, column_urls, registry_column_urls, platform, run_id, coalesce(list_apis, [])
FROM incoming_columns;
