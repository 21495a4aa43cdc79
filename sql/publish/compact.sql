-- Rebuild the working warehouse from its live rows into a new file: tables, their constraints and
-- comments, views and the migration ledger are copied; deleted rows and free blocks are not.
-- The storage version is publish.STORAGE_COMPATIBILITY's, so DuckDB 1.1 still opens the result.
ATTACH $working AS working (READ_ONLY);
ATTACH $compacted AS compacted (STORAGE_VERSION 'v1.1.0');
COPY FROM DATABASE working TO compacted;
DETACH compacted;
DETACH working;
