-- Re-running a night replaces that night's outcomes instead of adding to them. A province not
-- crawled tonight hands the load its last crawl's outcomes again: those are already recorded
-- (same portal, same check time) and are not recorded twice under tonight's run.
DELETE FROM core_portal_health WHERE run_id = $run_id;
INSERT INTO core_portal_health
SELECT $run_id, portal_id, division_code, outcome, detail, pages_fetched, documents_found, documents_new, checked_at, rendered_pages
FROM incoming_health i
WHERE NOT EXISTS (
    SELECT 1 FROM core_portal_health h WHERE h.portal_id = i.portal_id AND h.checked_at = i.checked_at
);
