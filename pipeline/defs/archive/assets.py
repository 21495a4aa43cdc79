import dagster as dg

from pipeline.defs.resources import GongkaiResource
from pipeline.orchestrate import stages


@dg.asset(
    group_name="archive",
    deps=["crawled_documents"],
    kinds={"python"},
    check_specs=[dg.AssetCheckSpec(
        "archive_complete", asset="raw_archive", blocking=True,
        description="Every document the crawl reported is in the archive with the bytes it hashed.",
    )],
)
def raw_archive(gongkai: GongkaiResource) -> dg.MaterializeResult:
    """The content-addressed archive holding every document the crawl found, verified against its hash."""
    summary = stages.verify_archive(gongkai.night_config())
    return dg.MaterializeResult(
        metadata={
            "documents": summary.documents,
            "verified": summary.verified,
            "missing": len(summary.missing),
            "archive_bytes": summary.archive_bytes,
        },
        check_results=[dg.AssetCheckResult(
            check_name="archive_complete",
            passed=not summary.missing,
            metadata={"missing_sha256": ", ".join(s[:12] for s in summary.missing) or "none"},
        )],
    )
