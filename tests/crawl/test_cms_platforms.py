"""The CMS portal set crawled over loopback from home pages alone: 动易 SiteFactory (广宁县) and a Guangdong
county with one gkmlpt catalogue subsite per town (揭西县). Every report archived once as the document
itself, no decoy fetched, each list page fetched once, every town's sub-column or subsite read."""
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest

from pipeline.crawl.platforms import Page, detect_platform
from pipeline.crawl.platforms.sitefactory import SiteFactoryAdapter
from pipeline.fixtures.catalogue import cms_portals, showcase_portals
from pipeline.fixtures.portal import FixtureServer
from tests.crawl.portal_crawls import assert_archived_once_as_the_document_itself, assert_no_decoy_fetched, crawl_portals

PORTALS = ("sitefactory-guangning", "gkmlpt-jiexi")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    with FixtureServer(portals="cms", host_base="127.0.16.2") as server:
        portals = server.portals()
        assert {p.portal_id for p in portals} == set(PORTALS)
        assert all(p.platform is None and not p.report_columns for p in portals)
        yield crawl_portals(server, PORTALS, cms_portals(), tmp_path_factory.mktemp("archive"))


@pytest.mark.parametrize("portal_id", PORTALS)
def test_every_report_is_archived_once_as_the_document_itself(crawled, portal_id):
    assert_archived_once_as_the_document_itself(crawled, portal_id)


@pytest.mark.parametrize("portal_id", PORTALS)
def test_no_decoy_is_fetched(crawled, portal_id):
    assert_no_decoy_fetched(crawled, portal_id)


def test_sitefactory_list_pages_are_fetched_once_and_page_one_never_again(crawled):
    site = crawled.sites["sitefactory-guangning"]
    folder = site.list_path("main").rsplit("/", 1)[0] + "/"
    pages = Counter(r.path for r in crawled.requests["sitefactory-guangning"] if r.path.startswith(folder))
    count = site.page_count("main")
    assert count >= 3
    assert pages == Counter([site.list_path("main")] + [site.list_path("main", n) for n in range(2, count + 1)])


def test_sitefactory_town_sub_columns_are_read(crawled):
    site = crawled.sites["sitefactory-guangning"]
    towns = {site.list_path(key) for key in site.columns if key != "main"}
    assert towns and towns <= {r.path for r in crawled.requests["sitefactory-guangning"]}


def test_each_gkmlpt_subsite_is_read_through_its_own_api_page_by_page(crawled):
    site = crawled.sites["gkmlpt-jiexi"]
    calls = Counter((urlsplit(r.path).path, dict(parse_qsl(urlsplit(r.path).query))["sid"],
                     dict(parse_qsl(urlsplit(r.path).query))["page"])
                    for r in crawled.requests["gkmlpt-jiexi"] if "/gkmlpt/api/" in r.path)
    expected = Counter()
    for key in site.columns:
        api = f"{site.prefix(key)}/gkmlpt/api/all/{site.category(key)}"
        expected.update((api, site.sid(key), str(n)) for n in range(1, -(-len(site.items(key)) // 3) + 1))
    assert len(site.columns) == 4 and calls == expected


def test_sitefactory_detection_does_not_misfire_on_the_showcase_portals():
    for spec in showcase_portals():
        site = spec.build_site()
        site.base_url = "http://127.0.0.9"
        for path, route in site.routes.items():
            if route.content_type.startswith("text/html"):
                text = site.body(path).decode(site.encoding, errors="replace")
                assert detect_platform(text, site.base_url + path) != "sitefactory", (spec.portal_id, path)


def test_sitefactory_table_rows_take_title_and_date_from_the_title_attribute():
    row = ('<ul class="newsList"><table><tr><td class="title"><a href="/Item/88.aspx" title="标题：广宁县2023年政府信息公开'
           '工作年度报告&#xD;点击数：12&#xD;发表时间：2024年01月19日">广宁县2023年政府信息公开工作…</a></td></tr></table></ul>')
    [entry] = SiteFactoryAdapter().parse_listing(Page("http://x.gov.cn/Category_9/Index_2.aspx", row)).entries
    assert (entry.title, entry.url, entry.date.isoformat()) == (
        "广宁县2023年政府信息公开工作年度报告", "http://x.gov.cn/Item/88.aspx", "2024-01-19")
