-- Incremental state lives in the warehouse, so it advances only when a night is published:
-- a crashed night's crawl never becomes the memory the next night compares against.

ALTER TABLE core_document ADD COLUMN last_seen_at TIMESTAMP;
UPDATE core_document SET last_seen_at = fetched_at;
COMMENT ON COLUMN core_document.content_type IS 'HTTP Content-Type the bytes were served with (a 304 keeps the last one seen).';
COMMENT ON COLUMN core_document.fetched_at IS 'When the bytes were last downloaded (UTC); a 304 Not Modified keeps it.';
COMMENT ON COLUMN core_document.last_seen_at IS 'When the portal last served the document or confirmed it unchanged (304), UTC.';
COMMENT ON COLUMN core_document.run_id IS 'Pipeline run that last saw the document.';
COMMENT ON COLUMN core_portal_health.documents_new IS 'Documents whose bytes the published warehouse did not hold before that night (a rerun after a failed night still counts them).';

CREATE TABLE core_portal_columns (
    portal_id VARCHAR PRIMARY KEY,
    column_urls VARCHAR[] NOT NULL,
    registry_column_urls VARCHAR[] NOT NULL,
    platform VARCHAR,
    run_id VARCHAR NOT NULL,
    list_apis VARCHAR[] NOT NULL DEFAULT []
);
COMMENT ON TABLE core_portal_columns IS 'The report columns each portal was last read from: the next night re-reads them first and reports column_moved when they stop working.';
COMMENT ON COLUMN core_portal_columns.portal_id IS 'Registry id of the portal.';
COMMENT ON COLUMN core_portal_columns.column_urls IS 'Column (listing) URLs that listed reports, sub-columns included, in reading order.';
COMMENT ON COLUMN core_portal_columns.registry_column_urls IS 'The registry''s columns for the portal at the time; when an editor changes them, the registry wins.';
COMMENT ON COLUMN core_portal_columns.platform IS 'Platform family the portal was read as (hanweb, trs, gkmlpt, generic).';
COMMENT ON COLUMN core_portal_columns.run_id IS 'Pipeline run that recorded the columns.';
COMMENT ON COLUMN core_portal_columns.list_apis IS 'List requests (method, URL, paging) the scripts of a column rendered in headless Chromium made: an adapter for them would spare the browser.';
