"""The parse stage works in bounded batches, caches parses as Parquet parts and hands the load parts."""
import dataclasses
import json
from datetime import datetime

import polars as pl
import pytest

from pipeline.archive import Archive
from pipeline.config import Paths
from pipeline.crawl.records import DocumentRecord
from pipeline.fixtures.documents import render_text, sample_report
from pipeline.orchestrate import stages
from pipeline.report.frames import ReportFrames
from pipeline.report.parse_cache import ParseCache
from pipeline.warehouse.publish import connect_published

DOCUMENTS = 5


def crawled(tmp_path, count: int = DOCUMENTS) -> stages.NightConfig:
    """A night whose crawl found `count` text reports, archived; the portal crawl itself is skipped."""
    config = stages.NightConfig(paths=Paths(data_dir=tmp_path / "data", warehouse=tmp_path / "w.duckdb"),
                                parse_batch_size=2)
    archive = Archive(config.paths.archive_root)
    records = []
    for seed in range(count):
        meta, values = sample_report("2021", seed=seed)
        sha = archive.put(render_text(meta, values).encode())
        records.append(DocumentRecord(
            portal_id="p-330424", division_code="330424", publisher=meta.publisher, publisher_level="town",
            title=f"{meta.publisher}{meta.year}年报告", title_year=meta.year, url=f"http://example.gov.cn/{seed}.txt",
            listing_url=None, sha256=sha, content_type="text/plain", filename=f"{seed}.txt", size_bytes=1,
            fetched_at=datetime(2025, 2, 1)))
    path = config.paths.stage_dir / "crawl" / "33"
    path.mkdir(parents=True)
    pl.DataFrame([dataclasses.asdict(r) for r in records], schema=stages.CRAWL_DOCUMENT_SCHEMA).write_parquet(
        path / "documents.parquet")
    pl.DataFrame(schema=stages.HEALTH_SCHEMA).write_parquet(path / "health.parquet")
    pl.DataFrame(schema=stages.COLUMNS_SCHEMA).write_parquet(path / "columns.parquet")
    return config


def parsed_rows(config) -> list[list[tuple]]:
    """The night's parsed tables as sorted rows, whatever parts they came in."""
    frames = ReportFrames.read(config.paths.stage_dir / "parsed" / "33")
    return [sorted(frame.rows(), key=repr) for frame in (frames.reports, frames.cells, frames.checks)]


def test_batches_become_parts_and_an_unchanged_night_parses_nothing(tmp_path, monkeypatch):
    config = crawled(tmp_path)
    first = stages.parse(config)
    assert (first.documents, first.parsed, first.from_cache) == (DOCUMENTS, DOCUMENTS, 0)
    assert len(stages.parsed_parts(config).files("cells")) == 3, "5 documents in batches of 2"
    assert len(ParseCache(config.paths.parse_cache_dir, first.parser_version).parts()) == 3
    frames = parsed_rows(config)
    reports, cells, _ = frames
    assert len(reports) == DOCUMENTS and len(cells) == first.cells > 0

    monkeypatch.setattr(stages, "parse_many", pytest.fail)
    second = stages.parse(config)
    assert (second.parsed, second.from_cache, second.cells) == (0, DOCUMENTS, first.cells)
    assert parsed_rows(config) == frames

    stages.load_warehouse(config, "night-1")
    stages.publish_warehouse(config, "night-1")
    with connect_published(config.paths.warehouse) as con:
        reports, cells = con.execute("SELECT count(*), sum(cells_count) FROM core_report").fetchone()
    assert (reports, cells) == (DOCUMENTS, first.cells)


def test_the_old_per_document_json_cache_is_read_once_into_parts(tmp_path, monkeypatch):
    config = crawled(tmp_path, count=2)
    first = stages.parse(config)
    frames = parsed_rows(config)
    cache = ParseCache(config.paths.parse_cache_dir, first.parser_version)
    for record in stages.read_documents(config):
        [report] = stages.parse_many([(record.url, Archive(config.paths.archive_root).get(record.sha256),
                                       record.filename, record.content_type)])
        legacy = cache.legacy_directory / f"{record.sha256}.json"
        legacy.parent.mkdir(parents=True, exist_ok=True)
        legacy.write_text(json.dumps(report.to_contract(), ensure_ascii=False), encoding="utf-8")
    for part in cache.parts():
        for file in part.iterdir():
            file.unlink()
        part.rmdir()

    monkeypatch.setattr(stages, "parse_many", pytest.fail)
    migrated = stages.parse(config)
    assert migrated.parsed == 2 and len(cache.parts()) == 1
    assert parsed_rows(config) == frames
    assert stages.parse(config).from_cache == 2


def test_scanned_reports_are_counted_apart_and_loaded_with_their_route(tmp_path):
    pytest.importorskip("rapidocr_onnxruntime")
    from pipeline.fixtures.documents import render_pdf
    from pipeline.fixtures.scans import Scan, scanned_pdf

    config = crawled(tmp_path, count=2)
    meta, values = sample_report("2021", seed=9)
    archive = Archive(config.paths.archive_root)
    sha = archive.put(scanned_pdf(render_pdf(meta, values), Scan(dpi=150)))
    path = config.paths.stage_dir / "crawl" / "33" / "documents.parquet"
    scan = DocumentRecord(
        portal_id="p-330424", division_code="330424", publisher=meta.publisher, publisher_level="town",
        title=f"{meta.publisher}{meta.year}年报告", title_year=meta.year, url="http://example.gov.cn/scan.pdf",
        listing_url=None, sha256=sha, content_type="application/pdf", filename="scan.pdf", size_bytes=1,
        fetched_at=datetime(2025, 2, 1))
    pl.concat([pl.read_parquet(path), pl.DataFrame([dataclasses.asdict(scan)], schema=stages.CRAWL_DOCUMENT_SCHEMA)]
              ).write_parquet(path)

    summary = stages.parse(config)
    assert summary.routes == {"ocr": 1, "text": 2}

    stages.load_warehouse(config, "night-1")
    stages.publish_warehouse(config, "night-1")
    with connect_published(config.paths.warehouse) as con:
        routes = dict(con.execute("SELECT source_url, parse_route FROM core_report").fetchall())
    assert routes["http://example.gov.cn/scan.pdf"] == "ocr"
    assert {route for url, route in routes.items() if url.endswith(".txt")} == {"text"}


def test_the_night_merges_small_cache_parts_and_the_next_night_reads_the_same_parses(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.report.parse_cache.MERGE_AFTER_PARTS", 3)
    config = crawled(tmp_path)
    first = stages.parse(config)
    before = parsed_rows(config)
    assert len(ParseCache(config.paths.parse_cache_dir, first.parser_version).parts()) == 1, "3 parts of ≤ 2 merged"
    monkeypatch.setattr(stages, "parse_many", pytest.fail)
    again = stages.parse(config)
    assert (again.parsed, again.from_cache) == (0, DOCUMENTS)
    assert parsed_rows(config) == before
