"""Full-chrome report columns whose list scripts fill or page through an API no adapter knows
(`pipeline/fixtures/sites/dynamic.py`), crawled over loopback from their home pages alone: every report archived once
as the document itself, no 解读 fetched, the 政策解读 shell beside the column never rendered, and every request the
browser made kept to the crawler's guard and politeness."""
from datetime import timedelta

import pytest

from pipeline.archive import FetchLog
from pipeline.crawl.crawler import run_crawl
from pipeline.crawl.render import RenderSettings
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.catalogue import dynamic_portals
from pipeline.fixtures.portal import FixtureServer
from pipeline.fixtures.sites.dynamic import DECOY_COLUMN, JSONP_API, POSTED_API, XML_API
from tests.crawl.portal_crawls import CrawledPortals, assert_archived_once_as_the_document_itself, assert_no_decoy_fetched
from tests.crawl.test_render import require_browser

PORTALS = ("dynamic-xinchang", "dynamic-shengzhou", "dynamic-xinjian")
POLITE = FetchSettings(min_delay_s=0.2, jitter_s=0.0, allow_loopback=True, retries=1, backoff_base_s=0.02,
                       connect_timeout_s=2, read_timeout_s=5)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    require_browser()
    root = tmp_path_factory.mktemp("archive")
    with FixtureServer(portals="dynamic", host_base="127.0.17.80") as server:
        portals = server.portals()
        assert {p.portal_id for p in portals} == set(PORTALS)
        assert all(p.platform is None and not p.report_columns for p in portals)
        outcome = run_crawl(portals, archive_root=root, settings=POLITE, run_id="n1", render=RenderSettings(page_timeout_s=60))
        hosts = {pid: url.split("/")[2] for pid, url in server.home_urls().items()}
        yield CrawledPortals(outcome, {pid: server.manifest(portal_id=pid) for pid in PORTALS},
                             {spec.portal_id: spec.build_site() for spec in dynamic_portals()},
                             {pid: [r for r in server.requests if r.host == host] for pid, host in hosts.items()}), root


@pytest.mark.parametrize("portal_id", PORTALS)
def test_every_report_is_archived_once_as_the_document_itself(crawled, portal_id):
    assert_archived_once_as_the_document_itself(crawled[0], portal_id)


@pytest.mark.parametrize("portal_id", PORTALS)
def test_no_decoy_is_fetched(crawled, portal_id):
    assert_no_decoy_fetched(crawled[0], portal_id)


def test_each_column_is_rendered_once_and_the_decoy_shell_never(crawled):
    portals, _ = crawled
    assert {h.portal_id: h.rendered_pages for h in portals.outcome.health} == {p: 1 for p in PORTALS}
    assert not any(r.path == DECOY_COLUMN for r in portals.requests["dynamic-xinchang"])


def test_the_script_pagers_are_followed_to_their_end_and_no_further(crawled):
    portals, _ = crawled
    posts = [r for r in portals.requests["dynamic-xinchang"] if r.path == POSTED_API]
    assert len(posts) == 3, "pages 1, 2 and 3 by their numbers, none twice"
    pages = [r.path for r in portals.requests["dynamic-shengzhou"] if r.path.startswith(XML_API)]
    assert pages == [f"{XML_API}?ym=2", f"{XML_API}?ym=3"], "page 1 is static: never asked again; page 3 shows no 下一页"
    pages = [r.path.rsplit("=", 1)[1] for r in portals.requests["dynamic-xinjian"] if r.path.startswith(JSONP_API)]
    assert pages == ["1", "2", "3", "4", "5"], "page 1 rendered, 2… replayed without the browser until one is empty"


def test_the_browser_requests_are_guarded_and_polite(crawled):
    portals, root = crawled
    requests = [r for pid in PORTALS for r in portals.requests[pid]]
    assert not any(r.path.endswith((".jpg", ".png", ".woff2", ".css")) for r in requests)
    logged = FetchLog.read_all(root)
    rendered = logged.filter(logged["purpose"] == "render")
    assert rendered.height > 0, "the browser's requests go through the fetcher and its log"
    assert not any("friend" in url for url in logged["url"].to_list()), "other hosts are never fetched"
    for host in {r.host for r in requests}:
        starts = sorted(r.started_at for r in requests if r.host == host)
        gaps = [later - earlier for earlier, later in zip(starts, starts[1:])]
        assert gaps and min(gaps) >= timedelta(seconds=POLITE.min_delay_s - 0.1), host
