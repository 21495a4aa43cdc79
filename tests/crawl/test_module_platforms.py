"""The Hanweb 信息公开 module (龙游县) and LonSun (东至县) fixture portals crawled over loopback:
every report archived once as the document itself, no decoy fetched, each list page fetched once."""
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest

from pipeline.crawl.crawler import run_crawl
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.catalogue import showcase_portals
from pipeline.fixtures.portal import FixtureServer

FAST = dict(min_delay_s=0.0, jitter_s=0.0, allow_loopback=True, backoff_base_s=0.02, backoff_max_s=0.1,
            retries=1, max_retry_after_s=2, connect_timeout_s=2, read_timeout_s=5)
PORTALS = ("xxgk-longyou", "lonsun-dongzhi")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    with FixtureServer(host_base="127.0.15.2") as server:
        portals = [portal for portal in server.portals() if portal.portal_id in PORTALS]
        outcome = run_crawl(portals, archive_root=tmp_path_factory.mktemp("archive"),
                            settings=FetchSettings(**FAST), run_id="n1")
        manifests = {pid: server.manifest(portal_id=pid) for pid in PORTALS}
        hosts = {pid: urlsplit(url).netloc for pid, url in server.home_urls().items() if pid in PORTALS}
        sites = {spec.portal_id: spec.build_site() for spec in showcase_portals() if spec.portal_id in PORTALS}
        yield outcome, manifests, sites, hosts, list(server.requests)


@pytest.mark.parametrize("portal_id", PORTALS)
def test_every_report_is_archived_once_as_the_document_itself(crawled, portal_id):
    outcome, manifests, _, _, _ = crawled
    health = next(h for h in outcome.health if h.portal_id == portal_id)
    assert health.outcome == "ok", health.detail
    documents = [d for d in outcome.documents if d.portal_id == portal_id]
    assert sorted((d.url, d.sha256) for d in documents) == sorted((r.url, r.sha256) for r in manifests[portal_id])
    assert len({d.sha256 for d in documents}) == len(documents)


@pytest.mark.parametrize("portal_id", PORTALS)
def test_no_decoy_is_fetched(crawled, portal_id):
    _, _, sites, hosts, requests = crawled
    paths = {r.path for r in requests if r.host == hosts[portal_id]}
    decoys = {path for path, _, _ in sites[portal_id].decoys()}
    assert decoys and not paths & decoys


def test_the_search_list_is_posted_page_by_page_each_page_once(crawled):
    _, _, sites, hosts, requests = crawled
    posts = [r for r in requests if r.host == hosts["xxgk-longyou"] and r.path.startswith("/module/xxgk/search.jsp")]
    assert {r.method for r in posts} == {"POST"}
    pages = Counter(dict(parse_qsl(urlsplit(r.path).query))["currpage"] for r in posts)
    site = sites["xxgk-longyou"]
    count = -(-len(site.items()) // 4)
    assert count >= 3
    assert pages == Counter(str(n) for n in range(1, count + 1))


def test_the_label_servlet_draws_only_the_pages_the_column_does_not_print(crawled):
    _, _, sites, hosts, requests = crawled
    labels = [r for r in requests if r.host == hosts["lonsun-dongzhi"] and r.path.startswith("/site/label/8888")]
    pages = Counter(dict(parse_qsl(urlsplit(r.path).query))["pageIndex"] for r in labels)
    assert pages == Counter(str(n) for n in range(2, sites["lonsun-dongzhi"].page_count() + 1))
    columns = [r for r in requests if r.host == hosts["lonsun-dongzhi"] and r.path.startswith("/public/column/")]
    assert len(columns) == 1
