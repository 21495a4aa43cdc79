"""The browser fallback: reading script-shell columns, and the guard on every request the browser makes."""
import json
import os
from datetime import timedelta

import polars as pl
import pytest

from pipeline.archive import Archive, FetchLog
from pipeline.crawl.crawler import run_crawl
from pipeline.crawl.fetcher import RawBody
from pipeline.crawl.render import CapturedResponse, RenderedPage, RenderSettings, request_data, same_site
from pipeline.crawl.rendered import (
    ApiPager, advertised_pages, entries_from_data, entries_from_render, entries_from_response, find_api_pager,
    looks_like_script_shell, needs_render, page_number_of, parse_data,
)
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.portal import FixtureServer
from pipeline.fixtures.sites.scripted import COLUMN_PATH, TRACKER_PATH

PAGE = "http://www.example.gov.cn/channel/ndbg/"


def captured(text, url="http://www.example.gov.cn/api/list", method="GET", body=None, body_type=None,
             content_type="application/json"):
    return CapturedResponse(url, method, body, body_type, content_type, text)


# --- reading what scripts read ----------------------------------------------------------------

def test_records_with_any_key_names_at_any_depth_become_entries():
    data = {"code": 0, "result": {"pager": {"total": 2}, "rows": [
        {"vc_title": "<em>海盐县</em>2023年政府信息公开工作年度报告", "vc_url": "/art/2024/1/5/art_1.html",
         "c_deploytime": "2024-01-05 09:00:00"},
        {"docTitle": "通元镇2022年政府信息公开工作年度报告", "docUrl": "../files/nb2022.pdf", "pubDate": "2023-01-20"},
        {"title": "no link here", "id": 3},
    ]}}
    entries = entries_from_data(data, PAGE)
    assert [(e.title, e.url, e.date and e.date.isoformat()) for e in entries] == [
        ("海盐县2023年政府信息公开工作年度报告", "http://www.example.gov.cn/art/2024/1/5/art_1.html", "2024-01-05"),
        ("通元镇2022年政府信息公开工作年度报告", "http://www.example.gov.cn/channel/files/nb2022.pdf", "2023-01-20"),
    ]


def test_jsonp_and_html_inside_json_and_xml_cdata_are_read():
    jsonp = 'jQuery1234_5({"data": {"html": "<li><a href=\\"/a/1.html\\">甲镇2023年政府信息公开工作年度报告</a></li>"}});'
    assert [e.url for e in entries_from_response(captured(jsonp, content_type="application/javascript"), PAGE)] == [
        "http://www.example.gov.cn/a/1.html"]
    xml = ("<datastore><recordset><record><![CDATA[<li><a href='/a/2.html' title='乙镇2022年政府信息公开工作年度报告'>"
           "乙镇2022年…</a></li>]]></record></recordset></datastore>")
    [entry] = entries_from_response(captured(xml, content_type="text/xml"), PAGE)
    assert entry.title == "乙镇2022年政府信息公开工作年度报告" and entry.url.endswith("/a/2.html")
    assert entries_from_response(captured("var s = '<a href=\"' + u + '\">x</a>';", content_type="application/javascript"),
                                 PAGE) == []
    assert parse_data("not json") is None


@pytest.mark.parametrize(("url", "method", "body", "body_type", "page_two"), [
    ("http://h.gov.cn/api/list?pageNo=1&size=10", "GET", None, None, ("http://h.gov.cn/api/list?pageNo=2&size=10", None)),
    ("http://h.gov.cn/module/xxgk/search.jsp", "POST", b"infotypeId=A&currpage=1", "application/x-www-form-urlencoded",
     ("http://h.gov.cn/module/xxgk/search.jsp", {"infotypeId": "A", "currpage": "2"})),
    ("http://h.gov.cn/api/list", "POST", b'{"channel":"nb","page":{"pageIndex":1,"size":5}}', "application/json",
     ("http://h.gov.cn/api/list", RawBody(b'{"channel":"nb","page":{"pageIndex":2,"size":5}}', "application/json"))),
    ("http://h.gov.cn/api-gateway/unit?paramJson=%7B%22pageNo%22%3A1%2C%22pageSize%22%3A15%7D", "GET", None, None,
     ("http://h.gov.cn/api-gateway/unit?paramJson=%7B%22pageNo%22%3A2%2C%22pageSize%22%3A15%7D", None)),
])
def test_a_list_request_is_replayed_with_the_next_page_number_wherever_it_carries_it(url, method, body, body_type,
                                                                                     page_two):
    response = captured("{}", url=url, method=method, body=body, body_type=body_type)
    assert page_number_of(response) == 1
    got_url, got_method, got_data = ApiPager(response, 1).request(2)
    assert (got_url, got_method, got_data) == (page_two[0], method, page_two[1])


def test_records_whose_keys_name_nothing_are_read_by_the_shape_of_their_values():
    data = {"total": 9, "rows": [
        {"bt": "甲县2023年政府信息公开工作年度报告", "lj": "/art/2024/1.html", "fbrq": "2024-01-20", "tp": "/img/a.jpg"},
        {"wjbt": "甲县2022年政府信息公开工作年度报告", "wjdz": "../files/2022.pdf", "fbsj": "2023-01-18 10:00"},
        {"mc": "首页轮播", "lj": "/a.html", "fj": "/b.pdf"},   # two links and no way to choose: not read
        {"zy": "根据《中华人民共和国政府信息公开条例》要求，现公布本县2021年度政府信息公开工作情况，欢迎社会各界监督",
         "wzbt": "甲县2021年政府信息公开工作年度报告", "dz": "/art/2022/3.html"},   # a summary longer than the title
    ]}
    entries = entries_from_data(data, PAGE)
    assert [(e.title, e.url.rsplit("/", 2)[-2:], e.date and e.date.isoformat()) for e in entries] == [
        ("甲县2023年政府信息公开工作年度报告", ["2024", "1.html"], "2024-01-20"),
        ("甲县2022年政府信息公开工作年度报告", ["files", "2022.pdf"], "2023-01-18"),
        ("甲县2021年政府信息公开工作年度报告", ["2022", "3.html"], None),
    ]


def test_xml_rows_of_any_element_names_are_read():
    xml = ('<?xml version="1.0" encoding="UTF-8"?><rows><row><wjbt>乙县2021年政府信息公开工作年度报告</wjbt>'
           "<wjdz>/art/2022/7.html</wjdz><fbsj>2022-01-30</fbsj></row><count>1</count></rows>")
    [entry] = entries_from_response(captured(xml, content_type="text/xml;charset=UTF-8"), PAGE)
    assert (entry.title, entry.url, entry.date.isoformat()) == (
        "乙县2021年政府信息公开工作年度报告", "http://www.example.gov.cn/art/2022/7.html", "2022-01-30")
    assert entries_from_response(captured("<rows><row>", content_type="text/xml"), PAGE) == []


def test_replaying_goes_on_after_the_last_page_the_browser_read():
    listing = json.dumps({"list": [{"title": "丙镇2023年政府信息公开工作年度报告", "url": "/c/1.html"}]}, ensure_ascii=False)
    rendered = RenderedPage(PAGE, doms=[], responses=[
        captured(listing, url=f"http://www.example.gov.cn/api/docs?page={number}") for number in (2, 3)])
    assert find_api_pager(rendered).start == 3


CHROME = "".join(f'<a href="/nav{i}.html">栏目{i}</a>' for i in range(45))
LIST_SCRIPT = '<script>var x = new XMLHttpRequest(); x.open("POST", "/api/lb");</script>'


@pytest.mark.parametrize(("title", "body", "reports", "pages_read", "render"), [
    ("政府信息公开年报", f'{CHROME}<ul id="list"></ul>{LIST_SCRIPT}', 0, 1, True),      # full chrome, empty list
    ("政策解读", f'{CHROME}<ul id="list"></ul>{LIST_SCRIPT}', 0, 1, False),             # not the report column
    ("政府信息公开年报", f"{CHROME}<ul id=list></ul>", 0, 1, False),                      # no script asks for data
    ("政府信息公开年报", f'{CHROME}<div>共3页 <a href="javascript:;">下一页</a></div>{LIST_SCRIPT}', 4, 1, True),
    ("政府信息公开年报", f"{CHROME}<div>共3页</div>{LIST_SCRIPT}", 9, 3, False),          # the static pager read all
    ("政府信息公开年报", f"{CHROME}<div>第1/1页</div>{LIST_SCRIPT}", 4, 1, False),
    ("政策解读", f'<ul id="list"></ul>{LIST_SCRIPT}', 0, 1, True),                      # a bare shell, as before
    ("政府信息公开年报", f'{CHROME}<div id="pager"></div>{LIST_SCRIPT}'                    # a pager written from a total
     "<script>pager(Math.ceil(data.total / 10));</script>", 4, 1, True),
    ("政府信息公开年报", f'{CHROME}<div id="pager"></div>{LIST_SCRIPT}'
     "<script>pager(Math.ceil(data.total / 10));</script>", 8, 2, False),               # … the static pager followed
])
def test_a_report_column_is_rendered_when_its_scripts_fill_or_page_it(title, body, reports, pages_read, render):
    text = f"<html><head><title>{title}_某县人民政府</title></head><body>{body}</body></html>"
    assert needs_render(text, "http://www.example.gov.cn/col/c1/index.html", reports=reports,
                        pages_read=pages_read) is render


def test_advertised_pages_are_read_from_the_pager_text():
    from selectolax.lexbor import LexborHTMLParser
    assert advertised_pages(LexborHTMLParser("<body>共 12 条 共 5 页 第1页</body>")) == 5
    assert advertised_pages(LexborHTMLParser("<body>1/4页</body>")) == 4
    assert advertised_pages(LexborHTMLParser("<body>页次：1/6 每页15条</body>")) == 6
    assert advertised_pages(LexborHTMLParser("<body>暂无</body>")) is None


def test_only_a_request_that_listed_reports_and_carries_a_page_number_pages():
    listing = json.dumps({"list": [{"title": "丙镇2023年政府信息公开工作年度报告", "url": "/c/1.html"}]}, ensure_ascii=False)
    rendered = RenderedPage(PAGE, doms=["<html></html>"], responses=[
        captured('{"menu": [{"name": "首页", "url": "/"}]}', url="http://www.example.gov.cn/api/menu?page=1"),
        captured(listing, url="http://www.example.gov.cn/api/docs?offset=0"),
        captured(listing, url="http://www.example.gov.cn/api/docs?pn=3"),
    ])
    pager = find_api_pager(rendered)
    assert pager is not None and pager.start == 3 and pager.response.url.endswith("pn=3")
    assert [e.url for e in entries_from_render(rendered)] == [   # every link once; the crawler keeps the reports
        "http://www.example.gov.cn/", "http://www.example.gov.cn/c/1.html"]


@pytest.mark.parametrize(("markup", "shell"), [
    ('<div id="app"></div><script src="/static/js/list.js"></script>', True),
    ('<ul id="l"></ul><script>$.ajax({url: "/api/x", success: function (d) {}})</script>', True),
    ('<ul id="l"></ul><script>fetch("/api/x").then(r => r.json())</script>', True),
    ('<ul><li><a href="/a">报告</a></li></ul><script src="/js/jquery.min.js"></script>', False),
    ('<ul><li><a href="/a">报告</a></li></ul>', False),
    ('<script src="https://hm.baidu.com/hm.js"></script><p>暂无信息</p>', False),
    ("".join(f'<a href="/n{i}">n{i}</a>' for i in range(60)) + '<script src="/list.js"></script>', False),
])
def test_a_script_shell_is_told_from_a_page_with_its_own_links(markup, shell):
    assert looks_like_script_shell(f"<html><body>{markup}</body></html>", PAGE) is shell


def test_the_browser_may_only_reach_the_portal_and_its_own_site():
    assert same_site("http://www.example.gov.cn/api", PAGE, ())
    assert same_site("http://api.example.gov.cn/list", PAGE, ())
    assert not same_site("http://www.other.gov.cn/list", PAGE, ())
    assert not same_site("https://hm.baidu.com/hm.js", PAGE, ())
    assert same_site("http://cdn.portal.example/x", PAGE, ("portal.example",))
    assert same_site("http://127.0.0.9:8080/api", "http://127.0.0.9:8080/", ())
    assert not same_site("http://127.0.0.10:8080/api", "http://127.0.0.9:8080/", ())


def test_browser_request_bodies_become_form_fields_or_raw_bytes():
    assert request_data("GET", b"x", None) is None
    assert request_data("POST", b"a=1&b=2", "application/x-www-form-urlencoded; charset=UTF-8") == {"a": "1", "b": "2"}
    assert request_data("POST", b'{"a":1}', "application/json") == RawBody(b'{"a":1}', "application/json")


# --- end to end: a loopback portal only a browser reads --------------------------------------

def require_browser() -> None:
    """Skips where no Chromium is installed; in CI (which installs it) its absence is a failure."""
    if RenderSettings().chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium for the browser fallback tests (.ci/run)")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")


@pytest.fixture(scope="module")
def rendered_night(tmp_path_factory):
    require_browser()
    root = tmp_path_factory.mktemp("rendered-night")
    settings = FetchSettings(min_delay_s=0.2, jitter_s=0.0, allow_loopback=True, retries=1, backoff_base_s=0.02,
                             connect_timeout_s=2, read_timeout_s=5)
    with FixtureServer(portals="scripted", host_base="127.0.8.2") as server:
        outcome = run_crawl(server.portals(), archive_root=root, settings=settings, run_id="night1",
                            render=RenderSettings(page_timeout_s=60))
        yield server, outcome, root, list(server.requests), settings


def test_every_report_of_a_script_only_column_is_archived_once_as_the_document_itself(rendered_night):
    server, outcome, root, _, _ = rendered_night
    truth = server.manifest()
    assert {h.portal_id: h.outcome for h in outcome.health} == {"scripted-yongjia": "ok", "scripted-pingyang": "ok"}
    got = sorted((d.portal_id, d.url, d.sha256) for d in outcome.documents)
    assert got == sorted((r.portal_id, r.url, r.sha256) for r in truth)
    assert all(Archive(root).has(d.sha256) for d in outcome.documents)
    assert not any("jiedu" in d.url for d in outcome.documents)


def test_rendering_is_recorded_in_health_with_the_list_api_to_build_an_adapter_from(rendered_night):
    _, outcome, root, _, _ = rendered_night
    health = {h.portal_id: h for h in outcome.health}
    assert health["scripted-yongjia"].rendered_pages == 1       # page 1 rendered; pages 2… replayed without the browser
    assert "list API POST" in health["scripted-yongjia"].detail
    assert health["scripted-pingyang"].rendered_pages == 1      # no page number: paged in the same render, clicking 下一页
    learned = {read.portal_id: read for read in outcome.columns}
    assert learned["scripted-yongjia"].list_apis[0].startswith("POST ")


def test_the_browser_fetches_nothing_the_crawler_may_not(rendered_night):
    _, _, root, requests, _ = rendered_night
    paths = [entry.path for entry in requests]
    assert not any(path.startswith(TRACKER_PATH) for path in paths), "robots.txt disallows /private/"
    assert not any(path.endswith((".jpg", ".png", ".woff2", ".css")) for path in paths), "images/fonts/CSS are blocked"
    hosts = {entry.host.split(":")[0] for entry in requests}
    assert hosts <= {"127.0.8.2", "127.0.8.3"}
    logged = FetchLog.read_all(root)
    rendered = logged.filter(logged["purpose"] == "render")
    assert rendered.height > 0, "the browser's requests go through the fetcher and its log"
    assert not any("baidu" in url for url in logged["url"].to_list()), "third-party hosts are never fetched"


def test_the_browser_requests_keep_per_host_politeness(rendered_night):
    _, _, _, requests, settings = rendered_night
    for host in {entry.host for entry in requests}:
        starts = sorted(entry.started_at for entry in requests if entry.host == host)
        gaps = [later - earlier for earlier, later in zip(starts, starts[1:])]
        # The server stamps arrivals in its own thread, late by up to ~0.1 s on a loaded machine; Chromium left to itself
        # would send the page's requests together, gaps near 0.
        assert gaps and min(gaps) >= timedelta(seconds=settings.min_delay_s - 0.1), host


def test_without_a_browser_a_script_shell_is_reported_not_crawled_silently(tmp_path):
    settings = FetchSettings(min_delay_s=0.0, jitter_s=0.0, allow_loopback=True, retries=0)
    with FixtureServer(portals="scripted", host_base="127.0.8.10") as server:
        outcome = run_crawl(server.portals()[:1], archive_root=tmp_path, settings=settings, run_id="n",
                            render=RenderSettings(executable="/nonexistent/chromium", enabled=False))
        [health] = outcome.health
    assert health.outcome == "no_reports" and outcome.documents == []
    assert f"{COLUMN_PATH} is a script shell; not rendered: rendering is off" in health.detail


def test_portals_show_suggests_an_adapter_for_a_portal_that_needed_the_browser(tmp_path):
    from pipeline.registry.cli import learned_lines
    from pipeline.registry.model import Portal
    from pipeline.report.frames import build_frames
    from pipeline.warehouse.load import COLUMNS_SCHEMA, DOCUMENT_SCHEMA, HEALTH_SCHEMA, NightInput
    from tests.warehouse.nights import FETCHED_AT, REGIONS, load_and_publish

    portal = Portal(portal_id="p1", division_code="330324", name="永嘉县人民政府", home_urls=("http://www.yj.gov.cn/",))
    warehouse = tmp_path / "gongkai.duckdb"
    assert learned_lines(portal, warehouse)[0].startswith("(no night has read a column of p1")
    columns = pl.DataFrame([{
        "portal_id": "p1", "column_urls": ["http://www.yj.gov.cn/channel/ndbg/"], "registry_column_urls": [],
        "platform": None, "run_id": "night1",
        "list_apis": ["POST http://www.yj.gov.cn/api/content/list (page number from 1)"]}], schema=COLUMNS_SCHEMA)
    load_and_publish(warehouse, NightInput("night1", FETCHED_AT, REGIONS, pl.DataFrame(schema=DOCUMENT_SCHEMA),
                                           pl.DataFrame(schema=HEALTH_SCHEMA), build_frames([], parser_version="t"),
                                           columns))
    lines = learned_lines(portal, warehouse)
    assert "working columns: http://www.yj.gov.cn/channel/ndbg/" in lines[0]
    assert "POST http://www.yj.gov.cn/api/content/list" in lines[1] and "adapter" in lines[1]


class CannedFetcher:
    """Answers the browser's requests from a function of the URL, recording each: the click-through without a network."""
    def __init__(self, answer):
        self.settings = FetchSettings()
        self.answer, self.asked = answer, []

    async def fetch(self, url, **kwargs):
        from pipeline.crawl.fetcher import FetchResult
        self.asked.append(url.rsplit("/", 1)[-1])
        body, content_type = self.answer(url)
        return FetchResult(url, url, 200, "ok", content_type, "utf-8", body=body.encode("utf-8"))


NUMBERED_PAGER = """<html><head><title>政府信息公开年报</title></head><body><ul id="list"></ul><div id="pager"></div>
<script>
function go(n) {
  fetch('/api?n=' + n).then(function (r) { return r.json(); }).then(function (rows) {
    document.getElementById('list').innerHTML = rows.map(function (r) { return '<li><a href="' + r.u + '">' + r.t + '</a></li>'; }).join('');
    var pager = '共5页 ';
    for (var i = 1; i <= 5; i++) { pager += i === n ? '<b>' + i + '</b> ' : '<a href="javascript:;" onclick="go(' + i + ')">' + i + '</a> '; }
    document.getElementById('pager').innerHTML = pager;
  });
}
go(1);
</script></body></html>"""


def numbered_api(url):
    """Pages 1–3 of a list; past them the API answers page 3 again, though the pager offers 5 pages."""
    if "/api" not in url:
        return NUMBERED_PAGER, "text/html"
    number = min(3, int(url.rsplit("=", 1)[1]))
    return json.dumps([{"t": f"丁县{2020 + number}年政府信息公开工作年度报告", "u": f"/a/{number}.html"}],
                      ensure_ascii=False), "application/json"


@pytest.mark.parametrize(("max_clicks", "asked"), [(20, ["api?n=1", "api?n=2", "api?n=3", "api?n=4"]),
                                                   (1, ["api?n=1", "api?n=2"])])
def test_a_script_pager_is_clicked_by_its_numbers_until_nothing_new_appears(max_clicks, asked):
    import asyncio

    from pipeline.crawl.render import BrowserRenderer
    require_browser()
    fetcher = CannedFetcher(numbered_api)

    async def render():
        async with BrowserRenderer(fetcher, RenderSettings(page_timeout_s=30, max_next_clicks=max_clicks)) as renderer:
            return await renderer.render("http://www.example.gov.cn/col/", portal_id="p", click_next=lambda page: True)

    rendered = asyncio.run(render())
    assert [name for name in fetcher.asked if name.startswith("api")] == asked, "page 1 is never asked again"
    assert [e.url.rsplit("/", 1)[-1] for e in entries_from_render(rendered)] == [
        f"{n}.html" for n in range(1, min(3, max_clicks + 1) + 1)]


def test_a_page_number_that_links_to_another_page_is_not_clicked():
    import asyncio

    from pipeline.crawl.render import BrowserRenderer
    require_browser()
    linked = NUMBERED_PAGER.replace("""'<a href="javascript:;" onclick="go(' + i + ')">'""", """'<a href="/other' + i + '.html">'""")
    fetcher = CannedFetcher(lambda url: (linked, "text/html") if "/api" not in url else numbered_api(url))

    async def render():
        async with BrowserRenderer(fetcher, RenderSettings(page_timeout_s=30)) as renderer:
            return await renderer.render("http://www.example.gov.cn/col/", portal_id="p", click_next=True)

    rendered = asyncio.run(render())
    assert fetcher.asked == ["", "api?n=1"] and len(rendered.doms) == 1   # the column page, its list, nothing else
