"""Synthetic nights for warehouse tests: parsed reports built in code, no crawl or parse needed."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl

from pipeline.crawl.records import DocumentRecord
from pipeline.report.frames import ReportFrames, build_frames
from pipeline.report.model import CELL_SCHEMA, CHECK_SCHEMA, ParsedReport, ReportMeta
from pipeline.warehouse.load import NightInput, load_night
from pipeline.warehouse.publish import prepare_working, publish, working_connection

REGIONS = pl.DataFrame({
    "division_code": ["33", "3304", "330424", "330424104", "63", "6323", "632323"],
    "name": ["浙江省", "嘉兴市", "海盐县", "通元镇", "青海省", "黄南藏族自治州", "泽库县"],
    "level": ["province", "city", "county", "town", "province", "city", "county"],
})
FETCHED_AT = datetime(2025, 2, 1, 3, 0)


def report(url: str, *, division: str, publisher: str, year: int, received: int, granted: int,
           sha: str | None = None, uncertain_cell: bool = False) -> tuple[DocumentRecord, ParsedReport]:
    """One parsed 2019-template report with applications, procurement and a balance check."""
    rows = [
        ("applications", "new_received", "natural_person", float(received), str(received), []),
        ("applications", "new_received", "total", float(received), str(received), []),
        ("applications", "granted", "total", float(granted), str(granted), []),
        ("applications", "total_processed", "total", float(granted), str(granted), []),
        ("procurement", "centralized_procurement", "amount_yuan", 3879510.0, "387.951万元", []),
        ("review_litigation", "administrative_review", "total", 0.0, "0", []),
    ]
    if uncertain_cell:
        rows.append(("applications", "denied_state_secret", "total", 1.0, "1", ["uncertain"]))
    cells = pl.DataFrame(
        [dict(zip(("table", "row", "col", "value", "raw", "flags"), r), locator=f"table 1, row {i}",
              source_unit="万元" if r[0] == "procurement" else None) for i, r in enumerate(rows)],
        schema=CELL_SCHEMA,
    )
    balanced = received == granted
    checks = pl.DataFrame([{
        "check": "applications_balance", "table": "applications", "row": None, "col": "total", "ok": balanced,
        "expected": float(received), "actual": float(granted), "detail": f"{received} + 0 = {granted} + 0",
    }], schema=CHECK_SCHEMA)
    sha = sha or (url.encode().hex() * 4)[:64]
    record = DocumentRecord(
        portal_id="p-" + division[:6], division_code=division, publisher=publisher, publisher_level="town" if len(division) == 9 else "county",
        title=f"{publisher}{year}年政府信息公开工作年度报告", title_year=year, url=url, listing_url=None, sha256=sha,
        content_type="text/html", filename=None, size_bytes=1000, fetched_at=FETCHED_AT,
    )
    parsed = ParsedReport(source=url, format="html", sha256=sha,
                          meta=ReportMeta(region=publisher[:3], publisher=publisher, year=year, template="2019"),
                          cells=cells, checks=checks)
    return record, parsed


def night(run_id: str, pairs: list[tuple[DocumentRecord, ParsedReport]], *, parser_version: str = "test") -> NightInput:
    documents = pl.DataFrame([{
        "sha256": r.sha256, "url": r.url, "portal_id": r.portal_id, "listing_url": r.listing_url, "title": r.title,
        "title_year": r.title_year, "publisher": r.publisher, "content_type": r.content_type,
        "size_bytes": r.size_bytes, "fetched_at": r.fetched_at, "not_modified": r.not_modified,
    } for r, _ in pairs])
    health = pl.DataFrame([{
        "portal_id": pid, "division_code": pid[2:], "outcome": "ok", "detail": "", "pages_fetched": 3,
        "documents_found": 1, "documents_new": 1, "checked_at": FETCHED_AT, "rendered_pages": 0,
    } for pid in sorted({r.portal_id for r, _ in pairs})])
    return NightInput(run_id, FETCHED_AT, REGIONS, documents, health, build_frames(pairs, parser_version=parser_version))


def standard_reports() -> list[tuple[DocumentRecord, ParsedReport]]:
    return [
        report("http://www.haiyan.gov.cn/a/2019.html", division="330424", publisher="海盐县人民政府", year=2019, received=10, granted=10),
        report("http://www.haiyan.gov.cn/a/2020.html", division="330424", publisher="海盐县人民政府", year=2020, received=14, granted=12),
        report("http://www.haiyan.gov.cn/t/2019.html", division="330424104", publisher="通元镇人民政府", year=2019, received=3, granted=3,
               uncertain_cell=True),
        report("http://www.zeku.gov.cn/nb/2020.html", division="632323", publisher="泽库县人民政府", year=2020, received=887, granted=0),
    ]


def load_and_publish(published: Path, night_input: NightInput):
    working = published.with_name(published.stem + ".building.duckdb")
    prepare_working(published, working)
    with working_connection(working) as con:
        summary = load_night(con, night_input)
    publish(working, published)
    return summary


def scaled_night(run_id: str, copies: int, changed: int = 0) -> NightInput:
    """`copies` × the standard reports, built as frames (no Python object per report) so a night of
    50,000 reports is quick to make; the first `changed` copies come with a revised document."""
    base = night(run_id, standard_reports())
    copy = pl.DataFrame({"copy": pl.int_range(copies, eager=True)})
    revised = pl.col("copy") < changed

    def spread(frame: pl.DataFrame, keys: tuple[str, ...], revise: str | None = None, suffix: pl.Expr | None = None) -> pl.DataFrame:
        spread = frame.join(copy, how="cross").with_columns(pl.col(k) + "-" + pl.col("copy").cast(pl.Utf8) for k in keys)
        if revise:
            spread = spread.with_columns(pl.when(revised).then(suffix).otherwise(pl.col(revise)).alias(revise))
        return spread.drop("copy")

    frames = ReportFrames(
        spread(base.frames.reports, ("report_id", "source_url", "document_sha256"), "document_sha256", pl.col("document_sha256") + "-" + run_id),
        spread(base.frames.cells, ("report_id",), "value", pl.col("value") + 1),
        spread(base.frames.checks, ("report_id",)),
    )
    return NightInput(run_id, base.started_at, base.regions, spread(base.documents, ("url", "sha256"), "sha256", pl.col("sha256") + "-" + run_id),
                      base.health, frames)
