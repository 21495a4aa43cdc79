"""The Hanweb 信息公开 module (龙游县) and LonSun (东至县) fixture portals crawled over loopback:
every report archived once as the document itself, no decoy fetched, each list page fetched once."""
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest

from pipeline.fixtures.catalogue import showcase_portals
from pipeline.fixtures.portal import FixtureServer
from tests.crawl.portal_crawls import assert_archived_once_as_the_document_itself, assert_no_decoy_fetched, crawl_portals

PORTALS = ("xxgk-longyou", "lonsun-dongzhi")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    with FixtureServer(host_base="127.0.15.2") as server:
        yield crawl_portals(server, PORTALS, showcase_portals(), tmp_path_factory.mktemp("archive"))


@pytest.mark.parametrize("portal_id", PORTALS)
def test_every_report_is_archived_once_as_the_document_itself(crawled, portal_id):
    assert_archived_once_as_the_document_itself(crawled, portal_id)


@pytest.mark.parametrize("portal_id", PORTALS)
def test_no_decoy_is_fetched(crawled, portal_id):
    assert_no_decoy_fetched(crawled, portal_id)


def test_the_search_list_is_posted_page_by_page_each_page_once(crawled):
    posts = [r for r in crawled.requests["xxgk-longyou"] if r.path.startswith("/module/xxgk/search.jsp")]
    assert {r.method for r in posts} == {"POST"}
    pages = Counter(dict(parse_qsl(urlsplit(r.path).query))["currpage"] for r in posts)
    site = crawled.sites["xxgk-longyou"]
    count = -(-len(site.items()) // 4)
    assert count >= 3
    assert pages == Counter(str(n) for n in range(1, count + 1))


def test_the_label_servlet_draws_only_the_pages_the_column_does_not_print(crawled):
    labels = [r for r in crawled.requests["lonsun-dongzhi"] if r.path.startswith("/site/label/8888")]
    pages = Counter(dict(parse_qsl(urlsplit(r.path).query))["pageIndex"] for r in labels)
    assert pages == Counter(str(n) for n in range(2, crawled.sites["lonsun-dongzhi"].page_count() + 1))
    columns = [r for r in crawled.requests["lonsun-dongzhi"] if r.path.startswith("/public/column/")]
    assert len(columns) == 1
