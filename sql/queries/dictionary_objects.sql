SELECT table_name AS object_name, 'table' AS kind, comment
FROM duckdb_tables() WHERE NOT internal AND NOT temporary
UNION ALL
SELECT view_name, 'view', comment
FROM duckdb_views() WHERE NOT internal AND NOT temporary
ORDER BY kind, object_name;
