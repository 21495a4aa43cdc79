"""Registry records: regions and the portals that publish reports for them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

RegionLevel = Literal["province", "city", "county", "town"]
PublisherLevel = Literal["province", "city", "county", "town", "sub-district", "department"]


@dataclass(frozen=True)
class Region:
    code: str                   # 2 (province), 4 (city), 6 (county) or 9 (town) digits, 2023 division codes
    name: str
    level: RegionLevel
    province_code: str
    city_code: str | None
    county_code: str | None


@dataclass(frozen=True)
class ReportColumn:
    """A listing page of annual reports and the body whose reports it lists."""
    url: str
    publisher: str | None = None            # e.g. 通元镇人民政府; None = the portal's own government
    publisher_level: PublisherLevel | None = None
    division_code: str | None = None        # the publisher's region when it differs from the portal's


@dataclass(frozen=True)
class Politeness:
    """Per-portal overrides of the fetcher's defaults; None keeps the default."""
    per_host_concurrency: int | None = None
    min_delay_s: float | None = None


@dataclass(frozen=True)
class Portal:
    portal_id: str                          # stable registry id
    division_code: str                      # the county-level (or higher) region the portal serves
    name: str                               # e.g. 海盐县人民政府
    home_urls: tuple[str, ...]              # http and/or https home pages, tried in order
    platform: str | None = None             # hanweb | trs | gkmlpt | generic | None (auto-detect)
    report_columns: tuple[ReportColumn, ...] = ()
    params: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    politeness: Politeness = Politeness()
    extra_domains: tuple[str, ...] = ()     # hosts allowed beyond *.gov.cn
