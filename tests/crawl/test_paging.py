"""Pager variants: TRS createPageHTML calls, script-built and ASP.NET postback 下一页 links, a pager that loops,
and list APIs (Epoint JSON, TrueCMS JSONP) that answer their first page to every request."""
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from pipeline.crawl.crawler import run_crawl
from pipeline.crawl.platforms import Page, PageRequest, PlatformAdapter
from pipeline.crawl.platforms.sitefactory import SiteFactoryAdapter
from pipeline.crawl.platforms.trs import TrsAdapter
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.http import LoopbackHTTPServer, Response
from pipeline.registry.model import Portal, ReportColumn
from tests.crawl.test_real_shapes import FAST, report_html

BASE = "http://www.x.gov.cn/zfxxgk/nb/"
COLUMN_CHROME = "政府信息公开年报 当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报"


@pytest.mark.parametrize(("url", "call", "pages"), [
    (BASE + "index.html", 'createPageHTML(3, 0, "index", "html")', ["index_1.html", "index_2.html"]),
    (BASE + "index.shtml", "createPageHTML('page_div', 3, 1, 'index', 'shtml', 45)", ["index_1.shtml", "index_2.shtml"]),
    (BASE, "createPageHTML('pager', 2, 1, 'list', 'html')", ["list_1.html"]),
    (BASE + "index_1.shtml", "createPageHTML('page_div', 3, 2, 'index', 'shtml')", []),
    (BASE + "index_1.html", 'createPageHTML(3, 1, "index", "html")', []),   # 0-based, second page: announces nothing
])
def test_create_page_html_variants_are_announced_once_by_the_first_page(url, call, pages):
    page = Page(url, f"<ul><li><a href='./202401/t20240110_1.html'>x</a></li></ul><script>{call};</script>")
    assert [r.url for r in TrsAdapter().next_pages(page)] == [BASE + name for name in pages]


SITEFACTORY_PAGER = ('<div class="page"><span class="pagecss"><a href="Index.aspx">首页</a> <a href="Index_2.aspx">2</a> '
                     '<a href="Index_2.aspx">下一页</a> <a href="Index_4.aspx">尾页</a> '
                     '<a href="/Category_9/Index_40.aspx">其他栏目</a></span></div>')


@pytest.mark.parametrize(("url", "pages"), [
    ("http://x.gov.cn/Category_34/Index.aspx", ["Index_2.aspx", "Index_3.aspx", "Index_4.aspx"]),
    ("http://x.gov.cn/Category_34/", ["Index_2.aspx", "Index_3.aspx", "Index_4.aspx"]),
    ("http://x.gov.cn/Category_34/Index_1.aspx", ["Index_2.aspx", "Index_3.aspx", "Index_4.aspx"]),
    ("http://x.gov.cn/Category_34/Index_2.aspx", []),   # a later page announces nothing: no loop, page 1 never again
])
def test_sitefactory_pages_are_announced_once_by_the_first_page_up_to_the_last(url, pages):
    got = SiteFactoryAdapter().next_pages(Page(url, SITEFACTORY_PAGER))
    assert [r.url for r in got] == ["http://x.gov.cn/Category_34/" + name for name in pages]


@pytest.mark.parametrize(("markup", "expected"), [
    ("<a href=\"javascript:void(0)\" onclick=\"location.href='list_2.html'\">下一页</a>", PageRequest(BASE + "list_2.html")),
    ("<script>document.write('<a href=\"list_3.html\">下一页</a>');</script>", PageRequest(BASE + "list_3.html")),
    ("<a href='index.html'>下一页</a>", None),   # the page itself: never refetch it as the next page
])
def test_script_built_next_links(markup, expected):
    got = PlatformAdapter().next_pages(Page(BASE + "index.html", f"<html><body>{markup}</body></html>"))
    assert got == ([expected] if expected else [])


def test_an_asp_net_pager_posts_the_form_state_with_its_event_target():
    markup = ("<form method='post' action='./List.aspx?cid=12' id='form1'>"
              "<input type='hidden' name='__VIEWSTATE' value='dDwx'><input type='hidden' name='__VIEWSTATEGENERATOR' value='AB'>"
              "<input type='hidden' name='__EVENTVALIDATION' value='wEW'><input type='submit' name='go' value='搜索'>"
              "<a href=\"javascript:__doPostBack('AspNetPager1','2')\">下一页</a></form>")
    [request] = PlatformAdapter().next_pages(Page(BASE + "List.aspx?cid=12", markup))
    assert request.method == "POST" and request.url == BASE + "List.aspx?cid=12"
    assert dict(request.data) == {"__VIEWSTATE": "dDwx", "__VIEWSTATEGENERATOR": "AB", "__EVENTVALIDATION": "wEW",
                                  "__EVENTTARGET": "AspNetPager1", "__EVENTARGUMENT": "2"}


def test_a_postback_pager_is_read_to_its_end_and_a_pager_that_repeats_page_one_stops(tmp_path):
    def listing(n, argument):
        item = f"<li><a href='r{n}.html'>X镇{2020 + n}年政府信息公开工作年度报告</a></li>" if n <= 3 else ""
        return (f"<html><body><form action='List.aspx'><input type='hidden' name='__VIEWSTATE' value='s{n}'>"
                f"<ul>{item}</ul><a href=\"javascript:__doPostBack('pager','{argument}')\">下一页</a></form></body></html>")

    def handle(request):
        if request.path == "/List.aspx":
            n = int(request.form.get("__EVENTARGUMENT") or 1) if request.method == "POST" else 1
            return Response(200, listing(n, n + 1).encode())
        if request.path == "/loop/":   # every page lists page 1's report again and links one more page
            following = int(request.query.get("p") or 1) + 1
            return Response(200, ("<ul><li><a href='/r1.html'>X镇2021年政府信息公开工作年度报告</a></li></ul>"
                                  f"<a href='/loop/?p={following}'>下一页</a>").encode())
        if not re.fullmatch(r"/r\d\.html", request.path):
            return Response(404, b"not found")
        n = request.path.removeprefix("/r").removesuffix(".html")
        return Response(200, report_html(f"X镇{2020 + int(n)}年政府信息公开工作年度报告", n).encode())

    server = LoopbackHTTPServer(log_requests=True)
    server.start()
    try:
        port = server.listen("127.0.5.41", 0, handle)
        base = f"http://127.0.5.41:{port}"
        portal = Portal(portal_id="aspx", division_code="330424", name="X", home_urls=(f"{base}/",),
                        report_columns=(ReportColumn(f"{base}/List.aspx"), ReportColumn(f"{base}/loop/")),
                        extra_domains=("127.0.5.41",))
        outcome = run_crawl([portal], archive_root=tmp_path, settings=FetchSettings(**FAST), run_id="n1")
        requests = list(server.requests)
    finally:
        server.stop()
    assert sorted(d.url.removeprefix(base) for d in outcome.documents) == ["/r1.html", "/r2.html", "/r3.html"]
    posts = [r for r in requests if r.method == "POST"]
    assert len(posts) == 3   # pages 2, 3 and the empty page 4 that ends paging
    assert [r.path for r in requests if r.path.startswith("/loop/")] == ["/loop/", "/loop/?p=2"]   # page 1, then one repeat that stops it


def test_a_dataproxy_that_pages_by_page_alone_is_read_page_by_page_to_its_end(tmp_path):
    """Some Hanweb dataproxy versions ignore startrecord/endrecord and answer the one page `page` names."""
    titles = [f"X镇{2010 + n}年政府信息公开工作年度报告" for n in range(1, 15)]   # 14 reports, 4 a page
    per_page = 4

    def record(n):
        return f"<record><![CDATA[<li><a href='/art/r{n}.html'>{titles[n - 1]}</a><span>2024-01-0{n % 9 + 1}</span></li>]]></record>"

    def handle(request):
        if request.path == "/col/col1229000001/index.html":
            first = "".join(record(n) for n in range(1, per_page + 1))
            return Response(200, ("<html><head><title>政府信息公开年报</title></head><body><h2>政府信息公开年报</h2>"
                                  "<p>当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</p>"
                                  f"<div id='1229000002'><script type='text/xml'><datastore><nextgroup><![CDATA[]]></nextgroup>"
                                  f"<recordset>{first}</recordset></datastore></script>"
                                  "<script>$('#1229000002').jpage({dataStore: '', proxyUrl: '/module/web/jpage/dataproxy.jsp', "
                                  f"perPage: {per_page}, totalRecord: {len(titles)}, columnid: 1229000001, unitid: 1229000002, "
                                  "webid: 1});</script></div></body></html>").encode())
        if request.path == "/module/web/jpage/dataproxy.jsp":
            page = int(request.query.get("page") or 1)
            numbers = range((page - 1) * per_page + 1, min(len(titles), page * per_page) + 1)
            return Response(200, (f"<datastore><totalrecord>{len(titles)}</totalrecord><recordset>"
                                  + "".join(record(n) for n in numbers) + "</recordset></datastore>").encode(),
                            "text/xml; charset=utf-8")
        match = re.fullmatch(r"/art/r(\d+)\.html", request.path)
        if not match:
            return Response(404, b"not found")
        return Response(200, report_html(titles[int(match.group(1)) - 1], match.group(1)).encode())

    server = LoopbackHTTPServer(log_requests=True)
    server.start()
    try:
        port = server.listen("127.0.5.44", 0, handle)
        base = f"http://127.0.5.44:{port}"
        portal = Portal(portal_id="pageproxy", division_code="330424", name="X", home_urls=(f"{base}/",),
                        platform="hanweb", report_columns=(ReportColumn(f"{base}/col/col1229000001/index.html"),),
                        extra_domains=("127.0.5.44",))
        outcome = run_crawl([portal], archive_root=tmp_path, settings=FetchSettings(**FAST), run_id="n1")
        requests = list(server.requests)
    finally:
        server.stop()
    assert sorted(d.url.removeprefix(base) for d in outcome.documents) == sorted(f"/art/r{n}.html" for n in range(1, 15))
    pages = sorted(int(parse_qs(urlsplit(r.path).query)["page"][0]) for r in requests
                   if r.path.startswith("/module/web/jpage/dataproxy.jsp"))
    assert pages == [2, 3, 4], "each page once, page 1 never again"


def test_list_apis_that_answer_their_first_page_to_every_request_are_asked_each_page_once(tmp_path):
    """An Epoint list that ignores `pageIndex` is asked for the pages its total announces and no more;
    a TrueCMS servlet that ignores `startrecord` is asked one window past the first, which adds nothing."""
    titles = [f"X镇{2016 + n}年政府信息公开工作年度报告" for n in range(1, 5)]
    items = [{"title": title, "realtitle": title, "infourl": f"/zwgk/e{n}.html", "infodate": f"2024-01-0{n}"}
             for n, title in enumerate(titles, start=1)]
    records = "".join(f"<record><![CDATA[<li><a href='/zwgk/t{n}.html' title='{title}'>{title}</a>"
                      f"<span>2024-01-0{n}</span></li>]]></record>" for n, title in enumerate(titles, start=1))

    def handle(request):
        if request.path == "/dynamic/zwgk/govInfoPub.html":
            return Response(200, (f"<html><head><title>{COLUMN_CHROME}</title></head><body><p>{COLUMN_CHROME}</p>"
                                  "<ul id='infolist'></ul><script>var siteInfo = {\"siteGuid\": "
                                  "\"7eb5f7f1-9041-43ad-8e13-8fcb82ea831a\", \"projectName\": \"/EWB-FRONT\"};"
                                  "Util.ajax({url: siteInfo.projectName + \"/rest/lightfrontaction/getgovinfolist\","
                                  " data: {pageIndex: 0, pageSize: 4}});</script></body></html>").encode())
        if request.path == "/EWB-FRONT/rest/lightfrontaction/getgovinfolist":
            return Response(200, json.dumps({"custom": {"total": 12, "data": items}}).encode(), "application/json")
        if request.path == "/zfxxgk/ndbg/list.html":
            return Response(200, (f"<html><head><title>{COLUMN_CHROME}</title></head><body><p>{COLUMN_CHROME}</p>"
                                  "<div id='list'></div><script>$('#list').truecmsList({columnId:'c1', "
                                  "proxyUrl:'/TrueCMS/messageController/getMessage.do', perpage:4});</script>"
                                  "</body></html>").encode())
        if request.path == "/TrueCMS/messageController/getMessage.do":
            reply = json.dumps({"result": f"<recordset>{records}</recordset>"})
            return Response(200, f"{request.query['callback']}({reply});".encode(), "text/javascript")
        match = re.fullmatch(r"/zwgk/([et])(\d)\.html", request.path)   # the same reports, apart per portal
        if not match:
            return Response(404, b"not found")
        return Response(200, report_html(titles[int(match.group(2)) - 1], match.group(0)).encode())

    server = LoopbackHTTPServer(log_requests=True)
    server.start()
    try:
        port = server.listen("127.0.5.46", 0, handle)
        base = f"http://127.0.5.46:{port}"
        portals = [Portal(portal_id=platform, division_code="330424", name="X", home_urls=(f"{base}/",),
                          platform=platform, report_columns=(ReportColumn(f"{base}{path}"),), extra_domains=("127.0.5.46",))
                   for platform, path in (("epoint", "/dynamic/zwgk/govInfoPub.html?categorynum=003001008"),
                                          ("truecms", "/zfxxgk/ndbg/list.html"))]
        outcome = run_crawl(portals, archive_root=tmp_path, settings=FetchSettings(**FAST), run_id="n1")
        requests = list(server.requests)
    finally:
        server.stop()
    for portal_id in ("epoint", "truecms"):
        assert sorted(d.url.removeprefix(base) for d in outcome.documents if d.portal_id == portal_id) == [
            f"/zwgk/{portal_id[0]}{n}.html" for n in range(1, 5)]
    assert [r.method for r in requests if "getgovinfolist" in r.path] == ["POST"] * 3   # pages 0, 1, 2 of 12 at 4
    windows = [parse_qs(urlsplit(r.path).query)["startrecord"][0] for r in requests if "getMessage.do" in r.path]
    assert windows == ["1", "5"]


@pytest.mark.parametrize(("url", "pager", "pages"), [
    # a pager of numbers and a `>` link, no 下一页: index_1 is page 2 (TRS-style counting)
    ("http://x.gov.cn/c203/index.shtml",
     '<div class="page"><span>共3页</span><span class="cur">1</span><a href="index_1.shtml">2</a><a href="index_2.shtml">3</a>'
     '<a class="next" href="index_1.shtml">&gt;</a><a href="/c101/index_2.shtml">2</a></div>',
     ["http://x.gov.cn/c203/index_1.shtml", "http://x.gov.cn/c203/index_2.shtml"]),
    # a 共N页 jump <select>: page 1's option is never taken, another column's query never matches
    ("http://x.gov.cn/index.php?a=lists&catid=16",
     '共3页 <select onchange="location.href=this.value"><option value="?a=lists&catid=16" selected>1</option>'
     '<option value="?a=lists&catid=16&page=2">2</option><option value="?a=lists&catid=16&page=3">3</option></select>'
     '<a href="?a=lists&catid=17&page=2">[2]</a>',
     ["http://x.gov.cn/index.php?a=lists&catid=16&page=2", "http://x.gov.cn/index.php?a=lists&catid=16&page=3"]),
    # the second page names the first by number: it is not fetched again
    ("http://x.gov.cn/zwgk/nb/list_2.htm", '<a href="list.htm">1</a><span>2</span><a href="list_3.htm">第3页</a>',
     ["http://x.gov.cn/zwgk/nb/list_3.htm"]),
])
def test_a_pager_of_numbers_only_gives_the_later_pages_of_the_same_list(url, pager, pages):
    page = Page(url, f"<ul><li><a href='/c203/202401/a.shtml'>X县2023年政府信息公开工作年度报告</a></li></ul>{pager}")
    assert [r.url for r in PlatformAdapter().next_pages(page)] == pages


def test_a_next_link_that_calls_a_pager_function_follows_the_url_it_builds():
    page = Page("http://x.gov.cn/channel/list.jsp?channelId=33", (
        "<dl><dd><a href='/content/detail.jsp?id=1'>2023年度</a></dd></dl>"
        "<a href='javascript:void(0)' onclick='goPage(2)'>下一页</a>"
        "<script>function goPage(n){window.location.href='list.jsp?channelId=33&pageIndex='+n;}</script>"))
    assert PlatformAdapter().next_pages(page) == [PageRequest("http://x.gov.cn/channel/list.jsp?channelId=33&pageIndex=2")]


def test_a_row_that_only_links_查看_is_titled_by_its_name_cell_and_a_picture_next_link_pages():
    page = Page("http://x.gov.cn/zwgk/nb/index.htm", (
        "<table><tr><th>索引号</th><th>信息名称</th><th>日期</th><th></th></tr>"
        "<tr><td>11320831MB1A23456X/2024-00001</td><td>X县2023年政府信息公开工作年度报告</td><td>2024-01-20</td>"
        "<td><a href='202401/t20240120_1.htm'>查看</a></td></tr></table>"
        "<div class='pager'><a href='index_2.htm'><img src='/img/next.gif' alt='下一页'></a></div>"))
    listing = PlatformAdapter().parse_listing(page)
    assert [(e.title, e.url) for e in listing.entries] == [
        ("X县2023年政府信息公开工作年度报告", "http://x.gov.cn/zwgk/nb/202401/t20240120_1.htm")]
    assert listing.next_pages == [PageRequest("http://x.gov.cn/zwgk/nb/index_2.htm")]


def test_a_page_taken_for_trs_without_create_page_html_pages_by_its_links():
    page = Page("http://x.gov.cn/xxgk/gzbg/index.html", "<ul><li><a href='202401/t20240120_1.htm'>x</a></li></ul>"
                "<a href='index.html?page=2'>下一页</a>")
    assert TrsAdapter().next_pages(page) == [PageRequest("http://x.gov.cn/xxgk/gzbg/index.html?page=2")]


def test_a_list_link_that_opens_its_article_by_script_is_read():
    page = Page("http://x.gov.cn/c205/index.shtml", (
        "<div class='list-item'><h4><a href='javascript:void(0)' onclick=\"window.open('/c203/202401/a.shtml')\">"
        "X镇2023年政府信息公开工作年度报告</a></h4><span>2024/01/20</span></div>"
        "<div class='list-item'><h4><a href='javascript:;' onclick=\"openDetail('/c203/202402/b.shtml')\">X镇人民政府</a>"
        "</h4><span>2024/02/01</span></div>"))
    assert [e.url for e in PlatformAdapter().parse_listing(page).entries] == [
        "http://x.gov.cn/c203/202401/a.shtml", "http://x.gov.cn/c203/202402/b.shtml"]
