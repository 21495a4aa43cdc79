"""The report model as tables: parsed reports joined to the crawl records that found them.

This is the hand-over between extraction and the warehouse: three tables (reports, cells,
checks) keyed by `report_id`, written as Parquet parts (`<table>/part-NNNNN.parquet`) so a night
writes them batch by batch, the warehouse load reads them with DuckDB without holding them in
Python, the load can be re-run without re-parsing, and any tool can read a night's extraction.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipeline.crawl.records import DocumentRecord
from pipeline.report.model import CELL_SCHEMA, CHECK_SCHEMA, ParsedReport
from pipeline.report.parse_output import PARSE_KEY, ParseOutput
from pipeline.report.parts import FRAME_FILES, ParsedParts, PartsWriter
from pipeline.report.region_evidence import CHECK_NAME, RegionEvidence, weigh_region

REPORT_SCHEMA: dict[str, pl.DataType] = {
    "report_id": pl.Utf8,
    "portal_id": pl.Utf8,
    "publisher": pl.Utf8,
    "publisher_level": pl.Utf8,
    "division_code": pl.Utf8,
    "report_year": pl.Int32,
    "template": pl.Utf8,
    "region_name": pl.Utf8,
    "title": pl.Utf8,
    "published_on": pl.Date,
    "source_url": pl.Utf8,
    "document_sha256": pl.Utf8,
    "document_format": pl.Utf8,
    "parse_route": pl.Utf8,              # text, ocr or text+ocr: how the document's text was read
    "parse_status": pl.Utf8,
    "parse_error": pl.Utf8,
    "parser_version": pl.Utf8,
    "completeness": pl.Float64,          # template rows read / rows the template prints; null when not read
    "parse_notes": pl.List(pl.Utf8),     # truncated, mixed_encoding
}
REPORT_CELL_SCHEMA: dict[str, pl.DataType] = {"report_id": pl.Utf8, "template": pl.Utf8, "unit": pl.Utf8, **CELL_SCHEMA}
REPORT_CHECK_SCHEMA: dict[str, pl.DataType] = {"report_id": pl.Utf8, **CHECK_SCHEMA}
RECORD_SCHEMA: dict[str, pl.DataType] = {
    PARSE_KEY: pl.Utf8, "report_id": pl.Utf8, "url": pl.Utf8, "sha256": pl.Utf8, "portal_id": pl.Utf8,
    "publisher": pl.Utf8, "publisher_level": pl.Utf8, "division_code": pl.Utf8, "title": pl.Utf8,
    "title_year": pl.Int32,
}


def report_id_for(url: str) -> str:
    """Reports are identified by where they are published, so a changed document replaces its rows."""
    return hashlib.md5(url.encode("utf-8")).hexdigest()


@dataclass
class ReportFrames:
    reports: pl.DataFrame
    cells: pl.DataFrame
    checks: pl.DataFrame

    @classmethod
    def empty(cls) -> ReportFrames:
        return cls(
            pl.DataFrame(schema=REPORT_SCHEMA),
            pl.DataFrame(schema=REPORT_CELL_SCHEMA),
            pl.DataFrame(schema=REPORT_CHECK_SCHEMA),
        )

    def write(self, directory: Path) -> None:
        """Write the three frames as one part, replacing any previous set as a whole."""
        with PartsWriter(directory) as writer:
            writer.write(self)

    @classmethod
    def read(cls, directory: Path) -> ReportFrames:
        """Every part at once: for small nights and tests; large ones read parts with DuckDB."""
        parts = ParsedParts(directory)
        return cls(*(parts.scan(name).collect() for name in FRAME_FILES))


def records_frame(documents: pl.DataFrame) -> pl.DataFrame:
    """Crawl records (DocumentRecord columns and a parse key) reduced to what a report takes from where it was found."""
    blank_as_null = [pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in ("publisher", "publisher_level")]
    return documents.with_columns(
        pl.Series("report_id", [report_id_for(url) for url in documents["url"]], dtype=pl.Utf8), *blank_as_null,
    ).select(list(RECORD_SCHEMA)).cast(RECORD_SCHEMA)


def build_frames(parsed: Iterable[tuple[DocumentRecord, ParsedReport]], *, parser_version: str) -> ReportFrames:
    """Join each parsed document to the crawl record that found it."""
    pairs = list(parsed)
    records = pl.DataFrame([{**dataclasses.asdict(record), PARSE_KEY: str(index)} for index, (record, _) in enumerate(pairs)],
                           schema_overrides=RECORD_SCHEMA) if pairs else pl.DataFrame(schema=RECORD_SCHEMA)
    return join_parsed(records_frame(records), ParseOutput.of((str(index), report) for index, (_, report) in enumerate(pairs)),
                       parser_version=parser_version)


def join_parsed(records: pl.DataFrame, output: ParseOutput, *, parser_version: str) -> ReportFrames:
    """Reports, cells and checks of the records whose parse key `output` holds, in record order."""
    joined = records.join(output.documents, on=PARSE_KEY, how="inner", maintain_order="left")
    evidence = [
        _weighed_region(region, division, publisher) if status == "ok" else RegionEvidence(None)
        for status, region, division, publisher in joined.select(
            "status", "meta_region", "division_code", "publisher").iter_rows()
    ]
    reports = joined.with_columns(
        pl.coalesce("publisher", "meta_publisher").alias("publisher"),
        pl.coalesce("publisher_level", "meta_level").alias("publisher_level"),
        pl.coalesce("meta_year", "title_year").alias("report_year"),
        pl.col("meta_template").alias("template"),
        pl.Series("region_name", [e.region_name for e in evidence], dtype=pl.Utf8),
        pl.coalesce("meta_title", "title").alias("title"),
        pl.col("meta_published_on").alias("published_on"),
        pl.col("url").alias("source_url"),
        pl.col("sha256").alias("document_sha256"),
        pl.col("format").alias("document_format"),
        pl.col("status").alias("parse_status"),
        pl.col("error").alias("parse_error"),
        pl.lit(parser_version).alias("parser_version"),
        pl.col("notes").alias("parse_notes"),
    ).select(list(REPORT_SCHEMA)).cast(REPORT_SCHEMA)
    ids = joined.select(PARSE_KEY, "report_id", pl.col("meta_template").alias("template"))
    cells = output.cells.join(ids, on=PARSE_KEY, how="inner").select(list(REPORT_CELL_SCHEMA))
    conflicts = pl.DataFrame([
        {"report_id": report_id, "check": CHECK_NAME, "ok": False, "detail": e.conflict}
        for report_id, e in zip(joined["report_id"], evidence) if e.conflict
    ], schema={"report_id": pl.Utf8, "check": pl.Utf8, "ok": pl.Boolean, "detail": pl.Utf8})
    checks = pl.concat([
        output.checks.join(ids.drop("template"), on=PARSE_KEY, how="inner").select(list(REPORT_CHECK_SCHEMA)),
        conflicts,
    ], how="diagonal_relaxed").select(list(REPORT_CHECK_SCHEMA)).cast(REPORT_CHECK_SCHEMA)
    return ReportFrames(reports, cells.cast(REPORT_CELL_SCHEMA), checks)


@lru_cache(maxsize=65536)
def _weighed_region(text_region: str | None, division_code: str | None, publisher: str | None) -> RegionEvidence:
    """Region evidence repeats across a night's reports (same town, same column), so it is weighed once."""
    return weigh_region(text_region, division_code, publisher)
