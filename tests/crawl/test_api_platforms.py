"""The Epoint (睢宁县) and TrueCMS (如皋市) fixture portals crawled over loopback: every report archived
once as the document itself, no decoy fetched, each list page asked once and never page 1 again."""
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from pipeline.fixtures.catalogue import api_portals
from pipeline.fixtures.portal import FixtureServer
from pipeline.fixtures.sites.epoint import CATEGORY, LIST_API, PAGE_SIZE, SITE_GUID
from pipeline.fixtures.sites.truecms import COLUMN_ID, PER_PAGE, SERVLET
from tests.crawl.portal_crawls import assert_archived_once_as_the_document_itself, assert_no_decoy_fetched, crawl_portals

PORTALS = ("epoint-suining", "truecms-rugao")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    with FixtureServer(portals="api", host_base="127.0.16.2") as server:
        yield crawl_portals(server, PORTALS, api_portals(), tmp_path_factory.mktemp("archive"))


@pytest.mark.parametrize("portal_id", PORTALS)
def test_every_report_is_archived_once_as_the_document_itself(crawled, portal_id):
    assert_archived_once_as_the_document_itself(crawled, portal_id)
    assert {r.format for r in crawled.manifests[portal_id]} >= {"html", "pdf", "docx"}


@pytest.mark.parametrize("portal_id", PORTALS)
def test_no_decoy_is_fetched(crawled, portal_id):
    assert_no_decoy_fetched(crawled, portal_id)


def test_the_json_list_is_posted_once_per_page(crawled):
    """Exactly as many POSTs as the list has pages, and every page holds a report the crawl archived:
    so each page was asked once, page 0 never again."""
    site = crawled.sites["epoint-suining"]
    asked = [r for r in crawled.requests["epoint-suining"] if r.path.startswith(LIST_API)]
    assert site.page_count() >= 3
    assert [r.method for r in asked] == ["POST"] * site.page_count()
    reports = {urlsplit(r.article_url or r.url).path for r in crawled.manifests["epoint-suining"]}
    pages = [site.items()[n * PAGE_SIZE:(n + 1) * PAGE_SIZE] for n in range(site.page_count())]
    assert all(any(path in reports for path, _, _ in page) for page in pages)


def test_the_jsonp_windows_are_asked_once_each_naming_the_column_page(crawled):
    asked = [r for r in crawled.requests["truecms-rugao"] if r.path.startswith(SERVLET)]
    assert {r.status for r in asked} == {200}   # a request without the column page as Referer gets 404
    starts = Counter(dict(parse_qsl(urlsplit(r.path).query))["startrecord"] for r in asked)
    count = -(-len(crawled.sites["truecms-rugao"].items()) // PER_PAGE)
    assert count >= 3
    assert starts == Counter(str(1 + PER_PAGE * n) for n in range(count))


def test_the_list_apis_answer_only_as_their_own_scripts_ask():
    """TrueCMS: 404 unless the column page is the Referer. Epoint: an empty list for a form POST or a GET."""
    with FixtureServer(portals="api", host_base="127.0.16.10", log_requests=False) as server:
        homes = {pid: url.rstrip("/") for pid, url in server.home_urls().items()}
        column = next(spec for spec in api_portals() if spec.portal_id == "truecms-rugao").build_site().column_path
        url = f"{homes['truecms-rugao']}{SERVLET}?startrecord=1&endrecord=4&perpage=4&columnId={COLUMN_ID}&callback=cb"
        assert httpx.get(url).status_code == 404
        assert httpx.get(url, headers={"Referer": f"{homes['truecms-rugao']}/"}).status_code == 404
        answer = httpx.get(url, headers={"Referer": f"{homes['truecms-rugao']}{column}"})
        assert answer.status_code == 200 and answer.text.startswith("cb(")
        api = f"{homes['epoint-suining']}{LIST_API}"
        fields = {"siteGuid": SITE_GUID, "categorynum": CATEGORY, "pageIndex": 0, "pageSize": PAGE_SIZE}
        assert httpx.post(api, json=fields).json()["custom"]["data"]
        assert not httpx.post(api, data=fields).json()["custom"]["data"]
        assert not httpx.get(api, params=fields).json()["custom"]["data"]
