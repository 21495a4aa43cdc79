"""ParsedReport: one document read into the contract's cells, checks and metadata.

Extraction builds it, `gongkai parse` prints it (`to_contract`), the warehouse loads its frames.
Cells are long format: one row per printed cell under the contract's keys, with the raw
text it was read from, flags, and a locator saying where in the document it was found.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import polars as pl

from pipeline.report.contract import TABLES, template_rows

Status = Literal["ok", "partial", "needs_ocr", "not_a_report", "error"]
READ_STATUSES = ("ok", "partial")   # the report was read: cells, checks and metadata follow
Level = Literal["province", "city", "county", "town", "sub-district", "department"]

CELL_SCHEMA: dict[str, pl.DataType] = {
    "table": pl.Utf8,
    "row": pl.Utf8,
    "col": pl.Utf8,
    "value": pl.Float64,        # null for a blank cell; money already in yuan
    "raw": pl.Utf8,             # the cell text as printed
    "flags": pl.List(pl.Utf8),  # e.g. "annotated", "uncertain", "unparsed", "signed"
    "locator": pl.Utf8,         # where in the document: "page 4, table 2, row 7, col 3"
    "source_unit": pl.Utf8,     # money cells: the unit as printed (元, 万元, 千元, ...) before conversion to yuan
}

CHECK_SCHEMA: dict[str, pl.DataType] = {
    "check": pl.Utf8,     # applications_balance, row_total, outcome_total, review_total, ...
    "table": pl.Utf8,
    "row": pl.Utf8,       # null when the check spans rows
    "col": pl.Utf8,
    "ok": pl.Boolean,
    "expected": pl.Float64,
    "actual": pl.Float64,
    "detail": pl.Utf8,    # human-readable arithmetic, e.g. "21 + 0 = 17 + 4"
}


@dataclass
class ReportMeta:
    region: str | None = None        # administrative region the publisher belongs to, e.g. 通元镇
    publisher: str | None = None     # publishing body, e.g. 通元镇人民政府
    year: int | None = None          # the year reported on
    template: str | None = None      # "2019" or "2021"
    level: Level | None = None
    title: str | None = None
    published_on: date | None = None


def empty_cells() -> pl.DataFrame:
    return pl.DataFrame(schema=CELL_SCHEMA)


def empty_checks() -> pl.DataFrame:
    return pl.DataFrame(schema=CHECK_SCHEMA)


@dataclass
class ParsedReport:
    source: str
    status: Status = "ok"
    error: str | None = None
    format: str | None = None        # html, pdf, docx, doc, text, ...
    parse_route: str | None = None   # text, ocr, or text+ocr: how the document's text was read
    sha256: str | None = None
    meta: ReportMeta = field(default_factory=ReportMeta)
    cells: pl.DataFrame = field(default_factory=empty_cells)
    checks: pl.DataFrame = field(default_factory=empty_checks)
    completeness: float | None = None    # template rows read / rows the template prints (0-1)
    missing_rows: list[str] = field(default_factory=list)   # "table.row" of the template rows not read
    notes: list[str] = field(default_factory=list)          # "truncated", "mixed_encoding": the document is not whole

    @property
    def failed_checks(self) -> int:
        return int(self.checks.filter(~pl.col("ok")).height) if self.checks.height else 0

    def to_contract(self) -> dict:
        """The JSON object `gongkai parse --format jsonl` prints (shared contract)."""
        if self.status not in READ_STATUSES:
            message = self.error or self.status
            return {"source": self.source, "error": message, "status": self.status}
        meta = self.meta
        return {
            "source": self.source,
            "status": self.status,
            "report": {
                "region": meta.region,
                "publisher": meta.publisher,
                "year": meta.year,
                "template": meta.template,
                "level": meta.level,
                "title": meta.title,
                "published_on": meta.published_on.isoformat() if meta.published_on else None,
                "format": self.format,
                "parse_route": self.parse_route,
                "completeness": self.completeness,
                "missing_rows": list(self.missing_rows),
                "notes": list(self.notes),
            },
            "cells": [
                {
                    "table": c["table"], "row": c["row"], "col": c["col"],
                    "value": _json_number(c["value"]), "raw": c["raw"], "flags": list(c["flags"] or []),
                    "locator": c["locator"],
                    **({"source_unit": c["source_unit"]} if c["source_unit"] else {}),
                }
                for c in self.cells.iter_rows(named=True)
            ],
            "checks": [
                {"check": c["check"], "table": c["table"], "row": c["row"], "col": c["col"],
                 "ok": c["ok"], "expected": c["expected"], "actual": c["actual"], "detail": c["detail"]}
                for c in self.checks.iter_rows(named=True)
            ],
        }

    @classmethod
    def from_contract(cls, obj: dict, *, sha256: str | None = None) -> ParsedReport:
        """Rebuild a report from its `to_contract()` JSON (gongkai's JSON output; earlier parse caches stored it)."""
        if "error" in obj:
            return cls(source=obj["source"], status=obj.get("status", "error"), error=obj["error"], sha256=sha256)
        report = obj.get("report") or {}
        published = report.get("published_on")
        meta = ReportMeta(
            region=report.get("region"), publisher=report.get("publisher"), year=report.get("year"),
            template=report.get("template"), level=report.get("level"), title=report.get("title"),
            published_on=date.fromisoformat(published) if published else None,
        )
        cells = pl.DataFrame(
            [{**{k: c.get(k) for k in CELL_SCHEMA}, "flags": list(c.get("flags") or [])} for c in obj.get("cells") or []],
            schema=CELL_SCHEMA,
        )
        checks = pl.DataFrame([{k: c.get(k) for k in CHECK_SCHEMA} for c in obj.get("checks") or []], schema=CHECK_SCHEMA)
        status = obj.get("status", "ok")
        missing_rows, notes = list(report.get("missing_rows") or []), list(report.get("notes") or [])
        error = partial_reason(missing_rows, len(template_rows(meta.template)), notes) if status == "partial" else None
        return cls(source=obj["source"], status=status, error=error, format=report.get("format"),
                   parse_route=report.get("parse_route"), sha256=sha256,
                   meta=meta, cells=cells, checks=checks, completeness=report.get("completeness"),
                   missing_rows=missing_rows, notes=notes)


def partial_reason(missing_rows: list[str] | tuple[str, ...], rows_required: int, notes: list[str]) -> str:
    """One line for people: which tables lost how many rows, and why the document is not whole."""
    by_table: dict[str, list[str]] = {}
    for key in missing_rows:
        table, row = key.split(".", 1)
        by_table.setdefault(table, []).append(row)
    parts = []
    if missing_rows:
        tables = "; ".join(f"{table}: {_some(rows)}" for table in TABLES if (rows := by_table.get(table)))
        parts.append(f"{len(missing_rows)} of {rows_required} template rows not read ({tables})")
    for note in notes:
        parts.append(_NOTE_TEXT.get(note, note))
    return "partial: " + "; ".join(parts) + (
        ". Check the document: a table it prints was not read, or the document is incomplete; "
        "totals over this report are not comparable with complete ones")


def _some(rows: list[str], shown: int = 4) -> str:
    """Row names, the first few of a long list (the report's missing_rows has them all)."""
    more = f", … {len(rows) - shown} more" if len(rows) > shown else ""
    return ", ".join(rows[:shown]) + more


_NOTE_TEXT = {
    "truncated": "the document ends inside its tables (cut off)",
    "mixed_encoding": "the document mixes two text encodings (UTF-8 and GBK); cells read past the switch are uncertain",
}


def _json_number(value: float | None) -> int | float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value) if float(value).is_integer() else value
