-- Template arithmetic results, documents fetched, portal health and run history.

CREATE TABLE core_report_check (
    report_id VARCHAR NOT NULL,
    check_name VARCHAR NOT NULL,
    table_name VARCHAR,
    row_key VARCHAR,
    col_key VARCHAR,
    ok BOOLEAN NOT NULL,
    expected DOUBLE,
    actual DOUBLE,
    detail VARCHAR
);
COMMENT ON TABLE core_report_check IS 'Results of the template''s own arithmetic per report (applications balance 一+二 = 三（七）+ 四, row totals, outcome totals, review/litigation totals). A failed check marks the report; values are never changed.';
COMMENT ON COLUMN core_report_check.report_id IS 'core_report.report_id.';
COMMENT ON COLUMN core_report_check.check_name IS 'applications_balance, row_total, outcome_total, review_total, ...';
COMMENT ON COLUMN core_report_check.table_name IS 'Fact family the check reads.';
COMMENT ON COLUMN core_report_check.row_key IS 'Row checked; null when the check spans rows.';
COMMENT ON COLUMN core_report_check.col_key IS 'Column checked.';
COMMENT ON COLUMN core_report_check.ok IS 'True when the printed numbers satisfy the identity.';
COMMENT ON COLUMN core_report_check.expected IS 'Value the identity requires.';
COMMENT ON COLUMN core_report_check.actual IS 'Value printed.';
COMMENT ON COLUMN core_report_check.detail IS 'The arithmetic, human-readable, e.g. 21 + 0 = 17 + 4.';

CREATE TABLE core_document (
    document_sha256 VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    portal_id VARCHAR NOT NULL,
    listing_url VARCHAR,
    title VARCHAR,
    title_year INTEGER,
    publisher VARCHAR,
    content_type VARCHAR,
    size_bytes BIGINT NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (document_sha256, url)
);
COMMENT ON TABLE core_document IS 'Every candidate report document the crawl archived, by content hash and URL.';
COMMENT ON COLUMN core_document.document_sha256 IS 'sha256 of the bytes: the key of the raw archive.';
COMMENT ON COLUMN core_document.url IS 'URL the bytes were fetched from.';
COMMENT ON COLUMN core_document.portal_id IS 'Registry id of the portal.';
COMMENT ON COLUMN core_document.listing_url IS 'The listing or article page that linked to the document.';
COMMENT ON COLUMN core_document.title IS 'Title from the listing or article.';
COMMENT ON COLUMN core_document.title_year IS 'Report year read from the title.';
COMMENT ON COLUMN core_document.publisher IS 'Publisher named by the portal column.';
COMMENT ON COLUMN core_document.content_type IS 'HTTP Content-Type.';
COMMENT ON COLUMN core_document.size_bytes IS 'Size of the body in bytes.';
COMMENT ON COLUMN core_document.fetched_at IS 'When it was last fetched (UTC).';
COMMENT ON COLUMN core_document.run_id IS 'Pipeline run that last saw the document.';

CREATE TABLE core_portal_health (
    run_id VARCHAR NOT NULL,
    portal_id VARCHAR NOT NULL,
    division_code VARCHAR,
    outcome VARCHAR NOT NULL,
    detail VARCHAR,
    pages_fetched INTEGER NOT NULL,
    documents_found INTEGER NOT NULL,
    documents_new INTEGER NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, portal_id)
);
COMMENT ON TABLE core_portal_health IS 'Each night''s outcome per portal: ok, no_reports, blocked, unreachable, http_error, column_moved, robots_disallowed, parse_error.';
COMMENT ON COLUMN core_portal_health.run_id IS 'Pipeline run (night).';
COMMENT ON COLUMN core_portal_health.portal_id IS 'Registry id of the portal.';
COMMENT ON COLUMN core_portal_health.division_code IS 'Region the portal serves.';
COMMENT ON COLUMN core_portal_health.outcome IS 'ok, no_reports, blocked, unreachable, http_error, column_moved, robots_disallowed or parse_error.';
COMMENT ON COLUMN core_portal_health.detail IS 'What happened, for the operator.';
COMMENT ON COLUMN core_portal_health.pages_fetched IS 'Requests made for the portal that night.';
COMMENT ON COLUMN core_portal_health.documents_found IS 'Report documents listed.';
COMMENT ON COLUMN core_portal_health.documents_new IS 'Documents whose bytes were new that night.';
COMMENT ON COLUMN core_portal_health.checked_at IS 'When the outcome was recorded (UTC).';

CREATE TABLE core_pipeline_run (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    portals_count INTEGER NOT NULL,
    documents_count INTEGER NOT NULL,
    reports_loaded_count INTEGER NOT NULL,
    facts_count BIGINT NOT NULL,
    failed_checks_count INTEGER NOT NULL
);
COMMENT ON TABLE core_pipeline_run IS 'One row per load into the warehouse: what the night brought.';
COMMENT ON COLUMN core_pipeline_run.run_id IS 'Pipeline run id (the Dagster run id when run by Dagster).';
COMMENT ON COLUMN core_pipeline_run.started_at IS 'When the load started (UTC).';
COMMENT ON COLUMN core_pipeline_run.finished_at IS 'When the load committed (UTC).';
COMMENT ON COLUMN core_pipeline_run.portals_count IS 'Portals with a health outcome in the run.';
COMMENT ON COLUMN core_pipeline_run.documents_count IS 'Documents the run handed to the load.';
COMMENT ON COLUMN core_pipeline_run.reports_loaded_count IS 'Reports inserted or replaced by the load (unchanged ones are skipped).';
COMMENT ON COLUMN core_pipeline_run.facts_count IS 'Fact rows in the warehouse after the load.';
COMMENT ON COLUMN core_pipeline_run.failed_checks_count IS 'Failed template checks in the warehouse after the load.';
