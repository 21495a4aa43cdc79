import logging

import dagster as dg

from pipeline.defs.resources import GongkaiResource
from pipeline.orchestrate import stages


@dg.asset(group_name="registry", kinds={"python"})
def portal_registry(gongkai: GongkaiResource) -> dg.MaterializeResult:
    """The portals to crawl tonight: the shipped registry (or a configured one), validated on load."""
    portals = stages.load_registry(gongkai.night_config())
    logging.getLogger("gongkai").info("registry: %d portals", len(portals))
    platforms: dict[str, int] = {}
    for portal in portals:
        platforms[portal.platform or "auto"] = platforms.get(portal.platform or "auto", 0) + 1
    return dg.MaterializeResult(metadata={
        "portals": len(portals),
        "report_columns": sum(len(p.report_columns) for p in portals),
        "platforms": platforms,
    })
