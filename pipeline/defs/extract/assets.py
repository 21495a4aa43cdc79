import dagster as dg
import polars as pl

from pipeline.defs.metadata import markdown_list
from pipeline.defs.partitions import PROVINCES, described
from pipeline.defs.resources import GongkaiResource
from pipeline.orchestrate import stages


@dg.asset(group_name="extract", deps=["raw_archive"], kinds={"python", "polars"}, partitions_def=PROVINCES,
          backfill_policy=dg.BackfillPolicy.single_run())
def parsed_reports(context: dg.AssetExecutionContext, gongkai: GongkaiResource) -> dg.MaterializeResult:
    """The province's archived documents read into the contract's cells, checks and metadata (Parquet parts)."""
    provinces = list(context.partition_keys)
    summary = stages.parse(gongkai.night_config(), provinces)
    return dg.MaterializeResult(metadata={
        "provinces": described(provinces),
        "documents": summary.documents,
        "parsed_tonight": summary.parsed,
        "from_cache": summary.from_cache,
        "reports_ok": summary.reports_ok,
        "statuses": summary.statuses,
        "read_by": summary.routes,
        "cells": summary.cells,
        "failed_checks": summary.failed_checks,
        "parser_version": summary.parser_version,
    })


@dg.asset_check(asset=parsed_reports, description="The template's own arithmetic holds in every parsed report "
                 "(warns; values are never changed). Partial reports are told apart: a row they lack counts as 0.")
def template_arithmetic(gongkai: GongkaiResource) -> dg.AssetCheckResult:
    parts = stages.parsed_parts(gongkai.night_config())
    checks = parts.scan("checks").select(pl.len().alias("checks")).collect().item()
    failed = parts.scan("checks").filter(~pl.col("ok")).collect()
    reports = parts.scan("reports").select("report_id", "source_url", "parse_status", "completeness", "parse_error")
    failing_reports = failed.lazy().select("report_id").unique().join(reports, on="report_id").sort("source_url").collect()
    partial = reports.filter(pl.col("parse_status") == "partial").sort("completeness", "source_url").collect()
    failing_partial = failing_reports.filter(pl.col("parse_status") == "partial").height
    return dg.AssetCheckResult(
        passed=failed.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "checks": checks,
            "failed_checks": failed.height,
            "reports_failing": failing_reports.height,
            "reports_failing_that_are_partial": failing_partial,
            "failing": markdown_list((_with_status(r) for r in failing_reports.iter_rows(named=True)), limit=50),
            "partial_reports": partial.height,
            "partial": markdown_list(
                (f"{r['source_url']}: completeness {r['completeness']:.0%}; {r['parse_error']}"
                 for r in partial.iter_rows(named=True)), limit=50),
        },
    )


def _with_status(report: dict) -> str:
    """A failing report's URL, marked when it is partial (its failures may be rows not read)."""
    if report["parse_status"] != "partial":
        return report["source_url"]
    return f"{report['source_url']} (partial, completeness {report['completeness']:.0%}: rows not read count as 0)"


@dg.asset_check(asset=parsed_reports, description="Documents that could not be read (errors, image-only scans needing OCR).")
def documents_readable(gongkai: GongkaiResource) -> dg.AssetCheckResult:
    reports = stages.parsed_parts(gongkai.night_config()).scan("reports")
    documents = reports.select(pl.len()).collect().item()
    unreadable = reports.filter(pl.col("parse_status").is_in(["error", "needs_ocr"])).collect()
    return dg.AssetCheckResult(
        passed=unreadable.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "documents": documents,
            "unreadable": unreadable.height,
            "details": markdown_list(
                (f"{r['source_url']}: {r['parse_status']} {r['parse_error'] or ''}" for r in unreadable.iter_rows(named=True)),
                limit=50,
            ),
        },
    )
