"""The crawl over loopback portals: unit cases on a hand-built site, integration over the fixture portal."""
from collections import Counter

import pytest

from pipeline.archive import Archive
from pipeline.crawl.crawler import HEALTH_FILE, run_crawl
from pipeline.crawl.health import read_health_json
from pipeline.crawl.records import CrawlMemory
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.http import LoopbackHTTPServer, Response
from pipeline.registry.model import Portal, ReportColumn

FAST = dict(min_delay_s=0.0, jitter_s=0.0, allow_loopback=True, backoff_base_s=0.02, backoff_max_s=0.1,
            retries=2, max_retry_after_s=2, connect_timeout_s=2, read_timeout_s=5)

REPORT = ("<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
          "<div id='zoom'><table><tr><td>收到和处理政府信息公开申请情况</td><td>{n}</td></tr></table></div></body></html>")


class Site:
    """A tiny static portal: path → (status, html); unknown paths answer 404."""

    def __init__(self, pages):
        self.pages = pages

    def __call__(self, request):
        status, text = self.pages.get(request.path, (404, "<html><body>not found</body></html>"))
        return Response(status=status, body=text.encode("utf-8"))


@pytest.fixture
def serve():
    server = LoopbackHTTPServer(log_requests=True)
    server.start()

    def add(host, pages):
        port = server.listen(host, 0, Site(pages))
        return f"http://{host}:{port}"

    yield add
    server.stop()


def portal(portal_id, base, columns=(), platform=None, params=None):
    host = base.split("//", 1)[1].split(":", 1)[0]
    return Portal(portal_id=portal_id, division_code="330424", name=f"{portal_id}人民政府", home_urls=(f"{base}/",),
                  platform=platform, report_columns=tuple(ReportColumn(f"{base}{c}") for c in columns),
                  params=params or {}, extra_domains=(host,))


def crawl(tmp_path, portals, run_id="night1", memory=None, on_portal_done=None, **settings):
    return run_crawl(portals, archive_root=tmp_path, settings=FetchSettings(**{**FAST, **settings}), run_id=run_id,
                     memory=memory, on_portal_done=on_portal_done)
def remembered(*outcomes):
    """The memory earlier nights leave once published: their columns and documents, as the warehouse keeps them."""
    columns, known = {}, set()
    for outcome in outcomes:
        columns.update({read.portal_id: read for read in outcome.columns})
        known.update(document.sha256 for document in outcome.documents)
    return CrawlMemory(columns=columns, known_sha256=frozenset(known))


def test_discovers_the_column_lists_reports_and_dedups_one_report_under_two_urls(serve, tmp_path):
    same = REPORT.format(title="通元镇2021年度政府信息公开工作年度报告", n=3)
    base = serve("127.0.5.2", {
        "/": (200, '<a href="/zwgk/">政务公开</a>'),
        "/zwgk/": (200, '<a href="/zwgk/nb/">政府信息公开年报</a>'),
        "/zwgk/nb/": (200, "<ul><li><a href='a1.html'>通元镇2021年度政府信息公开工作年度报告</a> 2022-01-10</li>"
                           "<li><a href='copy/a1.html'>通元镇2021年度政府信息公开工作年度报告（转载）</a></li>"
                           "<li><a href='n.html'>关于报送2021年度政府信息公开工作年度报告的通知</a></li></ul>"),
        "/zwgk/nb/a1.html": (200, same),
        "/zwgk/nb/copy/a1.html": (200, same),
        "/zwgk/nb/n.html": (200, REPORT.format(title="通知", n=0)),
    })
    finished = []
    outcome = crawl(tmp_path, [portal("p1", base)],
                    on_portal_done=lambda health, done, total, documents: finished.append((health.portal_id, done, total, documents)))
    assert [(h.outcome, h.documents_found) for h in outcome.health] == [("ok", 1)]
    assert finished == [("p1", 1, 1, 1)]   # progress as each portal finishes
    [document] = outcome.documents
    assert document.url == f"{base}/zwgk/nb/a1.html" and document.title_year == 2021 and document.publisher == "通元镇"
    assert document.listing_url == f"{base}/zwgk/nb/" and Archive(tmp_path).has(document.sha256)
    assert [(read.portal_id, read.column_urls) for read in outcome.columns] == [("p1", (f"{base}/zwgk/nb/",))]
    assert read_health_json(tmp_path / "state" / HEALTH_FILE)[0].outcome == "ok"


def test_a_portal_the_adapter_cannot_read_gets_parse_error_and_the_run_goes_on(serve, tmp_path):
    good = serve("127.0.5.3", {"/nb/": (200, "<li><a href='r.html'>X镇2022年政府信息公开工作年度报告</a></li>"),
                               "/nb/r.html": (200, REPORT.format(title="X镇2022年政府信息公开工作年度报告", n=1))})
    broken = serve("127.0.5.4", {"/nb/": (200, "<li><a href='r.html'>Y镇2022年政府信息公开工作年度报告</a></li>")})
    outcome = crawl(tmp_path, [
        portal("bad", broken, ["/nb/"], platform="generic", params={"list_selector": "li >>> a[[["}),
        portal("good", good, ["/nb/"]),
    ])
    assert {h.portal_id: h.outcome for h in outcome.health} == {"bad": "parse_error", "good": "ok"}
    assert "list_selector" not in next(h.detail for h in outcome.health if h.portal_id == "good")


def test_an_empty_column_and_no_other_column_is_no_reports(serve, tmp_path):
    base = serve("127.0.5.5", {"/": (200, "<p>首页</p>"), "/nb/": (200, "<p>暂无信息</p>")})
    outcome = crawl(tmp_path, [portal("empty", base, ["/nb/"])])
    assert outcome.health[0].outcome == "no_reports"


def test_nothing_listening_is_unreachable(tmp_path):
    outcome = crawl(tmp_path, [portal("gone", "http://127.0.5.6:9", ["/nb/"])])
    assert [h.outcome for h in outcome.health] == ["unreachable"] and outcome.documents == []


# --- integration: the fixture portal, three nights ----------------------------------------------

@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    from pipeline.fixtures.portal import FixtureServer

    root = tmp_path_factory.mktemp("archive")
    settings = FetchSettings(**{**FAST, "max_bytes": 2 * 1024 * 1024, "per_host_concurrency": 2})
    with FixtureServer(slow_delay_s=0.1, huge_size_bytes=3 * 1024 * 1024, host_base="127.0.4.2") as server:
        portals = server.portals()
        result = {"expected": server.expected_outcomes(), "manifest": server.manifest(), "root": root}
        result["night1"] = run_crawl(portals, archive_root=root, settings=settings, run_id="night1")
        first_request = len(server.requests)
        result["night2"] = run_crawl(portals, archive_root=root, settings=settings, run_id="night2",
                                     memory=remembered(result["night1"]))
        hosts = {p.home_urls[0].split("//", 1)[1].rstrip("/"): p.portal_id for p in portals}
        result["night2_requests"] = [(hosts[r.host], r) for r in server.requests[first_request:]]
        result["changed"] = server.change_report("hanweb-haiyan")
        result["night3"] = run_crawl(portals, archive_root=root, settings=settings, run_id="night3",
                                     memory=remembered(result["night1"], result["night2"]))
    return result


@pytest.mark.integration
def test_every_served_report_is_archived_exactly_once(nights):
    documents = nights["night1"].documents
    by_sha = Counter(d.sha256 for d in documents)
    served = {report.sha256 for report in nights["manifest"]}
    assert set(by_sha) == served and max(by_sha.values()) == 1
    archive = Archive(nights["root"])
    assert all(archive.has(sha) for sha in served)
    urls = {d.sha256: d.url for d in documents}
    assert all(urls[r.sha256] == r.url for r in nights["manifest"] if not r.also_at)


@pytest.mark.integration
def test_split_articles_carry_their_later_pages(nights):
    split = [r for r in nights["manifest"] if r.continuation_urls]
    assert split
    documents = {d.sha256: d for d in nights["night1"].documents}
    for report in split:
        assert len(documents[report.sha256].continuation_sha256) == len(report.continuation_urls)


@pytest.mark.integration
def test_fault_portals_end_with_the_right_outcomes_and_the_run_finishes(nights):
    health = nights["night1"].health
    assert sorted(h.portal_id for h in health) == sorted(nights["expected"])
    assert {h.portal_id: h.outcome for h in health} == nights["expected"]
    moved = next(h for h in health if h.outcome == "column_moved")
    assert "→ http://" in moved.detail


@pytest.mark.integration
def test_second_night_makes_only_conditional_requests_and_downloads_no_bodies(nights):
    night2 = nights["night2"]
    posted = [r for _, r in nights["night2_requests"] if r.method == "POST"]   # a POSTed list page is never conditional
    assert night2.bytes_downloaded == sum(r.bytes_sent for r in posted)
    assert {d.sha256 for d in night2.documents} == {d.sha256 for d in nights["night1"].documents}
    readable = {pid for pid, outcome in nights["expected"].items() if outcome in ("ok", "column_moved")}
    refused_as_too_large = 2 * 1024 * 1024
    requests = [
        r for pid, r in nights["night2_requests"]
        if pid in readable and r.path != "/robots.txt" and r.method == "GET"
        and r.status not in (301, 302, 303, 307, 308, 429, 500)   # redirect hops carry no body; faults retry
        and r.bytes_sent <= refused_as_too_large                           # never archived, so never conditional
    ]
    assert requests and all(r.conditional and r.status == 304 for r in requests)
    assert all(h.outcome == "ok" for h in night2.health if h.portal_id in readable)
    assert all(h.documents_new == 0 for h in night2.health)


@pytest.mark.integration
def test_a_changed_report_is_refetched_the_next_night(nights):
    changed = nights["changed"]
    night3 = nights["night3"]
    assert changed.sha256 in {d.sha256 for d in night3.documents}
    assert changed.sha256 not in {d.sha256 for d in nights["night1"].documents}
    haiyan = next(h for h in night3.health if h.portal_id == "hanweb-haiyan")
    assert haiyan.documents_new == 1
    assert night3.bytes_downloaded > 0


def test_a_column_recorded_over_the_wrong_scheme_is_read_over_the_other(serve, tmp_path):
    base = serve("127.0.5.8", {"/nb/": (200, "<li><a href='r.html'>X镇2022年政府信息公开工作年度报告</a></li>"),
                               "/nb/r.html": (200, REPORT.format(title="X镇2022年政府信息公开工作年度报告", n=1))})
    https_base = base.replace("http://", "https://")
    recorded = portal("p", base, ["/nb/"])
    recorded = Portal(**{**recorded.__dict__, "report_columns": (ReportColumn(f"{https_base}/nb/"),)})
    outcome = crawl(tmp_path, [recorded], connect_timeout_s=0.3, retries=0)   # a TLS hello to a plain-HTTP server stalls
    assert outcome.health[0].outcome == "ok" and outcome.documents[0].url == f"{base}/nb/r.html"
    assert [read.column_urls for read in outcome.columns] == [(f"{base}/nb/",)]


def test_an_editors_new_registry_column_wins_over_last_nights_state(serve, tmp_path):
    pages = {"/old/": (200, "<li><a href='r.html'>X镇2022年政府信息公开工作年度报告</a></li>"),
             "/old/r.html": (200, REPORT.format(title="X镇2022年政府信息公开工作年度报告", n=1)),
             "/new/": (200, "<li><a href='r.html'>Y镇2022年政府信息公开工作年度报告</a></li>"),
             "/new/r.html": (200, REPORT.format(title="Y镇2022年政府信息公开工作年度报告", n=2))}
    base = serve("127.0.5.11", pages)
    first = crawl(tmp_path, [portal("p", base, ["/old/"])], run_id="n1")
    again = crawl(tmp_path, [portal("p", base, ["/old/"])], run_id="n2", memory=remembered(first))
    assert [d.url for d in again.documents] == [f"{base}/old/r.html"]
    edited = crawl(tmp_path, [portal("p", base, ["/new/"])], run_id="n3", memory=remembered(first, again))
    assert [d.url for d in edited.documents] == [f"{base}/new/r.html"] and edited.health[0].outcome == "ok"


@pytest.mark.integration
def test_with_no_recorded_columns_every_report_is_found_from_the_home_page(tmp_path):
    import dataclasses

    from pipeline.fixtures.portal import FixtureServer

    with FixtureServer(host_base="127.0.11.2") as server:
        portals = [dataclasses.replace(p, report_columns=()) for p in server.portals() if not p.portal_id.startswith("fault-")]
        manifest = [r for r in server.manifest() if r.portal_id in {p.portal_id for p in portals}]
        outcome = crawl(tmp_path, portals)
    assert {d.sha256 for d in outcome.documents} == {r.sha256 for r in manifest}
    assert {h.outcome for h in outcome.health} == {"ok"}
    columns = {read.portal_id: read.column_urls for read in outcome.columns}
    assert len(columns["hanweb-haiyan"]) == 5   # the report column and its four towns


def test_a_report_page_copied_from_another_provinces_site_is_skipped(serve, tmp_path):
    copied = REPORT.format(title="东华门街道2022年政府信息公开工作年度报告", n=5).replace(
        "<head>", "<head><meta name='SiteIDCode' content='1101010001'>")
    own = REPORT.format(title="通元镇2022年政府信息公开工作年度报告", n=1).replace(
        "<head>", "<head><meta name='SiteIDCode' content='3304240001'>")
    base = serve("127.0.5.12", {"/nb/": (200, "<li><a href='a.html'>东华门街道2022年政府信息公开工作年度报告</a></li>"
                                              "<li><a href='b.html'>通元镇2022年政府信息公开工作年度报告</a></li>"),
                                "/nb/a.html": (200, copied), "/nb/b.html": (200, own)})
    outcome = crawl(tmp_path, [portal("p", base, ["/nb/"])])
    assert [d.url for d in outcome.documents] == [f"{base}/nb/b.html"]
    assert "skipped 1 page(s) of another province's site" in outcome.health[0].detail


def test_a_portal_listed_twice_is_crawled_once(serve, tmp_path):
    base = serve("127.0.5.13", {"/nb/": (200, "<li><a href='r.html'>X镇2022年政府信息公开工作年度报告</a></li>"),
                                "/nb/r.html": (200, REPORT.format(title="X镇2022年政府信息公开工作年度报告", n=1))})
    outcome = crawl(tmp_path, [portal("p", base, ["/nb/"]), portal("p", base, ["/nb/"])])
    assert [(h.portal_id, h.documents_new) for h in outcome.health] == [("p", 1)] and len(outcome.documents) == 1


def test_a_column_that_turned_into_a_soft_404_is_drift_to_the_column_the_home_page_links(serve, tmp_path):
    base = serve("127.0.5.14", {
        "/": (200, '<a href="/xxgk/nb2/">政府信息公开年报</a>'),
        "/xxgk/nb/": (200, '<ul><li><a href="/">首页</a></li><li><a href="/news/">新闻中心</a></li></ul><p>页面不存在</p>'),
        "/xxgk/nb2/": (200, "<li><a href='r.html'>X镇2022年政府信息公开工作年度报告</a></li>"),
        "/xxgk/nb2/r.html": (200, REPORT.format(title="X镇2022年政府信息公开工作年度报告", n=1)),
    })
    outcome = crawl(tmp_path, [portal("p", base, ["/xxgk/nb/"])])
    [health] = outcome.health
    assert health.outcome == "column_moved" and f"{base}/xxgk/nb/ → {base}/xxgk/nb2/" in health.detail
    assert [d.url for d in outcome.documents] == [f"{base}/xxgk/nb2/r.html"]
