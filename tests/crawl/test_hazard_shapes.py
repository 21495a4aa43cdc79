"""Portals with other annual reports beside the disclosure reports, and lists behind a `<base href>`, frames,
year tabs, row scripts and a POSTed pager (`pipeline/fixtures/sites/hazards.py`), crawled over loopback from their
home pages alone, and one whose older rows only a 加载更多 button's JSON endpoint lists: every report archived once as
the document itself, no other report archived or even fetched."""
import hashlib

import pytest

from pipeline.fixtures.catalogue import hazards_portals
from pipeline.fixtures.portal import FixtureServer
from tests.crawl.portal_crawls import assert_archived_once_as_the_document_itself, assert_no_decoy_fetched, crawl_portals

PORTALS = ("hazards-suichang", "hazards-shicheng", "hazards-yongfeng")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    with FixtureServer(portals="hazards", host_base="127.0.17.40") as server:
        portals = server.portals()
        assert {p.portal_id for p in portals} == set(PORTALS)
        assert all(p.platform is None and not p.report_columns for p in portals)
        yield crawl_portals(server, PORTALS, hazards_portals(), tmp_path_factory.mktemp("archive"))


@pytest.mark.parametrize("portal_id", PORTALS)
def test_every_report_is_archived_once_as_the_document_itself(crawled, portal_id):
    assert_archived_once_as_the_document_itself(crawled, portal_id)


@pytest.mark.parametrize("portal_id", PORTALS)
def test_no_other_report_is_fetched(crawled, portal_id):
    assert_no_decoy_fetched(crawled, portal_id)


def test_no_other_report_is_archived(crawled):
    site = crawled.sites["hazards-suichang"]
    others = {hashlib.sha256(site.body(path)).hexdigest() for path, _, _ in site.decoys() + site.checked_decoys()}
    assert not {d.sha256 for d in crawled.outcome.documents} & others
    assert {path for path, _, _ in site.checked_decoys()} <= {r.path for r in crawled.requests["hazards-suichang"]}


def test_the_old_report_is_kept_and_a_repost_is_not_archived_twice(crawled):
    documents = [d for d in crawled.outcome.documents if d.portal_id == "hazards-suichang"]
    assert any(d.title_year == 2017 for d in documents)
    assert not any("/xwzx/" in d.url or "download.jsp" in d.url for d in documents)


def test_the_posted_pager_is_followed(crawled):
    posts = [r for r in crawled.requests["hazards-shicheng"] if r.method == "POST"]
    assert [r.path for r in posts] == ["/xxgk/nb/2023/list.html"]


def test_the_load_more_endpoint_is_read_to_its_end_and_no_further(crawled):
    pages = [r.path for r in crawled.requests["hazards-yongfeng"] if r.path.startswith("/xxgk/gzbg/list.json")]
    site = crawled.sites["hazards-yongfeng"]
    assert sorted(pages) == [f"/xxgk/gzbg/list.json?size=4&page={n}" for n in range(2, site.page_count("main") + 2)]
