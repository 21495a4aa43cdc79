import dagster as dg

from pipeline.defs.partitions import PROVINCES, described
from pipeline.defs.resources import GongkaiResource
from pipeline.orchestrate import stages


@dg.asset(
    group_name="archive",
    deps=["crawled_documents"],
    kinds={"python"},
    partitions_def=PROVINCES,
    backfill_policy=dg.BackfillPolicy.single_run(),
    check_specs=[dg.AssetCheckSpec(
        "archive_complete", asset="raw_archive", blocking=True,
        description="Every document the crawl reported is in the archive with the bytes it hashed.",
    )],
)
def raw_archive(context: dg.AssetExecutionContext, gongkai: GongkaiResource) -> dg.MaterializeResult:
    """The content-addressed archive holding every document the province's crawl found: tonight's new
    bytes verified against their hash, documents unchanged since they were verified checked by size."""
    provinces = list(context.partition_keys)
    summary = stages.verify_archive(gongkai.night_config(), provinces)
    return dg.MaterializeResult(
        metadata={
            "provinces": described(provinces),
            "documents": summary.documents,
            "verified": summary.verified,
            "read_back": summary.hashed,
            "missing": len(summary.missing),
            "archive_bytes": summary.archive_bytes,
        },
        check_results=[dg.AssetCheckResult(
            check_name="archive_complete",
            passed=not summary.missing,
            metadata={"missing_sha256": ", ".join(s[:12] for s in summary.missing) or "none"},
        )],
    )
