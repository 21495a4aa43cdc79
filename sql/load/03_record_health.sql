-- Re-running a night replaces that night's outcomes instead of adding to them.
DELETE FROM core_portal_health WHERE run_id = $run_id;
INSERT INTO core_portal_health
SELECT $run_id, portal_id, division_code, outcome, detail, pages_fetched, documents_found, documents_new, checked_at, rendered_pages
FROM incoming_health;
