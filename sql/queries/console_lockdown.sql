-- The SQL console's connection, closed around the published warehouse: the named files an analyst
-- allowed with --allow-read stay readable, every other file access (ATTACH, COPY, EXPORT, extensions,
-- secrets) is refused by DuckDB itself, and the configuration is locked so no SET can undo this.
-- Order matters: allowed_paths cannot change once external access is off.
SET allowed_paths = $allowed_paths;
SET enable_external_access = false;
SET lock_configuration = true;
