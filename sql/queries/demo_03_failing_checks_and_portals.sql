-- What the operator looks at first: portals that broke last night, worst first.
SELECT portal_id, outcome, pages_fetched AS pages, documents_found AS documents, left(detail, 90) AS detail
FROM out_portal_health_latest
ORDER BY severity_rank, portal_id
LIMIT 15;
