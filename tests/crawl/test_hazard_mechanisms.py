"""The mechanisms the hazards portals (`sites/hazards.py`) need, one by one: other annual reports and notices about a
report are not reports, a neighbour's report is not ours, `<base href>`, rows that are links, tabs named by
`data-url`, pagers that submit a form, and one site under two host names."""
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from pipeline.crawl.crawler import is_report_list, neighbours_report
from pipeline.crawl.discovery import (
    column_links, find_attachments, frame_sources, link_base, names_other_region, names_other_report,
    recognise_report_title, same_site, sub_column_links, unverified_report_link,
)
from pipeline.crawl.platforms import ListingEntry, Page, PageRequest, PlatformAdapter
from pipeline.crawl.rendered import load_more_endpoint
from pipeline.registry.model import Portal

SITE = "http://www.sc.gov.cn"


@pytest.mark.parametrize("title", ["关于遂昌县2022年政府信息公开工作年度报告的更正说明", "遂昌县2022年政府信息公开工作年度报告的说明",
                                   "《遂昌县2022年政府信息公开工作年度报告》勘误", "2022年政府信息公开工作年度报告更正声明"])
def test_notices_about_a_report_are_not_reports(title):
    assert recognise_report_title(title) is None


@pytest.mark.parametrize("title", ["遂昌县2022年政府信息公开工作年度报告（更正版）", "关于公布遂昌县2022年政府信息公开工作年度报告的公告",
                                   "遂昌县审计局2023年政府信息公开工作年度报告", "遂昌县2017年政府信息公开工作年度报告"])
def test_corrected_reports_published_ones_and_old_ones_are_reports(title):
    assert recognise_report_title(title) is not None


@pytest.mark.parametrize("name, other", [("法治政府建设年度报告", True), ("政府网站工作年报", True), ("政务新媒体年度报表", True),
                                         ("12345热线年度报告", True), ("统计公报", True), ("政府工作报告", True),
                                         ("政府信息公开年报", False), ("政务公开年报", False), ("年度报告", False),
                                         ("政务服务管理局信息公开年报", False), ("县审计局", False),
                                         ("县政务服务管理局", False)])
def test_other_kinds_of_annual_report_are_told_apart(name, other):
    assert names_other_report(name) is other


def test_a_column_of_another_kind_of_report_is_neither_a_column_nor_a_sub_column():
    page = ('<a href="/zwgk/ndbg/index.html">年度报告</a><a href="/zwgk/wz/index.html">政府网站工作年报</a>'
            '<a href="/zwgk/ndbg/sjj/index.html">县审计局</a>'
            '<a href="/zwgk/ndbg/fz/index.html">法治政府建设年度报告</a><a href="/zwgk/ndbg/xxgk/index.html">政府信息公开工作年度报告</a>')
    assert [link.url for link in column_links(page, f"{SITE}/zwgk/index.html") if link.score == 2] == [
        f"{SITE}/zwgk/ndbg/index.html", f"{SITE}/zwgk/ndbg/xxgk/index.html"]
    assert sub_column_links(page, f"{SITE}/zwgk/ndbg/index.html") == [f"{SITE}/zwgk/ndbg/sjj/index.html",
                                                                     f"{SITE}/zwgk/ndbg/xxgk/index.html"]


@pytest.mark.parametrize("title, foreign", [("松阳县2024年政府信息公开工作年度报告", True), ("丽水市2024年政府信息公开工作年度报告", True),
                                            ("遂昌县2024年政府信息公开工作年度报告", False),
                                            ("丽水市生态环境局遂昌分局2024年政府信息公开工作年度报告", False),
                                            ("遂昌经济开发区管委会2024年政府信息公开工作年度报告", False),
                                            ("妙高街道2024年政府信息公开工作年度报告", False), ("2024年政府信息公开工作年度报告", False)])
def test_a_report_naming_another_county_is_a_neighbours(title, foreign):
    assert names_other_region(title, "遂昌县人民政府") is foreign


def test_a_neighbours_report_is_told_by_where_it_is_linked_and_whom_it_names():
    portal = Portal(portal_id="p", division_code="331123", name="遂昌县人民政府", home_urls=(f"{SITE}/",))
    neighbour = ListingEntry("松阳县2024年政府信息公开工作年度报告", f"{SITE}/lj/1.pdf", outside_list=True)
    elsewhere = ListingEntry("遂昌县2024年政府信息公开工作年度报告", "http://www.sy.gov.cn/1.pdf", outside_list=True)
    assert neighbours_report(portal, neighbour, f"{SITE}/nb/") and neighbours_report(portal, elsewhere, f"{SITE}/nb/")
    assert not neighbours_report(portal, ListingEntry(neighbour.title, neighbour.url), f"{SITE}/nb/")
    listed_off_site = ListingEntry("松阳县2024年政府信息公开工作年度报告", "http://www.sy.gov.cn/1.pdf")
    assert neighbours_report(portal, listed_off_site, f"{SITE}/nb/")
    assert not neighbours_report(portal, ListingEntry(elsewhere.title, elsewhere.url), f"{SITE}/nb/")


def test_a_report_link_in_a_side_box_is_marked_outside_the_list():
    rows = "".join(f'<li><a href="/nb/t{y}.html">遂昌县{y}年政府信息公开工作年度报告</a><span>{y + 1}-01-20</span></li>' for y in (2022, 2023))
    page = f'<ul class="list">{rows}</ul><div class="related"><ul><li><a href="/lj/1.pdf">松阳县2023年政府信息公开工作年度报告</a></li></ul></div>'
    entries = PlatformAdapter().parse_listing(Page(f"{SITE}/nb/index.html", page)).entries
    assert [(e.url.rsplit("/", 1)[-1], e.outside_list) for e in entries] == [("t2022.html", False), ("t2023.html", False), ("1.pdf", True)]


def test_relative_links_resolve_against_base_href():
    page = f'<html><head><base href="{SITE}/"></head><body><a href="xxgk/nb/index.html">政府信息公开年报</a>' \
           '<iframe src="xxgk/nb/list.html"></iframe><a href="upload/1.pdf">附件</a></body></html>'
    url = f"{SITE}/xxgk/index.html"
    assert link_base(HTMLParser(page), url) == f"{SITE}/"
    assert [link.url for link in column_links(page, url)] == [f"{SITE}/xxgk/nb/index.html"]
    assert frame_sources(page, url) == [f"{SITE}/xxgk/nb/list.html"]
    assert [a.url for a in find_attachments(page, url)] == [f"{SITE}/upload/1.pdf"]
    assert link_base(HTMLParser("<a href='x.html'>x</a>"), url) == url


def test_rows_that_are_links_by_onclick_or_data_href_are_entries_named_by_their_name_cell():
    page = ('<table><tbody>'
            '<tr style="cursor:pointer" onclick="location.href=\'/nb/2023/t1.html\'"><td>1</td>'
            '<td>石城县2023年政府信息公开工作年度报告</td><td>2024-01-20</td></tr>'
            '<tr data-href="/nb/2023/t2.html"><td>2</td><td>琴江镇2023年政府信息公开工作年度报告</td><td>2024-01-21</td></tr>'
            '</tbody></table><ul><li data-url="/nb/2022/t3.html">小松镇2022年政府信息公开工作年度报告 2023-01-05</li></ul>')
    entries = PlatformAdapter().parse_listing(Page(f"{SITE}/nb/2023/list.html", page)).entries
    assert [(e.url, e.title) for e in entries][:2] == [
        (f"{SITE}/nb/2023/t1.html", "石城县2023年政府信息公开工作年度报告"), (f"{SITE}/nb/2023/t2.html", "琴江镇2023年政府信息公开工作年度报告")]
    assert entries[0].date is not None


def test_a_block_holding_real_links_is_not_itself_a_link():
    page = ('<div class="list" data-url="/api/nb/list.json"><ul>'
            '<li><a href="/nb/t1.html">石城县2023年政府信息公开工作年度报告</a><span>2024-01-20</span></li></ul></div>')
    entries = PlatformAdapter().parse_listing(Page(f"{SITE}/nb/index.html", page)).entries
    assert [e.url for e in entries] == [f"{SITE}/nb/t1.html"]


def test_year_tabs_named_by_data_url_are_sub_columns():
    page = '<ul class="tab"><li data-url="/xxgk/nb/2024/list.html">2024年</li><li data-url="/xxgk/nb/2023/list.html">2023年</li></ul>'
    assert sub_column_links(page, f"{SITE}/xxgk/nb/index.html") == [f"{SITE}/xxgk/nb/2024/list.html",
                                                                   f"{SITE}/xxgk/nb/2023/list.html"]


PAGER = ('<form id="f" method="{method}" action="list.html"><input type="hidden" name="channelId" value="7">'
         '<input type="hidden" id="pageNo" name="pageNo" value="{page}"></form>'
         '<a href="javascript:void(0)" onclick="toPage({next})">下一页</a>'
         "<script>function toPage(n){{document.getElementById('pageNo').value=n;document.getElementById('f').submit();}}</script>")


def test_a_pager_function_that_submits_a_form_posts_its_page_field():
    url = f"{SITE}/nb/list.html"
    assert PlatformAdapter().next_pages(Page(url, PAGER.format(method="post", page=1, next=2))) == [
        PageRequest(url, "POST", (("channelId", "7"), ("pageNo", "2")))]
    assert PlatformAdapter().next_pages(Page(url, PAGER.format(method="get", page=2, next=3))) == [
        PageRequest(f"{url}?channelId=7&pageNo=3")]
    assert PlatformAdapter().next_pages(Page(url, PAGER.format(method="post", page=2, next=2))) == []


def test_a_bare_host_and_its_www_host_are_one_site():
    assert same_site("http://sc.gov.cn/", "https://www.sc.gov.cn/xxgk/")
    assert not same_site("http://www.sc.gov.cn/", "http://www.sy.gov.cn/")


LIST = '<ul id="list"><li><a href="/nb/t1.html">石城县2024年政府信息公开工作年度报告</a></li></ul>'


@pytest.mark.parametrize("control, script, expected", [
    ('<a href="javascript:;" id="more">加载更多</a>', "$.get('/nb/list.json',{page:page,size:4,col:'nb'},f)",
     ("http://www.sc.gov.cn/nb/list.json?size=4&col=nb&page=2", "GET", None)),
    ("<button>点击加载更多</button>", "$.post('/nb/list.do',{pageNo:n+1},f)",
     ("http://www.sc.gov.cn/nb/list.do", "POST", {"pageNo": "2"})),
    ('<div class="more">查看更多</div>', "$.getJSON('/nb/list.json?col=5&pageIndex=' + page, f)",
     ("http://www.sc.gov.cn/nb/list.json?col=5&pageIndex=2", "GET", None)),
])
def test_a_load_more_button_names_its_list_endpoint(control, script, expected):
    more = load_more_endpoint(f"{LIST}{control}<script>var page=1;function more(){{page++;{script}}}</script>",
                              f"{SITE}/nb/index.html")
    assert more is not None and more.request(2) == expected


@pytest.mark.parametrize("page", [
    f"{LIST}<script>$.get('/nb/list.json',{{page:page}},f)</script>",                               # no button
    f"{LIST}<a href='/nb/index_1.html'>查看更多</a><script>$.get('/nb/list.json',{{page:p}},f)</script>",   # a real link
    f"{LIST}<button>加载更多</button><script>$.get('http://tj.example.com/list.json',{{page:p}},f)</script>",  # off-site
    f"{LIST}<button>加载更多</button><script>$.get('/nb/hits.json',{{id:3}},f)</script>",             # no page field
])
def test_no_load_more_endpoint_without_a_button_a_page_field_or_on_another_host(page):
    assert load_more_endpoint(page, f"{SITE}/nb/index.html") is None


def test_a_frameset_column_is_read_through_its_same_site_frames():
    page = ('<html><frameset cols="200,*"><frame src="left.html"><frame src="list.html">'
            '<frame src="http://tongji.example.com/c.html"></frameset></html>')
    assert frame_sources(page, f"{SITE}/xxgk/nb/index.html") == [f"{SITE}/xxgk/nb/left.html", f"{SITE}/xxgk/nb/list.html"]


@pytest.mark.parametrize("text, verify", [("遂昌县2023年政府网站工作年…", False), ("遂昌县2023年法治政府建设年…", False),
                                          ("遂昌县审计局2023年政府信…", True), ("遂昌县2023年政府信息公开…", True)])
def test_a_cut_title_that_already_names_another_kind_of_report_is_not_judged(text, verify):
    assert unverified_report_link(text, f"{SITE}/nb/t1.html", True, f"{SITE}/nb/index.html") is verify


def test_sub_columns_on_the_bare_or_www_host_of_the_same_site_are_read():
    page = ('<ul><li><a href="http://sc.gov.cn/xxgk/nb/2023/index.html">2023年</a></li>'
            '<li><a href="http://www.sy.gov.cn/xxgk/nb/2023/index.html">2023年</a></li></ul>')
    assert sub_column_links(page, "https://www.sc.gov.cn/xxgk/nb/index.html") == ["http://sc.gov.cn/xxgk/nb/2023/index.html"]


def test_a_page_titled_like_a_report_that_lists_reports_is_a_list_and_an_old_text_report_is_not():
    towns = "".join(f'<li><a href="/nb/xz/t{n}.html">{town}2024年政府信息公开工作年度报告</a><span>2025-01-2{n}</span></li>'
                    for n, town in enumerate(("妙高街道", "云峰街道")))
    listing = f"<html><body><h2>遂昌县2024年乡镇（街道）政府信息公开工作年度报告</h2><ul>{towns}</ul></body></html>"
    assert is_report_list(PlatformAdapter(), Page(f"{SITE}/nb/xz/index.html", listing))
    text = "<p>" + "本机关依法做好政府信息主动公开工作，" * 80 + "</p>"
    report = (f"<html><body><h1>遂昌县2010年政府信息公开工作年度报告</h1>{text}<div class='related'><h3>相关阅读</h3>"
              f"<ul>{towns}</ul></div></body></html>")
    assert not is_report_list(PlatformAdapter(), Page(f"{SITE}/nb/t2010.html", report))
