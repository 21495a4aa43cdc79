"""One crawl of a set of loopback fixture portals per test module, and what every platform's crawl must show:
each served report archived once as the document itself, and no decoy fetched."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.crawl.crawler import run_crawl
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.catalogue import PortalSpec
from pipeline.fixtures.portal import FixtureServer

FAST = dict(min_delay_s=0.0, jitter_s=0.0, allow_loopback=True, backoff_base_s=0.02, backoff_max_s=0.1,
            retries=1, max_retry_after_s=2, connect_timeout_s=2, read_timeout_s=5)


@dataclass(frozen=True)
class CrawledPortals:
    outcome: object          # the crawl's outcome: health and documents
    manifests: dict          # portal id → the reports its fixture serves
    sites: dict              # portal id → its fixture site, for its pages, decoys and paging
    requests: dict           # portal id → the requests its host received


def crawl_portals(server: FixtureServer, portal_ids: Iterable[str], specs: Iterable[PortalSpec],
                  archive_root: Path) -> CrawledPortals:
    """Crawl the named portals of a running server, as a night would, with delays off."""
    wanted = set(portal_ids)
    portals = [portal for portal in server.portals() if portal.portal_id in wanted]
    outcome = run_crawl(portals, archive_root=archive_root, settings=FetchSettings(**FAST), run_id="n1")
    hosts = {pid: urlsplit(url).netloc for pid, url in server.home_urls().items() if pid in wanted}
    return CrawledPortals(
        outcome,
        {pid: server.manifest(portal_id=pid) for pid in wanted},
        {spec.portal_id: spec.build_site() for spec in specs if spec.portal_id in wanted},
        {pid: [r for r in server.requests if r.host == host] for pid, host in hosts.items()},
    )


def assert_archived_once_as_the_document_itself(crawled: CrawledPortals, portal_id: str) -> None:
    health = next(h for h in crawled.outcome.health if h.portal_id == portal_id)
    assert health.outcome == "ok", health.detail
    documents = [d for d in crawled.outcome.documents if d.portal_id == portal_id]
    assert sorted((d.url, d.sha256) for d in documents) == sorted((r.url, r.sha256) for r in crawled.manifests[portal_id])
    assert len({d.sha256 for d in documents}) == len(documents)


def assert_no_decoy_fetched(crawled: CrawledPortals, portal_id: str) -> None:
    decoys = {decoy[0] for decoy in crawled.sites[portal_id].decoys()}   # each decoy: (path, title, date, …)
    assert decoys and not {r.path for r in crawled.requests[portal_id]} & decoys
