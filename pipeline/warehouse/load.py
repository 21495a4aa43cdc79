"""Load a night's crawl and extraction into the warehouse, idempotently.

One transaction covers the whole load: regions, documents, portal health, the columns each
portal was read from (the next crawl's memory, see `history.py`) and every new or changed report (its old rows deleted, its new rows inserted). Unchanged reports are skipped, so
re-running a night never duplicates anything, and an error anywhere leaves the file as it was.
Parsed reports, cells and checks are read by DuckDB from the parse stage's Parquet parts, so
the national night's cells never pass through Python; dimensions are upserted, so an
unchanged night leaves them (and the file) as they were.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipeline.report.contract import CELLS
from pipeline.report.frames import ReportFrames
from pipeline.report.parts import FRAME_FILES, ParsedParts
from pipeline.warehouse import sqlfiles

LOAD_STEPS = (
    "load/00_read_parsed_reports.sql",
    "load/01_upsert_regions.sql",
    "load/02_upsert_documents.sql",
    "load/03_record_health.sql",
    "load/04_select_changed_reports.sql",
    "load/05_delete_changed_reports.sql",
    "load/06_insert_publishers.sql",
    "load/07_insert_reports.sql",
    "load/08_insert_facts.sql",
    "load/09_condense_applications.sql",
    "load/10_insert_checks.sql",
    "load/11_record_run.sql",
    "load/12_record_portal_columns.sql",
    "load/13_upsert_cell_dictionary.sql",
    "load/14_drop_incoming.sql",
)

DOCUMENT_SCHEMA: dict[str, pl.DataType] = {
    "sha256": pl.Utf8, "url": pl.Utf8, "portal_id": pl.Utf8, "listing_url": pl.Utf8, "title": pl.Utf8,
    "title_year": pl.Int32, "publisher": pl.Utf8, "content_type": pl.Utf8, "size_bytes": pl.Int64,
    "fetched_at": pl.Datetime("us"), "not_modified": pl.Boolean,
}
HEALTH_SCHEMA: dict[str, pl.DataType] = {
    "portal_id": pl.Utf8, "division_code": pl.Utf8, "outcome": pl.Utf8, "detail": pl.Utf8,
    "pages_fetched": pl.Int32, "documents_found": pl.Int32, "documents_new": pl.Int32,
    "checked_at": pl.Datetime("us"), "rendered_pages": pl.Int32,
}
COLUMNS_SCHEMA: dict[str, pl.DataType] = {
    "portal_id": pl.Utf8, "column_urls": pl.List(pl.Utf8), "registry_column_urls": pl.List(pl.Utf8),
    "platform": pl.Utf8, "run_id": pl.Utf8, "list_apis": pl.List(pl.Utf8),
}
REGION_COLUMNS = ("division_code", "name", "level")


@dataclass(frozen=True)
class NightInput:
    """Everything one night hands the warehouse."""
    run_id: str
    started_at: datetime
    regions: pl.DataFrame     # division_code, name, level
    documents: pl.DataFrame   # DOCUMENT_SCHEMA
    health: pl.DataFrame      # HEALTH_SCHEMA
    frames: ParsedParts | ReportFrames   # the parse stage's parts; frames built in memory for small nights
    columns: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=COLUMNS_SCHEMA))  # read tonight


@dataclass(frozen=True)
class LoadSummary:
    run_id: str
    reports_loaded: int
    reports_total: int
    facts_total: int
    failed_checks_total: int


def load_night(con: duckdb.DuckDBPyConnection, night: NightInput) -> LoadSummary:
    """Apply one night to an open (migrated) warehouse connection in a single transaction."""
    with _as_parts(night.frames) as parts:
        return _load(con, night, parts)


@contextmanager
def _as_parts(frames: ParsedParts | ReportFrames) -> Iterator[ParsedParts]:
    """Frames built in memory are written as one part, so every load reads parts the same way."""
    if isinstance(frames, ParsedParts):
        yield frames
        return
    with tempfile.TemporaryDirectory(prefix="gongkai-load-") as directory:
        frames.write(Path(directory) / "parsed")
        yield ParsedParts(Path(directory) / "parsed")


def _load(con: duckdb.DuckDBPyConnection, night: NightInput, parts: ParsedParts) -> LoadSummary:
    incoming = {
        "incoming_regions": night.regions.select(REGION_COLUMNS),
        "incoming_documents": night.documents.cast(DOCUMENT_SCHEMA).select(list(DOCUMENT_SCHEMA)),
        "incoming_health": night.health.cast(HEALTH_SCHEMA).select(list(HEALTH_SCHEMA)),
        "incoming_columns": night.columns.cast(COLUMNS_SCHEMA).select(list(COLUMNS_SCHEMA)),
        "incoming_cell_dictionary": cell_dictionary(),
    }
    params = {
        "run_id": night.run_id, "started_at": night.started_at, "loaded_at": datetime.now(UTC).replace(tzinfo=None),
        **{f"{name[:-1]}_files": [str(path) for path in parts.files(name)] for name in FRAME_FILES},
    }
    for name, frame in incoming.items():
        con.register(name, frame.to_arrow())
    con.execute("BEGIN TRANSACTION")
    try:
        for step in LOAD_STEPS:
            sqlfiles.run_file(con, step, params)
        loaded = con.execute("SELECT count(*) FROM changed_reports").fetchone()[0]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in incoming:
            con.unregister(name)
    return LoadSummary(night.run_id, loaded, *warehouse_totals(con))


def cell_dictionary() -> pl.DataFrame:
    """The contract's cells in printed order, so the warehouse carries the template's Chinese labels."""
    return pl.DataFrame(
        [{"position": i, "template": c.template, "table": c.table, "row": c.row, "col": c.col,
          "row_label": c.row_label, "col_label": c.col_label, "unit": c.unit} for i, c in enumerate(CELLS)]
    )


def warehouse_totals(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """(reports, fact rows, failed checks) currently in the warehouse."""
    reports, facts, failed = con.execute(sqlfiles.query_text("queries/warehouse_totals.sql")).fetchone()
    return int(reports), int(facts), int(failed)
