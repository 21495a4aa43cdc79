"""The CMS portal set (动易 SiteFactory 广宁县) crawled over loopback from its home page alone: every
report archived once as the document itself, no decoy fetched, each list page fetched once."""
from collections import Counter
from urllib.parse import urlsplit

import pytest

from pipeline.crawl.crawler import run_crawl
from pipeline.crawl.platforms import detect_platform
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.catalogue import cms_portals, showcase_portals
from pipeline.fixtures.portal import FixtureServer

FAST = dict(min_delay_s=0.0, jitter_s=0.0, allow_loopback=True, backoff_base_s=0.02, backoff_max_s=0.1,
            retries=1, max_retry_after_s=2, connect_timeout_s=2, read_timeout_s=5)
PORTAL = "sitefactory-guangning"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    with FixtureServer(portals="cms", host_base="127.0.16.2") as server:
        portals = [portal for portal in server.portals() if portal.portal_id == PORTAL]
        assert portals and portals[0].platform is None and not portals[0].report_columns
        outcome = run_crawl(portals, archive_root=tmp_path_factory.mktemp("archive"),
                            settings=FetchSettings(**FAST), run_id="n1")
        host = urlsplit(server.home_urls()[PORTAL]).netloc
        site = next(spec.build_site() for spec in cms_portals() if spec.portal_id == PORTAL)
        yield outcome, server.manifest(portal_id=PORTAL), site, [r for r in server.requests if r.host == host]


def test_every_report_is_archived_once_as_the_document_itself(crawled):
    outcome, manifest, _, _ = crawled
    health = next(h for h in outcome.health if h.portal_id == PORTAL)
    assert health.outcome == "ok", health.detail
    documents = [d for d in outcome.documents if d.portal_id == PORTAL]
    assert sorted((d.url, d.sha256) for d in documents) == sorted((r.url, r.sha256) for r in manifest)
    assert len({d.sha256 for d in documents}) == len(documents)


def test_no_decoy_is_fetched(crawled):
    _, _, site, requests = crawled
    decoys = {path for path, _, _ in site.decoys()}
    assert decoys and not {r.path for r in requests} & decoys


def test_each_list_page_is_fetched_once_and_page_one_never_again(crawled):
    _, _, site, requests = crawled
    pages = Counter(r.path for r in requests if r.path.startswith(site.list_path("main").rsplit("/", 1)[0] + "/"))
    count = site.page_count("main")
    assert count >= 3
    assert pages == Counter([site.list_path("main")] + [site.list_path("main", n) for n in range(2, count + 1)])


def test_the_towns_sub_columns_are_read(crawled):
    _, _, site, requests = crawled
    towns = {site.list_path(key) for key in site.columns if key != "main"}
    assert towns and towns <= {r.path for r in requests}


def test_sitefactory_detection_does_not_misfire_on_the_showcase_portals():
    for spec in showcase_portals():
        site = spec.build_site()
        site.base_url = "http://127.0.0.9"
        for path, route in site.routes.items():
            if route.content_type.startswith("text/html"):
                text = site.body(path).decode(site.encoding, errors="replace")
                assert detect_platform(text, site.base_url + path) != "sitefactory", (spec.portal_id, path)
