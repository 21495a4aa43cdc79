"""The nightly pipeline as plain functions, one per stage, each reading the previous stage's files.

registry → crawl → archive → parse → warehouse → publish. Dagster assets (pipeline/defs) are
thin wrappers over these; `gongkai run` and `gongkai demo` run them through Dagster, and tests
call them directly. Stage outputs live under `Paths.stage_dir` and are replaced whole, so a
failed stage never leaves a half-written input for the next one.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import polars as pl

import pipeline
from pipeline.archive import Archive
from pipeline.config import PACKAGE_DIR, Paths
from pipeline.crawl.crawler import run_crawl
from pipeline.crawl.records import DocumentRecord
from pipeline.crawl.render import RenderSettings
from pipeline.crawl.settings import FetchSettings
from pipeline.extract.isolate import parse_many
from pipeline.registry import load_portals, regions_frame
from pipeline.registry.model import Portal
from pipeline.report.frames import ReportFrames, join_parsed, records_frame
from pipeline.report.parse_cache import PART, ParseCache
from pipeline.report.parse_output import PARSE_KEY, ParseOutput
from pipeline.report.parts import ParsedParts, PartsWriter
from pipeline.report.model import ParsedReport
from pipeline.warehouse.history import crawl_memory
from pipeline.warehouse.load import COLUMNS_SCHEMA, DOCUMENT_SCHEMA, HEALTH_SCHEMA, LoadSummary, NightInput, load_night
from pipeline.warehouse.publish import discard_working, prepare_working, publish, working_connection

log = logging.getLogger("gongkai")

# DocumentRecord as a frame: what the warehouse keeps of it plus what parsing needs.
CRAWL_DOCUMENT_SCHEMA: dict[str, pl.DataType] = {
    **DOCUMENT_SCHEMA,
    "division_code": pl.Utf8,
    "publisher_level": pl.Utf8,
    "filename": pl.Utf8,
    "continuation_sha256": pl.List(pl.Utf8),
}


@dataclass(frozen=True)
class NightConfig:
    """Everything a night needs to know; the defaults are a production deployment's."""
    paths: Paths = field(default_factory=Paths.default)
    registry_path: Path | None = None          # None: the registry shipped with gongkai
    fetch: FetchSettings = field(default_factory=FetchSettings)
    parse_timeout_s: float = 120.0
    parse_memory_mb: int = 2048
    parse_workers: int = 1
    parse_batch_size: int = 500                # documents parsed and written per part; bounds the parse's memory
    load_memory_mb: int = 2048                 # DuckDB's memory limit for the load; beyond it, it spills to disk
    render: RenderSettings = field(default_factory=RenderSettings)


def parser_version() -> str:
    """gongkai's version plus a hash of the extraction code and of the parse cache's columns, so changed
    parsing re-reads documents and a cache written with other columns is never read."""
    digest = hashlib.sha256()
    cache_layout = [PACKAGE_DIR / "report" / "cells.csv", PACKAGE_DIR / "report" / "parse_output.py"]
    for path in sorted((PACKAGE_DIR / "extract").rglob("*.py")) + cache_layout:
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{pipeline.__version__}+{digest.hexdigest()[:10]}"


def _stage_file(config: NightConfig, name: str) -> Path:
    return config.paths.stage_dir / name


def _replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write `path` through a temporary file beside it, so readers never see half a file (nor a failed one's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


# registry ---------------------------------------------------------------------------------

def load_registry(config: NightConfig) -> list[Portal]:
    return load_portals(config.registry_path)


# crawl ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CrawlSummary:
    portals: int
    documents: int
    requests: int
    not_modified: int
    bytes_downloaded: int
    outcomes: dict[str, int]


def _crawl_progress(every_s: float = 2.0):
    """Log portals and documents as portals finish: every portal for small runs, else every few seconds."""
    last = [0.0]

    def report(health, done: int, total: int, documents: int) -> None:
        now = time.monotonic()
        if total <= 50 or done == total or now - last[0] >= every_s:
            last[0] = now
            log.info("crawl: %d/%d portals done, %d documents (%s: %s, %d documents)",
                     done, total, documents, health.portal_id, health.outcome, health.documents_found)
    return report


def crawl(config: NightConfig, portals: list[Portal], run_id: str) -> CrawlSummary:
    """Crawl every portal into the archive; record the documents found, each portal's health and columns.

    The crawl compares against the published warehouse (documents held, columns last read), so
    rerunning a night that failed after its crawl reports the same news the failed night found.
    """
    log.info("crawl: %d portals", len(portals))
    outcome = run_crawl(portals, archive_root=config.paths.archive_root, settings=config.fetch, run_id=run_id,
                        memory=crawl_memory(config.paths.warehouse), on_portal_done=_crawl_progress(),
                        render=config.render)
    documents = pl.DataFrame([dataclasses.asdict(d) for d in outcome.documents], schema=CRAWL_DOCUMENT_SCHEMA)
    health = pl.DataFrame([dataclasses.asdict(h) for h in outcome.health], schema=HEALTH_SCHEMA)
    columns = pl.DataFrame([dataclasses.asdict(c) for c in outcome.columns], schema=COLUMNS_SCHEMA)
    _replace_atomically(_stage_file(config, "crawl/documents.parquet"), documents.write_parquet)
    _replace_atomically(_stage_file(config, "crawl/health.parquet"), health.write_parquet)
    _replace_atomically(_stage_file(config, "crawl/columns.parquet"), columns.write_parquet)
    outcomes = dict(health.group_by("outcome").len().sort("outcome").iter_rows()) if health.height else {}
    summary = CrawlSummary(len(portals), documents.height, outcome.requests, outcome.not_modified,
                           outcome.bytes_downloaded, outcomes)
    log.info("crawl: %d documents, %d requests (%d not modified), %s", summary.documents, summary.requests,
             summary.not_modified, ", ".join(f"{k} {v}" for k, v in outcomes.items()))
    return summary


def read_documents(config: NightConfig) -> list[DocumentRecord]:
    path = _stage_file(config, "crawl/documents.parquet")
    if not path.exists():
        raise FileNotFoundError(f"no crawl output at {path}: run the crawl stage first")
    return [
        DocumentRecord(**{**row, "continuation_sha256": tuple(row["continuation_sha256"] or ())})
        for row in pl.read_parquet(path).select(list(CRAWL_DOCUMENT_SCHEMA)).iter_rows(named=True)
    ]


def read_health(config: NightConfig) -> pl.DataFrame:
    return pl.read_parquet(_stage_file(config, "crawl/health.parquet"))


# archive ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ArchiveSummary:
    documents: int
    verified: int
    missing: list[str]
    archive_bytes: int


def verify_archive(config: NightConfig) -> ArchiveSummary:
    """Check that every document the crawl reported is in the archive with the bytes it hashed."""
    archive = Archive(config.paths.archive_root)
    missing, verified, total_bytes = [], 0, 0
    for record in read_documents(config):
        try:
            total_bytes += len(archive.get(record.sha256))
            verified += 1
        except (KeyError, ValueError) as problem:
            log.error("archive: %s (%s): %s", record.url, record.sha256[:12], problem)
            missing.append(record.sha256)
    summary = ArchiveSummary(verified + len(missing), verified, missing, total_bytes)
    log.info("archive: %d/%d documents verified (%d bytes)", verified, summary.documents, total_bytes)
    return summary


# parse ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParseSummary:
    documents: int
    parsed: int
    from_cache: int
    reports_ok: int
    statuses: dict[str, int]
    routes: dict[str, int]          # reports by how their text was read (text, ocr, text+ocr): OCR counted apart
    cells: int
    failed_checks: int
    parser_version: str


def parse(config: NightConfig) -> ParseSummary:
    """Read every archived document into the report model, batch by batch; cached parses are not re-read.

    Documents the parse cache holds are joined to their records part by part; the others are
    parsed in batches of `parse_batch_size`, each batch cached and written as a part before the
    next, so memory stays bounded by a batch however many documents a night lists.
    """
    version = parser_version()
    cache = ParseCache(config.paths.parse_cache_dir, version)
    archive = Archive(config.paths.archive_root)
    documents = _archived_documents(config, archive)
    located = records_frame(documents).join(cache.index(), on=PARSE_KEY, how="left", maintain_order="left")
    cached = located.filter(pl.col(PART).is_not_null())
    misses = located.filter(pl.col(PART).is_null())
    to_parse = misses[PARSE_KEY].unique(maintain_order=True).to_list()
    log.info("parse: %d documents (%d cached, %d to parse)", located.height, located.height - len(to_parse), len(to_parse))
    tally = _ParseTally()
    with PartsWriter(_stage_file(config, "parsed")) as writer:
        for (part,), batch in cached.partition_by(PART, as_dict=True).items():
            tally.add(writer, join_parsed(batch.drop(PART), cache.read(part), parser_version=version))
        for keys in _batches(to_parse, config.parse_batch_size):
            output = ParseOutput.of(_parsed_or_migrated(config, cache, archive, _first_records(documents, keys)))
            cache.add(output)
            tally.add(writer, join_parsed(misses.filter(pl.col(PARSE_KEY).is_in(keys)).drop(PART), output,
                                          parser_version=version))
    summary = ParseSummary(located.height, len(to_parse), located.height - len(to_parse), tally.statuses.get("ok", 0),
                           dict(sorted(tally.statuses.items())), dict(sorted(tally.routes.items())), tally.cells,
                           tally.failed_checks, version)
    log.info("parse: %s; read by %s; %d cells, %d failed checks",
             ", ".join(f"{k} {v}" for k, v in summary.statuses.items()),
             ", ".join(f"{k} {v}" for k, v in summary.routes.items()) or "-", summary.cells, summary.failed_checks)
    return summary


class _ParseTally:
    """What the night's parts hold, counted as they are written."""

    def __init__(self) -> None:
        self.statuses: Counter[str] = Counter()
        self.routes: Counter[str] = Counter()
        self.cells = 0
        self.failed_checks = 0

    def add(self, writer: PartsWriter, frames: ReportFrames) -> None:
        writer.write(frames)
        self.statuses.update(frames.reports["parse_status"].to_list())
        self.routes.update(route for route in frames.reports["parse_route"].to_list() if route)
        self.cells += frames.cells.height
        self.failed_checks += frames.checks.filter(~pl.col("ok")).height


def _batches(keys: list[str], size: int) -> Iterator[list[str]]:
    iterator = iter(keys)
    while batch := list(islice(iterator, max(1, size))):
        yield batch


def _archived_documents(config: NightConfig, archive: Archive) -> pl.DataFrame:
    """The crawl's documents whose pages are all in the archive, each with its parse key."""
    path = _stage_file(config, "crawl/documents.parquet")
    if not path.exists():
        raise FileNotFoundError(f"no crawl output at {path}: run the crawl stage first")
    documents = pl.read_parquet(path).select(list(CRAWL_DOCUMENT_SCHEMA))
    pages = [(sha, tuple(more or ())) for sha, more in documents.select("sha256", "continuation_sha256").iter_rows()]
    archived = [all(archive.has(page) for page in (sha, *more)) for sha, more in pages]
    return documents.with_columns(pl.Series(PARSE_KEY, [_parse_key(sha, more) for sha, more in pages], dtype=pl.Utf8)) \
        .filter(pl.Series(archived, dtype=pl.Boolean))


def _first_records(documents: pl.DataFrame, keys: list[str]) -> dict[str, DocumentRecord]:
    """For each key, the first record that found it: the one whose bytes are parsed."""
    rows = documents.filter(pl.col(PARSE_KEY).is_in(keys)).unique(PARSE_KEY, keep="first", maintain_order=True)
    return {
        row.pop(PARSE_KEY): DocumentRecord(**{**row, "continuation_sha256": tuple(row["continuation_sha256"] or ())})
        for row in rows.iter_rows(named=True)
    }


def _parsed_or_migrated(config: NightConfig, cache: ParseCache, archive: Archive,
                        records: dict[str, DocumentRecord]) -> Iterator[tuple[str, ParsedReport]]:
    """Each key's parse: from the old per-document JSON cache when it holds one, else parsed now."""
    migrated = {key: found for key, record in records.items() if (found := cache.legacy(key, record.sha256)) is not None}
    fresh = [key for key in records if key not in migrated]
    yield from migrated.items()
    if not fresh:
        return
    items = ((records[key].url, _document_bytes(archive, records[key]), records[key].filename, records[key].content_type)
             for key in fresh)
    for key, report in zip(fresh, parse_many(items, timeout_s=config.parse_timeout_s,
                                             memory_mb=config.parse_memory_mb, workers=config.parse_workers)):
        report.sha256 = records[key].sha256
        yield key, report


def _parse_key(sha256: str, continuation_sha256: tuple[str, ...]) -> str:
    """The archive key of the document, or of all its pages when an article is split across pages."""
    if not continuation_sha256:
        return sha256
    return hashlib.sha256("+".join((sha256, *continuation_sha256)).encode()).hexdigest()


def _document_bytes(archive: Archive, record: DocumentRecord) -> bytes:
    """The document as the parser should see it: a split article's pages are read as one page."""
    return b"\n".join(archive.get(sha) for sha in (record.sha256, *record.continuation_sha256))


def parsed_parts(config: NightConfig) -> ParsedParts:
    return ParsedParts(_stage_file(config, "parsed"))


# warehouse --------------------------------------------------------------------------------

def load_warehouse(config: NightConfig, run_id: str, started_at: datetime | None = None) -> LoadSummary:
    """Load the night into this run's working copy of the published warehouse (published is untouched).

    A load that fails or is interrupted removes its working file, so nothing half-built is left.
    """
    paths = config.paths
    working = paths.working_warehouse(run_id)
    try:
        prepare_working(paths.warehouse, working, config.load_memory_mb)
        log.info("warehouse: loading into %s", working.name)
        documents = pl.read_parquet(_stage_file(config, "crawl/documents.parquet"))
        night = NightInput(
            run_id=run_id,
            started_at=started_at or datetime.now(UTC).replace(tzinfo=None),
            regions=regions_frame(),
            documents=documents.select(list(DOCUMENT_SCHEMA)),
            health=read_health(config),
            frames=parsed_parts(config),
            columns=pl.read_parquet(_stage_file(config, "crawl/columns.parquet")),
        )
        with working_connection(working, config.load_memory_mb) as con:
            summary = load_night(con, night)
    except BaseException:
        discard_working(working)
        raise
    log.info("warehouse: %d reports loaded or replaced; %d reports, %d facts, %d failed checks in total",
             summary.reports_loaded, summary.reports_total, summary.facts_total, summary.failed_checks_total)
    return summary


def publish_warehouse(config: NightConfig, run_id: str) -> Path:
    publish(config.paths.working_warehouse(run_id), config.paths.warehouse)
    log.info("publish: %s", config.paths.warehouse)
    return config.paths.warehouse
