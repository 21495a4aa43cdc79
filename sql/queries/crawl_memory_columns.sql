-- The report columns each portal was last read from, for the next crawl to re-read first.
SELECT portal_id, column_urls, registry_column_urls, platform, run_id, list_apis FROM core_portal_columns;
