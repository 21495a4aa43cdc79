"""Report columns that say too little about themselves (`pipeline/fixtures/sites/residue.py`), crawled over loopback
from their home pages alone: every report archived once as the document itself, no decoy archived, and a cookie
challenge reported as `blocked` with nothing archived and no loop."""
import pytest

from pipeline.crawl.crawler import run_crawl
from pipeline.crawl.render import RenderSettings
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.catalogue import residue_portals
from pipeline.fixtures.portal import FixtureServer
from tests.crawl.portal_crawls import FAST, CrawledPortals, assert_archived_once_as_the_document_itself
from tests.crawl.test_render import require_browser

READABLE = ("residue-huichang", "residue-anyuan", "residue-xunwu", "residue-dingnan")
CHALLENGED = "residue-longnan"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    require_browser()
    root = tmp_path_factory.mktemp("archive")
    with FixtureServer(portals="residue", host_base="127.0.18.80") as server:
        portals = server.portals()
        assert all(p.platform is None and not p.report_columns for p in portals)
        outcome = run_crawl(portals, archive_root=root, settings=FetchSettings(**FAST), run_id="n1",
                            render=RenderSettings(page_timeout_s=60))
        hosts = {pid: url.split("/")[2] for pid, url in server.home_urls().items()}
        yield CrawledPortals(outcome, {pid: server.manifest(portal_id=pid) for pid in hosts},
                             {spec.portal_id: spec.build_site() for spec in residue_portals()},
                             {pid: [r for r in server.requests if r.host == host] for pid, host in hosts.items()})


@pytest.mark.parametrize("portal_id", READABLE)
def test_every_report_is_archived_once_as_the_document_itself(crawled, portal_id):
    assert_archived_once_as_the_document_itself(crawled, portal_id)


@pytest.mark.parametrize("portal_id", READABLE)
def test_no_decoy_is_archived(crawled, portal_id):
    decoys = {path for path, *_ in crawled.sites[portal_id].decoys()}
    archived = {d.url.split("/", 3)[3] for d in crawled.outcome.documents if d.portal_id == portal_id}
    assert decoys and not {path.lstrip("/") for path in decoys} & archived


def test_a_cookie_challenge_is_reported_blocked_without_archiving_or_looping(crawled):
    health = next(h for h in crawled.outcome.health if h.portal_id == CHALLENGED)
    assert health.outcome == "blocked", health.detail
    assert not [d for d in crawled.outcome.documents if d.portal_id == CHALLENGED]
    assert [r.path for r in crawled.requests[CHALLENGED]] == ["/robots.txt", "/"], "one look at the home page, no retry loop"


def test_no_readable_portal_is_reported_blocked(crawled):
    assert {h.portal_id: h.outcome for h in crawled.outcome.health if h.portal_id in READABLE} == dict.fromkeys(READABLE, "ok")
