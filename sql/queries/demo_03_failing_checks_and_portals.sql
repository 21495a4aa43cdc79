-- What the operator looks at first: portals that broke last night, worst first.
SELECT portal_id, outcome, detail, pages_fetched, documents_found
FROM out_portal_health_latest
ORDER BY severity_rank, portal_id
LIMIT 15;
