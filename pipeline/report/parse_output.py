"""What parsing found in a document, as columns keyed by parse key, apart from where it was found.

Nothing here depends on the crawl record (URL, portal, column publisher), so one parse serves
every URL that serves the same bytes, the parse cache can keep it as Parquet, and a night joins
cached parses to its records in bulk instead of rebuilding one report object per document.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from pipeline.report.contract import cell_spec
from pipeline.report.model import CELL_SCHEMA, CHECK_SCHEMA, ParsedReport

PARSE_KEY = "parse_key"
PARSED_DOCUMENT_SCHEMA: dict[str, pl.DataType] = {
    PARSE_KEY: pl.Utf8,
    "format": pl.Utf8,
    "parse_route": pl.Utf8,
    "status": pl.Utf8,
    "error": pl.Utf8,
    "completeness": pl.Float64,
    "notes": pl.List(pl.Utf8),
    "meta_region": pl.Utf8,
    "meta_publisher": pl.Utf8,
    "meta_level": pl.Utf8,
    "meta_year": pl.Int32,
    "meta_template": pl.Utf8,
    "meta_title": pl.Utf8,
    "meta_published_on": pl.Date,
}
PARSED_CELL_SCHEMA: dict[str, pl.DataType] = {PARSE_KEY: pl.Utf8, "unit": pl.Utf8, **CELL_SCHEMA}
PARSED_CHECK_SCHEMA: dict[str, pl.DataType] = {PARSE_KEY: pl.Utf8, **CHECK_SCHEMA}


@dataclass(frozen=True)
class ParseOutput:
    documents: pl.DataFrame   # PARSED_DOCUMENT_SCHEMA, one row per parse key
    cells: pl.DataFrame       # PARSED_CELL_SCHEMA: only documents with a template
    checks: pl.DataFrame      # PARSED_CHECK_SCHEMA

    @classmethod
    def of(cls, parsed: Iterable[tuple[str, ParsedReport]]) -> ParseOutput:
        rows, cells, checks = [], [], []
        for key, report in parsed:
            meta = report.meta
            rows.append({
                PARSE_KEY: key, "format": report.format, "parse_route": report.parse_route, "status": report.status, "error": report.error,
                "completeness": report.completeness, "notes": list(report.notes), "meta_region": meta.region,
                "meta_publisher": meta.publisher or None, "meta_level": meta.level, "meta_year": meta.year,
                "meta_template": meta.template, "meta_title": meta.title or None,
                "meta_published_on": meta.published_on,
            })
            if report.cells.height and meta.template:
                cells.append(_cells_with_units(key, report))
            if report.checks.height:
                checks.append(report.checks.with_columns(pl.lit(key).alias(PARSE_KEY)).select(list(PARSED_CHECK_SCHEMA)))
        return cls(
            pl.DataFrame(rows, schema=PARSED_DOCUMENT_SCHEMA),
            pl.concat(cells) if cells else pl.DataFrame(schema=PARSED_CELL_SCHEMA),
            pl.concat(checks).cast(PARSED_CHECK_SCHEMA) if checks else pl.DataFrame(schema=PARSED_CHECK_SCHEMA),
        )


def _cells_with_units(key: str, report: ParsedReport) -> pl.DataFrame:
    template = report.meta.template
    units = [
        (spec.unit if (spec := cell_spec(template, t, r, c)) else "count")
        for t, r, c in zip(report.cells["table"], report.cells["row"], report.cells["col"])
    ]
    return report.cells.with_columns(
        pl.lit(key).alias(PARSE_KEY),
        pl.Series("unit", units, dtype=pl.Utf8),
    ).select(list(PARSED_CELL_SCHEMA)).cast(PARSED_CELL_SCHEMA)
