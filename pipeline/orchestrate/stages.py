"""The nightly pipeline as plain functions, one per stage, each reading the previous stage's files.

registry → crawl → archive → parse → warehouse → publish. Dagster assets (pipeline/defs) are
thin wrappers over these; `gongkai run` and `gongkai demo` run them through Dagster, and tests
call them directly. Stage outputs live under `Paths.stage_dir`, one folder per province (the first
two digits of a portal's division code: `crawl/<province>/`, `parsed/<province>/`), so provinces
crawled and parsed apart (Dagster partitions) never overwrite each other, and each folder is
replaced whole, so a failed stage never leaves a half-written input for the next one. The load
reads every province's latest outputs.
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


def province_of(division_code: str) -> str:
    """A region's province: the first two digits of its division code."""
    return division_code[:2]


def registry_provinces(portals: list[Portal]) -> list[str]:
    """The provinces a registry's portals are in, in code order."""
    return sorted({province_of(portal.division_code) for portal in portals})


def _crawl_dir(config: NightConfig, province: str) -> Path:
    return config.paths.stage_dir / "crawl" / province


def _parsed_dir(config: NightConfig, province: str) -> Path:
    return config.paths.stage_dir / "parsed" / province


def _provinces_with(config: NightConfig, stage: str, marker: str) -> list[str]:
    """Provinces whose latest output of `stage` exists (a folder holding `marker`); a parse's staging and
    retired folders (`<province>.<suffix>`) are not outputs, so a load never reads one being written."""
    root = config.paths.stage_dir / stage
    if not root.is_dir():
        return []
    return sorted(folder.name for folder in root.iterdir() if "." not in folder.name and (folder / marker).exists())


def crawled_provinces(config: NightConfig) -> list[str]:
    return _provinces_with(config, "crawl", "documents.parquet")


def parsed_provinces(config: NightConfig) -> list[str]:
    return _provinces_with(config, "parsed", "reports")


def _read_crawl(config: NightConfig, name: str, provinces: list[str] | None) -> pl.DataFrame:
    """One crawl output (documents, health, columns) of the given provinces (default: all crawled), as one frame."""
    paths = [_crawl_dir(config, province) / f"{name}.parquet"
             for province in (crawled_provinces(config) if provinces is None else provinces)]
    if not paths:
        raise FileNotFoundError(f"no crawl output under {config.paths.stage_dir / 'crawl'}: run the crawl stage first")
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"no crawl output at {path}: run the crawl stage first")
    return pl.concat([pl.read_parquet(path) for path in paths], how="vertical_relaxed")


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


def crawl(config: NightConfig, portals: list[Portal], run_id: str, provinces: list[str] | None = None) -> CrawlSummary:
    """Crawl the portals of `provinces` (default: all of them) into the archive; record per province
    the documents found, each portal's health and columns.

    One crawl serves all the provinces asked for (the fetcher spreads the load over hosts); its
    outputs are split by province, and a province without portals gets empty outputs. The crawl
    compares against the published warehouse (documents held, columns last read), so rerunning
    a night that failed after its crawl reports the same news the failed night found.
    """
    provinces = registry_provinces(portals) if provinces is None else sorted(provinces)
    portals = [portal for portal in portals if province_of(portal.division_code) in provinces]
    log.info("crawl: %d portals", len(portals))
    outcome = run_crawl(portals, archive_root=config.paths.archive_root, settings=config.fetch, run_id=run_id,
                        memory=crawl_memory(config.paths.warehouse), on_portal_done=_crawl_progress(),
                        render=config.render)
    documents = pl.DataFrame([dataclasses.asdict(d) for d in outcome.documents], schema=CRAWL_DOCUMENT_SCHEMA)
    health = pl.DataFrame([dataclasses.asdict(h) for h in outcome.health], schema=HEALTH_SCHEMA)
    columns = pl.DataFrame([dataclasses.asdict(c) for c in outcome.columns], schema=COLUMNS_SCHEMA)
    for province in provinces:
        mine = pl.col("portal_id").is_in([p.portal_id for p in portals if province_of(p.division_code) == province])
        for name, frame in (("documents", documents), ("health", health), ("columns", columns)):
            _replace_atomically(_crawl_dir(config, province) / f"{name}.parquet", frame.filter(mine).write_parquet)
    outcomes = dict(health.group_by("outcome").len().sort("outcome").iter_rows()) if health.height else {}
    summary = CrawlSummary(len(portals), documents.height, outcome.requests, outcome.not_modified,
                           outcome.bytes_downloaded, outcomes)
    log.info("crawl: %d documents, %d requests (%d not modified), %s", summary.documents, summary.requests,
             summary.not_modified, ", ".join(f"{k} {v}" for k, v in outcomes.items()))
    return summary


def read_documents(config: NightConfig, provinces: list[str] | None = None) -> list[DocumentRecord]:
    return [
        DocumentRecord(**{**row, "continuation_sha256": tuple(row["continuation_sha256"] or ())})
        for row in _read_crawl(config, "documents", provinces).select(list(CRAWL_DOCUMENT_SCHEMA)).iter_rows(named=True)
    ]


def read_health(config: NightConfig, provinces: list[str] | None = None) -> pl.DataFrame:
    return _read_crawl(config, "health", provinces)


# archive ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ArchiveSummary:
    documents: int
    verified: int           # documents found in the archive (hashed, or present for unchanged ones)
    hashed: int             # documents whose bytes were read back and hashed tonight
    missing: list[str]
    archive_bytes: int


def verify_archive(config: NightConfig, provinces: list[str] | None = None) -> ArchiveSummary:
    """Check that every document the crawl reported is in the archive; only tonight's new bytes are re-read.

    A document fetched tonight is read back and hashed (the write is what could have gone wrong).
    One the portal answered 304 for was verified the night it was fetched: it is checked by its
    stored size only, so an unchanged night costs a stat (a HEAD on S3) per document, not a full read.
    """
    archive = Archive(config.paths.archive_root)
    missing, verified, hashed, total_bytes = [], 0, 0, 0
    for record in read_documents(config, provinces):
        try:
            if record.not_modified:
                size = archive.size(record.sha256)
                if size is None:
                    raise KeyError(f"blob {record.sha256} is not in the archive at {archive.root}")
                total_bytes += size
            else:
                total_bytes += len(archive.get(record.sha256))
                hashed += 1
            verified += 1
        except (KeyError, ValueError) as problem:
            log.error("archive: %s (%s): %s", record.url, record.sha256[:12], problem)
            missing.append(record.sha256)
    summary = ArchiveSummary(verified + len(missing), verified, hashed, missing, total_bytes)
    log.info("archive: %d/%d documents verified, %d of them read back (%d bytes)", verified, summary.documents,
             hashed, total_bytes)
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


def parse(config: NightConfig, provinces: list[str] | None = None) -> ParseSummary:
    """Read the archived documents of `provinces` (default: all crawled) into the report model, batch by
    batch, into one parts folder per province; cached parses are not re-read.

    Documents the parse cache holds are joined to their records part by part; the others are
    parsed in batches of `parse_batch_size`, each batch cached and written as a part before the
    next, so memory stays bounded by a batch however many documents a night lists. The cache is
    shared by all provinces (its parts have unique names, so provinces may parse at once).
    """
    version = parser_version()
    cache = ParseCache(config.paths.parse_cache_dir, version)
    archive = Archive(config.paths.archive_root)
    tally = _ParseTally()
    listed = parsed = 0
    with cache.reading():
        for province in crawled_provinces(config) if provinces is None else provinces:
            province_listed, province_parsed = _parse_province(config, province, cache, archive, version, tally)
            listed, parsed = listed + province_listed, parsed + province_parsed
    merged = cache.compact()
    if merged:
        log.info("parse: merged %d small or stale parse-cache parts into one", merged)
    summary = ParseSummary(listed, parsed, listed - parsed, tally.statuses.get("ok", 0),
                           dict(sorted(tally.statuses.items())), dict(sorted(tally.routes.items())), tally.cells,
                           tally.failed_checks, version)
    log.info("parse: %s; read by %s; %d cells, %d failed checks",
             ", ".join(f"{k} {v}" for k, v in summary.statuses.items()),
             ", ".join(f"{k} {v}" for k, v in summary.routes.items()) or "-", summary.cells, summary.failed_checks)
    return summary


def _parse_province(config: NightConfig, province: str, cache: ParseCache, archive: Archive, version: str,
                    tally: _ParseTally) -> tuple[int, int]:
    """One province's documents into `parsed/<province>/`; (documents listed, documents parsed now)."""
    documents = _archived_documents(config, archive, province)
    located = records_frame(documents).join(cache.index(), on=PARSE_KEY, how="left", maintain_order="left")
    cached = located.filter(pl.col(PART).is_not_null())
    misses = located.filter(pl.col(PART).is_null())
    to_parse = misses[PARSE_KEY].unique(maintain_order=True).to_list()
    if located.height:
        log.info("parse: %d documents (%d cached, %d to parse) in province %s", located.height,
                 located.height - len(to_parse), len(to_parse), province)
    with PartsWriter(_parsed_dir(config, province)) as writer:
        for (part,), batch in cached.partition_by(PART, as_dict=True).items():
            tally.add(writer, join_parsed(batch.drop(PART), cache.read(part), parser_version=version))
        for keys in _batches(to_parse, config.parse_batch_size):
            output = ParseOutput.of(_parsed_or_migrated(config, cache, archive, _first_records(documents, keys)))
            cache.add(output)
            tally.add(writer, join_parsed(misses.filter(pl.col(PARSE_KEY).is_in(keys)).drop(PART), output,
                                          parser_version=version))
    return located.height, len(to_parse)


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


def _archived_documents(config: NightConfig, archive: Archive, province: str) -> pl.DataFrame:
    """The province's crawled documents whose pages are all in the archive, each with its parse key."""
    documents = _read_crawl(config, "documents", [province]).select(list(CRAWL_DOCUMENT_SCHEMA))
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


def parsed_parts(config: NightConfig, provinces: list[str] | None = None) -> ParsedParts:
    """The latest parsed parts of `provinces` (default: every province parsed so far)."""
    return ParsedParts(*(_parsed_dir(config, province)
                         for province in (parsed_provinces(config) if provinces is None else provinces)))


# warehouse --------------------------------------------------------------------------------

def load_warehouse(config: NightConfig, run_id: str, started_at: datetime | None = None) -> LoadSummary:
    """Load the night into this run's working copy of the published warehouse (published is untouched).

    It reads every province's latest crawl and parse outputs, so a province that failed tonight
    keeps its last good night's. A load that fails or is interrupted removes its working file, so
    nothing half-built is left.
    """
    paths = config.paths
    working = paths.working_warehouse(run_id)
    try:
        prepare_working(paths.warehouse, working, config.load_memory_mb)
        log.info("warehouse: loading into %s", working.name)
        documents = _read_crawl(config, "documents", None)
        night = NightInput(
            run_id=run_id,
            started_at=started_at or datetime.now(UTC).replace(tzinfo=None),
            regions=regions_frame(),
            documents=documents.select(list(DOCUMENT_SCHEMA)),
            health=read_health(config),
            frames=parsed_parts(config),
            columns=_read_crawl(config, "columns", None),
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
