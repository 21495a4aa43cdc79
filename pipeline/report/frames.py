"""The report model as tables: parsed reports joined to the crawl records that found them.

This is the hand-over between extraction and the warehouse: three Polars frames (reports,
cells, checks) keyed by `report_id`, written as Parquet so the warehouse load can be re-run
without re-parsing, and so any tool can read a night's extraction.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.crawl.records import DocumentRecord
from pipeline.report.contract import cell_spec
from pipeline.report.model import CELL_SCHEMA, CHECK_SCHEMA, ParsedReport
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
    "parse_status": pl.Utf8,
    "parse_error": pl.Utf8,
    "parser_version": pl.Utf8,
    "completeness": pl.Float64,          # template rows read / rows the template prints; null when not read
    "parse_notes": pl.List(pl.Utf8),     # truncated, mixed_encoding
}
REPORT_CELL_SCHEMA: dict[str, pl.DataType] = {"report_id": pl.Utf8, "template": pl.Utf8, "unit": pl.Utf8, **CELL_SCHEMA}
REPORT_CHECK_SCHEMA: dict[str, pl.DataType] = {"report_id": pl.Utf8, **CHECK_SCHEMA}
FRAME_FILES = ("reports", "cells", "checks")


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
        """Write the three frames as Parquet, replacing any previous set as a whole."""
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=directory.name + ".", dir=directory.parent))
        try:
            for name in FRAME_FILES:
                getattr(self, name).write_parquet(staging / f"{name}.parquet")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        retired = directory.with_name(directory.name + ".retired")
        shutil.rmtree(retired, ignore_errors=True)
        if directory.exists():
            os.replace(directory, retired)
        os.replace(staging, directory)
        shutil.rmtree(retired, ignore_errors=True)

    @classmethod
    def read(cls, directory: Path) -> ReportFrames:
        directory = Path(directory)
        missing = [n for n in FRAME_FILES if not (directory / f"{n}.parquet").exists()]
        if missing:
            raise FileNotFoundError(
                f"no parsed reports at {directory} (missing {', '.join(missing)}.parquet); run the parse stage first"
            )
        return cls(*(pl.read_parquet(directory / f"{n}.parquet") for n in FRAME_FILES))


def build_frames(parsed: Iterable[tuple[DocumentRecord, ParsedReport]], *, parser_version: str) -> ReportFrames:
    """Join each parsed document to the crawl record that found it."""
    report_rows, cell_frames, check_frames = [], [], []
    for record, report in parsed:
        report_id = report_id_for(record.url)
        meta = report.meta
        region = weigh_region(meta.region, record.division_code, record.publisher) if report.status == "ok" \
            else RegionEvidence(None)
        report_rows.append({
            "report_id": report_id,
            "portal_id": record.portal_id,
            "publisher": record.publisher or meta.publisher,
            "publisher_level": record.publisher_level or meta.level,
            "division_code": record.division_code,
            "report_year": meta.year if meta.year is not None else record.title_year,
            "template": meta.template,
            "region_name": region.region_name,
            "title": meta.title or record.title,
            "published_on": meta.published_on,
            "source_url": record.url,
            "document_sha256": record.sha256,
            "document_format": report.format,
            "parse_status": report.status,
            "parse_error": report.error,
            "parser_version": parser_version,
            "completeness": report.completeness,
            "parse_notes": list(report.notes),
        })
        if report.cells.height and meta.template:
            cell_frames.append(_cells_with_units(report, report_id))
        checks = report.checks
        if region.conflict:
            conflict = {"check": CHECK_NAME, "table": None, "row": None, "col": None, "ok": False,
                        "expected": None, "actual": None, "detail": region.conflict}
            checks = pl.concat([checks, pl.DataFrame([conflict], schema=CHECK_SCHEMA)])
        if checks.height:
            check_frames.append(checks.with_columns(pl.lit(report_id).alias("report_id")).select(list(REPORT_CHECK_SCHEMA)))
    empty = ReportFrames.empty()
    return ReportFrames(
        pl.DataFrame(report_rows, schema=REPORT_SCHEMA) if report_rows else empty.reports,
        pl.concat(cell_frames) if cell_frames else empty.cells,
        pl.concat(check_frames) if check_frames else empty.checks,
    )


def _cells_with_units(report: ParsedReport, report_id: str) -> pl.DataFrame:
    template = report.meta.template
    units = [
        (spec.unit if (spec := cell_spec(template, t, r, c)) else "count")
        for t, r, c in zip(report.cells["table"], report.cells["row"], report.cells["col"])
    ]
    return report.cells.with_columns(
        pl.lit(report_id).alias("report_id"),
        pl.lit(template).alias("template"),
        pl.Series("unit", units, dtype=pl.Utf8),
    ).select(list(REPORT_CELL_SCHEMA)).cast(REPORT_CELL_SCHEMA)
