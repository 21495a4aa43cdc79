import dagster as dg
import polars as pl

from pipeline.defs.metadata import markdown_list
from pipeline.defs.resources import GongkaiResource
from pipeline.orchestrate import stages


@dg.asset(group_name="extract", deps=["raw_archive"], kinds={"python", "polars"})
def parsed_reports(gongkai: GongkaiResource) -> dg.MaterializeResult:
    """Every archived document read into the contract's cells, checks and metadata (Parquet frames)."""
    summary = stages.parse(gongkai.night_config())
    return dg.MaterializeResult(metadata={
        "documents": summary.documents,
        "parsed_tonight": summary.parsed,
        "from_cache": summary.from_cache,
        "reports_ok": summary.reports_ok,
        "statuses": summary.statuses,
        "cells": summary.cells,
        "failed_checks": summary.failed_checks,
        "parser_version": summary.parser_version,
    })


@dg.asset_check(asset=parsed_reports, description="The template's own arithmetic holds in every parsed report (warns; values are never changed).")
def template_arithmetic(gongkai: GongkaiResource) -> dg.AssetCheckResult:
    frames = stages.read_parsed(gongkai.night_config())
    failed = frames.checks.filter(~pl.col("ok"))
    failing_reports = failed.select("report_id").unique().join(frames.reports, on="report_id").sort("source_url")
    return dg.AssetCheckResult(
        passed=failed.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "checks": frames.checks.height,
            "failed_checks": failed.height,
            "reports_failing": failing_reports.height,
            "failing": markdown_list((r["source_url"] for r in failing_reports.iter_rows(named=True)), limit=50),
        },
    )


@dg.asset_check(asset=parsed_reports, description="Documents that could not be read (errors, image-only scans needing OCR).")
def documents_readable(gongkai: GongkaiResource) -> dg.AssetCheckResult:
    reports = stages.read_parsed(gongkai.night_config()).reports
    unreadable = reports.filter(pl.col("parse_status").is_in(["error", "needs_ocr"]))
    return dg.AssetCheckResult(
        passed=unreadable.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "documents": reports.height,
            "unreadable": unreadable.height,
            "details": markdown_list(
                (f"{r['source_url']}: {r['parse_status']} {r['parse_error'] or ''}" for r in unreadable.iter_rows(named=True)),
                limit=50,
            ),
        },
    )
