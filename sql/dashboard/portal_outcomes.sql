-- Portals per latest outcome, worst first.
SELECT outcome, count(*) AS portals_count, min(severity_rank) AS severity_rank
FROM out_portal_health_latest
GROUP BY outcome
ORDER BY severity_rank;
