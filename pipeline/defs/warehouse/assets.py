"""Warehouse assets. Both write DuckDB files, so both sit in the one `duckdb_writer` pool (limit 1 in dagster.yaml)."""
from datetime import UTC, datetime

import dagster as dg

from pipeline.defs.resources import GongkaiResource
from pipeline.orchestrate import stages
from pipeline.warehouse.load import warehouse_totals
from pipeline.warehouse.publish import connect_published

DUCKDB_WRITER_POOL = "duckdb_writer"
MAX_FACT_SHRINK_RATIO = 0.10


@dg.asset(group_name="warehouse", deps=["parsed_reports"], pool=DUCKDB_WRITER_POOL, kinds={"duckdb"})
def warehouse_tables(context: dg.AssetExecutionContext, gongkai: GongkaiResource) -> dg.MaterializeResult:
    """Dimension and fact tables loaded into a working copy of the warehouse (idempotent per report)."""
    started = datetime.now(UTC).replace(tzinfo=None)
    summary = stages.load_warehouse(gongkai.night_config(), run_id=context.run.run_id, started_at=started)
    return dg.MaterializeResult(metadata={
        "reports_loaded": summary.reports_loaded,
        "reports_total": summary.reports_total,
        "facts_total": summary.facts_total,
        "failed_checks_total": summary.failed_checks_total,
    })


@dg.asset_check(asset=warehouse_tables, blocking=True, pool=DUCKDB_WRITER_POOL,
                description="The load is not empty and did not lose reports or more than 10% of facts against the published warehouse; blocks publishing when it fails.")
def load_not_empty_or_shrinking(context: dg.AssetCheckExecutionContext, gongkai: GongkaiResource) -> dg.AssetCheckResult:
    paths = gongkai.night_config().paths
    with connect_published(paths.working_warehouse(context.run.run_id)) as con:
        reports, facts, _ = warehouse_totals(con)
    published_reports = published_facts = 0
    if paths.warehouse.exists():
        with connect_published(paths.warehouse) as con:
            published_reports, published_facts, _ = warehouse_totals(con)
    problems = []
    if reports == 0 or facts == 0:
        problems.append(f"the load holds {reports} reports and {facts} facts")
    if reports < published_reports:
        problems.append(f"reports fell from {published_reports} to {reports}")
    if facts < published_facts * (1 - MAX_FACT_SHRINK_RATIO):
        problems.append(f"facts fell from {published_facts} to {facts}")
    return dg.AssetCheckResult(
        passed=not problems,
        metadata={"reports": reports, "facts": facts, "published_reports": published_reports,
                  "published_facts": published_facts, "problems": "; ".join(problems) or "none"},
    )


@dg.asset(group_name="warehouse", deps=[warehouse_tables], pool=DUCKDB_WRITER_POOL, kinds={"duckdb"})
def published_warehouse(context: dg.AssetExecutionContext, gongkai: GongkaiResource) -> dg.MaterializeResult:
    """The warehouse file analysts and dashboards open, replaced atomically so readers are never blocked."""
    path = stages.publish_warehouse(gongkai.night_config(), run_id=context.run.run_id)
    with connect_published(path) as con:
        reports, facts, failed = warehouse_totals(con)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "reports": reports, "facts": facts, "failed_checks": failed,
        "size_bytes": path.stat().st_size,
    })
