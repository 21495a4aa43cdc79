"""Province partitions of the crawl, archive and parse assets, fixed from the registry gongkai ships.

A partition key is a province's two-digit division code; a portal belongs to the province its
division code starts with. The keys are static so Dagster can show, launch and rerun each
province alone; a night run by `gongkai run` covers them all in one run (`all_provinces_tags`).
"""
from functools import cache

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from pipeline.orchestrate.stages import registry_provinces
from pipeline.registry import load_portals
from pipeline.registry.regions import load_regions

PROVINCES = dg.StaticPartitionsDefinition(registry_provinces(load_portals()))


@cache
def province_names() -> dict[str, str]:
    """Province code → name (北京市, 河北省, …) from the shipped regions."""
    return {region.code: region.name for region in load_regions() if region.level == "province"}


def described(provinces: list[str]) -> str:
    """`11 北京市, 12 天津市`: the provinces a step covered, for its metadata."""
    return ", ".join(f"{code} {province_names().get(code, '?')}" for code in provinces)


def all_provinces_tags() -> dict[str, str]:
    """Run tags that make one run cover every province partition (a single-run backfill of the whole range;
    Dagster exports these tag names only from its storage module)."""
    keys = PROVINCES.get_partition_keys()
    return {ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]}
