"""Platform adapters by registry name, and detection of a page's platform from its markers."""
from __future__ import annotations

from collections.abc import Mapping

from pipeline.crawl.platforms.base import (
    Article, Listing, ListingEntry, Page, PageRequest, PlatformAdapter,
)
from pipeline.crawl.platforms.epoint import EpointAdapter
from pipeline.crawl.platforms.generic import GenericAdapter
from pipeline.crawl.platforms.gkmlpt import GkmlptAdapter
from pipeline.crawl.platforms.hanweb import HanwebAdapter
from pipeline.crawl.platforms.jpaas import JpaasAdapter
from pipeline.crawl.platforms.lonsun import LonsunAdapter
from pipeline.crawl.platforms.sitefactory import SiteFactoryAdapter
from pipeline.crawl.platforms.trs import TrsAdapter
from pipeline.crawl.platforms.truecms import TruecmsAdapter
from pipeline.crawl.platforms.xxgk import XxgkAdapter

ADAPTERS: dict[str, type[PlatformAdapter]] = {
    adapter.name: adapter for adapter in (HanwebAdapter, JpaasAdapter, TrsAdapter, GkmlptAdapter, GenericAdapter,
                                          XxgkAdapter, LonsunAdapter, EpointAdapter, TruecmsAdapter, SiteFactoryAdapter)
}
DETECTION_ORDER = (GkmlptAdapter, JpaasAdapter, EpointAdapter, TruecmsAdapter, XxgkAdapter, HanwebAdapter,
                   LonsunAdapter, SiteFactoryAdapter, TrsAdapter)


def detect_platform(html: str, url: str) -> str | None:
    """The platform whose markers the page carries (gkmlpt, jpaas, epoint, truecms, hanweb_xxgk, hanweb, lonsun,
    sitefactory, trs), or None."""
    for adapter in DETECTION_ORDER:
        if adapter.detect(html, url):
            return adapter.name
    return None


def adapter_for(platform: str | None, params: Mapping[str, str] | None = None) -> PlatformAdapter:
    """The adapter for a registry platform name; unknown or None gives the link-reading default."""
    adapter = ADAPTERS.get(platform or "")
    if adapter is None or (adapter is GenericAdapter and not (params or {}).get("list_selector")):
        return PlatformAdapter(params)
    return adapter(params)


__all__ = [
    "ADAPTERS", "Article", "Listing", "ListingEntry", "Page", "PageRequest", "PlatformAdapter",
    "adapter_for", "detect_platform",
]
