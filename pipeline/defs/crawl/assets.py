import dagster as dg

from pipeline.defs.metadata import markdown_list
from pipeline.defs.partitions import PROVINCES, described
from pipeline.defs.resources import GongkaiResource
from pipeline.orchestrate import stages


@dg.asset(group_name="crawl", deps=["portal_registry"], kinds={"python"}, partitions_def=PROVINCES,
          backfill_policy=dg.BackfillPolicy.single_run())
def crawled_documents(context: dg.AssetExecutionContext, gongkai: GongkaiResource) -> dg.MaterializeResult:
    """Fetch the province's portals' report columns, listings, articles and attachments into the raw archive.

    A run over several provinces (a whole night) crawls them in one step, one crawl for all."""
    config = gongkai.night_config()
    provinces = list(context.partition_keys)
    summary = stages.crawl(config, stages.load_registry(config), run_id=context.run.run_id, provinces=provinces)
    return dg.MaterializeResult(metadata={
        "provinces": described(provinces),
        "portals": summary.portals,
        "documents": summary.documents,
        "requests": summary.requests,
        "not_modified": summary.not_modified,
        "bytes_downloaded": summary.bytes_downloaded,
        "outcomes": summary.outcomes,
    })


@dg.asset_check(asset=crawled_documents, description="Every portal answered with its reports tonight; lists the broken ones, worst first.")
def portals_healthy(gongkai: GongkaiResource) -> dg.AssetCheckResult:
    health = stages.read_health(gongkai.night_config())
    broken = health.filter(health["outcome"] != "ok").sort(["outcome", "portal_id"])
    return dg.AssetCheckResult(
        passed=broken.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "portals": health.height,
            "broken": broken.height,
            "broken_portals": markdown_list(
                f"`{r['portal_id']}` **{r['outcome']}**: {r['detail']}" for r in broken.iter_rows(named=True)
            ),
        },
    )
