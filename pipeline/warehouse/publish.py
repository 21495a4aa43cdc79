"""Build the warehouse in a working file and publish it by atomic replace.

DuckDB allows one writer per file, and a second process cannot open a file another process
writes. So readers (analysts, dashboards, `gongkai sql`) only ever open the *published* file,
and a night never writes it: it copies the published file to a working file, migrates and loads
that, checkpoints it (rebuilding it from its live rows when deletes left too much of it free),
and `os.replace`s it onto the published path. A reader that has the old file open keeps reading
the old inode undisturbed; the next connection sees the new night. README.md ("The warehouse")
says why this copy-and-swap stays the design at national scale.

Files are written with storage_compatibility_version v1.1.0 so the DuckDB 1.1+ engines that BI
tools bundle open the published warehouse (duckdb-engine itself asks only duckdb>=0.5: a Superset
installed today gets DuckDB 2.x, an older image or a pinned environment a 1.x). v1.0.0 would
promise more than it keeps: DuckDB 1.0 cannot read the primary-key indexes that DuckDB >= 1.5
writes under any setting.
"""
from __future__ import annotations

import logging
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipeline.config import WORKING_SUFFIX
from pipeline.warehouse import sqlfiles
from pipeline.warehouse.migrate import migrate

STORAGE_COMPATIBILITY = "v1.1.0"
log = logging.getLogger("gongkai")
COMPACT_AT_FREE_SHARE = 0.10   # a working file with more of its blocks free is rebuilt before publishing


def connect_working(path: Path, memory_limit_mb: int | None = None) -> duckdb.DuckDBPyConnection:
    """A writable connection; a memory limit makes DuckDB spill beside the file instead of growing past it."""
    config = {"storage_compatibility_version": STORAGE_COMPATIBILITY}
    if memory_limit_mb:
        config["memory_limit"] = f"{memory_limit_mb}MB"
    return duckdb.connect(str(path), config=config)


def prepare_working(published: Path, working: Path, memory_limit_mb: int | None = None) -> None:
    """Start the working file from the published warehouse (or empty) and bring its schema up to date.

    A working file already at `working` is discarded: the published file is the last good state.
    Migrations that rewrite the fact tables run under the load's memory limit, spilling beyond it.
    """
    working.parent.mkdir(parents=True, exist_ok=True)
    discard_working(working)
    if published.exists():
        shutil.copyfile(published, working)
    con = connect_working(working, memory_limit_mb)
    try:
        migrate(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def discard_working(working: Path) -> None:
    """Remove a working file and its write-ahead log, if there are any."""
    for path in (working, working.with_name(working.name + ".wal")):
        path.unlink(missing_ok=True)


@contextmanager
def working_connection(working: Path, memory_limit_mb: int | None = None):
    """Open the working file for a load; checkpoint on success so the file is self-contained, and
    compact it when deletes have left too much of it free."""
    if not working.exists():
        raise FileNotFoundError(f"no working warehouse at {working}: prepare it first (prepare_working)")
    con = connect_working(working, memory_limit_mb)
    try:
        yield con
        con.execute("CHECKPOINT")
        free = free_share(con)
    finally:
        con.close()
    if free > COMPACT_AT_FREE_SHARE:
        before = working.stat().st_size
        compact(working, memory_limit_mb)
        log.info("warehouse: %.0f%% of the working file was free; rebuilt from its live rows (%.0f MB → %.0f MB)",
                 free * 100, before / 1e6, working.stat().st_size / 1e6)


def free_share(con: duckdb.DuckDBPyConnection) -> float:
    """The share of the file's blocks that hold nothing (left by deleted and replaced rows)."""
    total, free = con.execute(sqlfiles.query_text("queries/database_blocks.sql")).fetchone()
    return free / total if total else 0.0


def compact(working: Path, memory_limit_mb: int | None = None) -> None:
    """Rebuild the working file from its live rows and put it in place of the working file.

    DuckDB reuses free blocks but never returns them, and a deleted row keeps its place in its row
    group until the group is rewritten: a night that replaces 1% of reports grows the file by a few
    percent, and it never shrinks back. A rebuild costs one read and one write of the live data.
    """
    compacted = working.with_name(f"{working.name.removesuffix(WORKING_SUFFIX)}.compacting{WORKING_SUFFIX}")   # recovery finds it
    discard_working(compacted)
    try:
        with duckdb.connect(config={"memory_limit": f"{memory_limit_mb}MB"} if memory_limit_mb else {}) as con:
            sqlfiles.run_file(con, "publish/compact.sql", {"working": str(working), "compacted": str(compacted)})
    except BaseException:
        discard_working(compacted)
        raise
    os.replace(compacted, working)


def publish(working: Path, published: Path) -> None:
    """Atomically replace the published warehouse with the working file."""
    if working.with_name(working.name + ".wal").exists():
        raise RuntimeError(f"{working} has an uncheckpointed WAL; refusing to publish a partial warehouse")
    with open(working, "rb") as handle:
        os.fsync(handle.fileno())
    published.parent.mkdir(parents=True, exist_ok=True)
    os.replace(working, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def connect_published(published: Path, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse, with a clear error when there is none."""
    if not published.exists():
        raise FileNotFoundError(
            f"no published warehouse at {published}: `gongkai run` publishes it there; `gongkai demo` writes "
            "warehouse/demo.duckdb instead, so pass --warehouse warehouse/demo.duckdb (or set GONGKAI_WAREHOUSE)"
        )
    return duckdb.connect(str(published), read_only=True, config=config or {})
