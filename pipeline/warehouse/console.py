"""The SQL console's guard: one read-only query per call on a connection that cannot write.

Two independent layers. First, DuckDB's own parser classifies the statement, and anything but a
query (SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, or EXPLAIN of one) is refused with a message
that says why and what to use instead. Second, the connection is opened read-only with external
access off and the configuration locked, so whatever the first layer might miss (a future statement
type, a table function that touches files) DuckDB refuses by itself.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.warehouse import sqlfiles
from pipeline.warehouse.publish import connect_published

QUERY_TYPES = {duckdb.StatementType.SELECT}
READABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".csv.gz", ".tsv.gz")

_READ_ONLY = "the warehouse is read-only: the console runs queries (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)"
REFUSALS: dict[duckdb.StatementType, str] = {
    duckdb.StatementType.ATTACH: "ATTACH is refused: the console reads the published warehouse only",
    duckdb.StatementType.DETACH: "DETACH is refused: the console reads the published warehouse only",
    duckdb.StatementType.COPY: "COPY is refused: the console writes no files and loads none; "
                               "use --format csv|json and redirect the output, or `gongkai export`",
    duckdb.StatementType.COPY_DATABASE: "COPY FROM DATABASE is refused: the console writes no files; use `gongkai export`",
    duckdb.StatementType.EXPORT: "EXPORT DATABASE is refused: the console writes no files; use `gongkai export`",
    duckdb.StatementType.LOAD: "INSTALL and LOAD are refused: the console runs without extensions",
    duckdb.StatementType.EXTENSION: "extension statements are refused: the console runs without extensions",
    duckdb.StatementType.PRAGMA: "PRAGMA is refused (DuckDB runs IMPORT DATABASE and COPY FROM DATABASE as pragmas too): "
                                 "for metadata use DESCRIBE, SHOW TABLES or SELECT * FROM pragma_table_info('name')",
    duckdb.StatementType.SET: "SET, RESET, USE and SET VARIABLE are refused: the console's configuration is fixed",
    duckdb.StatementType.CALL: "CALL is refused: write SELECT * FROM function(...) instead",
    duckdb.StatementType.PREPARE: "PREPARE is refused: the console runs one query per call",
    duckdb.StatementType.EXECUTE: "EXECUTE is refused: the console runs one query per call",
    duckdb.StatementType.TRANSACTION: "transaction statements are refused: the console runs one query per call",
}


class Refused(ValueError):
    """A statement the console will not run; the message says why and what to do instead."""


def check_query(sql: str) -> str:
    """The text of the single query in `sql`, or Refused naming what is wrong with it."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.ParserException as problem:
        raise Refused(str(problem)) from None
    if not statements:
        raise Refused("no statement given: pass one query, e.g. \"SELECT * FROM out_county_rankings LIMIT 10\"")
    if len(statements) > 1:
        raise Refused(f"{len(statements)} statements given: the console runs one query per call, "
                      "so run each as its own `gongkai sql` call")
    statement = statements[0]
    if statement.type in QUERY_TYPES:
        return statement.query
    if statement.type == duckdb.StatementType.EXPLAIN and _explained_query(statement.query):
        return statement.query
    if statement.type == duckdb.StatementType.EXPLAIN:
        raise Refused("EXPLAIN is allowed only of a query (EXPLAIN [ANALYZE] SELECT …)")
    reason = REFUSALS.get(statement.type, f"{statement.type.name} statements are refused: {_READ_ONLY}")
    raise Refused(reason)


def _explained_query(sql: str) -> bool:
    """Whether an EXPLAIN [ANALYZE] statement explains a query (EXPLAIN ANALYZE runs what it explains)."""
    tokens = duckdb.tokenize(sql)
    keywords = 1
    if len(tokens) > 1 and sql[tokens[1][0]:].upper().startswith("ANALYZE"):
        keywords = 2
    if len(tokens) <= keywords:
        return False
    try:
        inner = duckdb.extract_statements(sql[tokens[keywords][0]:])
    except duckdb.ParserException:
        return False
    return len(inner) == 1 and inner[0].type in QUERY_TYPES


def readable_files(paths: list[Path]) -> list[str]:
    """Absolute paths of the local CSV/Parquet files an analyst named with --allow-read, checked."""
    allowed = []
    for path in paths:
        resolved = path.expanduser().resolve()
        if not resolved.is_file():
            raise Refused(f"--allow-read {path}: no such file (name each CSV or Parquet file to read)")
        if not resolved.name.lower().endswith(READABLE_SUFFIXES):
            raise Refused(f"--allow-read {path}: only CSV or Parquet files can be allowed "
                          f"({', '.join(READABLE_SUFFIXES)})")
        allowed.append(str(resolved))
    return allowed


def connect_console(published: Path, allowed_files: list[str] = ()) -> duckdb.DuckDBPyConnection:
    """The published warehouse read-only, external access off except `allowed_files`, configuration locked."""
    con = connect_published(published, config={"autoinstall_known_extensions": False,
                                               "autoload_known_extensions": False})
    try:
        sqlfiles.run_file(con, "queries/console_lockdown.sql", {"allowed_paths": list(allowed_files)})
    except BaseException:
        con.close()
        raise
    return con
