"""Read the newest published night, however long the reading process runs.

DuckDB keeps one database instance per file path per process: while any connection to the
published file is open (another thread, a dashboard's cached connection), `duckdb.connect(path)`
hands back that same instance, still reading the night it first opened although a publish has
since replaced the file. So these readers never connect to the path itself: each opens a private
in-memory DuckDB and ATTACHes the published file read-only, which opens whatever file is at the
path now. `connect()` is for one query or one script; `PublishedWarehouse` is for a long-lived
reader such as the dashboard: it re-opens when the file's identity changes.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import polars as pl

from pipeline.config import Paths

CATALOG = "warehouse"


def published_path(path: Path | str | None = None) -> Path:
    """The published warehouse: `path`, else $GONGKAI_WAREHOUSE, else warehouse/gongkai.duckdb."""
    resolved = Path(path).resolve() if path else Paths.default().warehouse
    if not resolved.exists():
        raise FileNotFoundError(
            f"no published warehouse at {resolved}: run `gongkai demo` (writes warehouse/demo.duckdb) or "
            "`gongkai run`, or point GONGKAI_WAREHOUSE at the published file"
        )
    return resolved


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the night published at `path` right now; close it when done.

        with gongkai.connect("warehouse/demo.duckdb") as con:
            con.sql("SELECT * FROM out_county_rankings").show()
    """
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{_quoted(published_path(path))}' AS {CATALOG} (READ_ONLY)")
        con.execute(f"USE {CATALOG}")
    except BaseException:
        con.close()
        raise
    return con


def file_identity(path: Path) -> tuple[int, int, int, int]:
    """What changes when a night is published: the replace gives the path a new inode and mtime."""
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size


class PublishedWarehouse:
    """A long-lived, thread-safe reader that always answers from the newest published night.

    It keeps one private connection per published file and hands each query its own cursor;
    before every query it compares the file's identity with the one it opened and re-opens when
    a publish replaced the file. Queries already running on the old night finish undisturbed.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = published_path(path)
        self._lock = threading.Lock()
        self._opened: tuple[tuple[int, int, int, int], duckdb.DuckDBPyConnection] | None = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection for one query, on the newest night; close it when done."""
        with self._lock:
            identity = file_identity(self.path)
            if self._opened is None or self._opened[0] != identity:
                self._opened = (identity, connect(self.path))
            cursor = self._opened[1].cursor()
        cursor.execute(f"USE {CATALOG}")
        return cursor

    def query(self, sql: str, params: dict | list | None = None) -> pl.DataFrame:
        """Run one read-only query (named $parameters or ? placeholders) and return a Polars frame."""
        with self.cursor() as cursor:
            return cursor.sql(sql, params=params).pl() if params else cursor.sql(sql).pl()

    def identity(self) -> tuple[int, int, int, int]:
        """Identity of the night the next query will read."""
        return file_identity(self.path)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
