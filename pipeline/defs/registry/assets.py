import logging

import dagster as dg

from pipeline.defs.partitions import PROVINCES
from pipeline.defs.resources import GongkaiResource
from pipeline.orchestrate import stages


@dg.asset(group_name="registry", kinds={"python"})
def portal_registry(gongkai: GongkaiResource) -> dg.MaterializeResult:
    """The portals to crawl tonight: the shipped registry (or a configured one), validated on load.

    Portals are crawled by province partition; those of a province outside the partitions (fixed
    from the shipped registry) would never be crawled, so the registry is refused rather than cut."""
    portals = stages.load_registry(gongkai.night_config())
    logging.getLogger("gongkai").info("registry: %d portals", len(portals))
    outside = sorted(set(stages.registry_provinces(portals)) - set(PROVINCES.get_partition_keys()))
    if outside:
        raise dg.Failure(f"the registry has portals in provinces {', '.join(outside)}, which are not among the "
                         "province partitions (those of the registry gongkai ships); add them to that registry")
    platforms: dict[str, int] = {}
    for portal in portals:
        platforms[portal.platform or "auto"] = platforms.get(portal.platform or "auto", 0) + 1
    return dg.MaterializeResult(metadata={
        "portals": len(portals),
        "report_columns": sum(len(p.report_columns) for p in portals),
        "platforms": platforms,
    })
