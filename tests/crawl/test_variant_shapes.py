"""Portals of no known platform in shapes no other fixture has (`pipeline/fixtures/sites/variants.py`, `detours.py`),
crawled over loopback from their home pages alone: every report archived once as the document itself, no decoy
fetched, every list page fetched once and page 1 never again."""
from collections import Counter

import pytest

from pipeline.fixtures.catalogue import variants_portals
from pipeline.fixtures.portal import FixtureServer
from tests.crawl.portal_crawls import assert_archived_once_as_the_document_itself, assert_no_decoy_fetched, crawl_portals

PORTALS = ("variants-yunhe", "variants-taishun", "variants-junan", "detours-jinhu", "detours-yuanmou")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    with FixtureServer(portals="variants", host_base="127.0.17.2") as server:
        portals = server.portals()
        assert {p.portal_id for p in portals} == set(PORTALS)
        assert all(p.platform is None and not p.report_columns for p in portals)
        server.warm()   # DOC files come from LibreOffice: rendered before the crawl, not inside its read timeout
        yield crawl_portals(server, PORTALS, variants_portals(), tmp_path_factory.mktemp("archive"))


@pytest.mark.parametrize("portal_id", PORTALS)
def test_every_report_is_archived_once_as_the_document_itself(crawled, portal_id):
    assert_archived_once_as_the_document_itself(crawled, portal_id)


@pytest.mark.parametrize("portal_id", PORTALS)
def test_no_decoy_is_fetched(crawled, portal_id):
    assert_no_decoy_fetched(crawled, portal_id)


@pytest.mark.parametrize("portal_id", PORTALS)
def test_every_list_page_is_fetched_once(crawled, portal_id):
    site = crawled.sites[portal_id]
    pages = {site.list_path(key, n) for key in site.keys() for n in range(1, site.page_count(key) + 1)}
    assert any(site.page_count(key) >= 2 for key in site.keys())
    fetched = Counter(r.path for r in crawled.requests[portal_id] if r.path in pages)
    assert fetched == Counter(pages)
