-- Each portal's latest outcome, worst first.
SELECT outcome, portal_id, division_code, pages_fetched, documents_found, documents_new, detail, checked_at
FROM out_portal_health_latest
ORDER BY severity_rank, portal_id;
