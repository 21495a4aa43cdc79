"""The mechanisms behind the residue shapes, one by one: attachments a detail page opens by script, a report column
that names itself nowhere rendered on the strength of the link that led to it, and a small report block read beside
a longer dated news list."""
import pytest

from pipeline.crawl.discovery import find_attachments
from pipeline.crawl.platforms.base import Page, PlatformAdapter
from pipeline.crawl.rendered import names_another_column, needs_render

BASE = "http://www.example.gov.cn/zwgk/art/2024/1.html"


@pytest.mark.parametrize(("markup", "url"), [
    ("""<a href="javascript:;" onclick="window.open('/uploadfiles/2024/1.pdf')">某县2023年报告</a>""",
     "http://www.example.gov.cn/uploadfiles/2024/1.pdf"),
    ("""<a href="javascript:void(0)" data-file="/uploadfiles/2024/2.docx">下载附件</a>""",
     "http://www.example.gov.cn/uploadfiles/2024/2.docx"),
    ("""<a href="javascript:void(0)" data-path="/attach/download?id=7">下载附件</a>""",
     "http://www.example.gov.cn/attach/download?id=7"),
])
def test_a_file_opened_by_script_or_named_in_a_data_attribute_is_an_attachment(markup, url):
    assert [a.url for a in find_attachments(f"<html><body>{markup}</body></html>", BASE)] == [url]


def test_an_onclick_that_opens_a_page_is_no_attachment():
    markup = """<a href="javascript:;" onclick="window.open('/zwgk/art/2.html')">详情</a>"""
    assert find_attachments(f"<html><body>{markup}</body></html>", BASE) == []


CHROME = "".join(f'<a href="/nav{i}.html">栏目{i}</a>' for i in range(45))
LIST_SCRIPT = '<script>var x = new XMLHttpRequest(); x.open("GET", "/api/lm/list.json?page=1");</script>'


@pytest.mark.parametrize(("head", "crumb", "render"), [
    ("<title>某某县人民政府</title>", "", True),                               # names nothing: trust the link
    ("<title>某某县_某某县人民政府</title>", "", True),
    ("<title>政策解读_某某县人民政府</title>", "", False),                      # names another column
    ('<meta name="ColumnName" content="新闻动态"><title>某某县人民政府</title>', "", False),
    ("<title>某某县人民政府</title>", '<div class="position">首页 > 政务公开 > 办事指南</div>', False),
])
def test_a_full_chrome_column_that_names_no_other_column_is_rendered(head, crumb, render):
    text = f'<html><head>{head}</head><body>{crumb}{CHROME}<ul id="list"></ul>{LIST_SCRIPT}</body></html>'
    assert needs_render(text, "http://www.example.gov.cn/zwgk/lm0417/index.html", reports=0, pages_read=1) is render


def test_a_sidebar_heading_does_not_name_the_page():
    from selectolax.lexbor import LexborHTMLParser
    tree = LexborHTMLParser("<html><head><title>某某县人民政府</title></head><body><h3>热点新闻</h3></body></html>")
    assert not names_another_column(tree)


def test_a_small_report_block_is_read_beside_a_longer_dated_news_list():
    news = "".join(f'<li><a href="/xw/{i}.html">我县召开第{i}次工作会议</a><span>2025-01-{10 + i}</span></li>'
                   for i in range(12))
    reports = ('<li><a href="/art/3.html">某某县2024年政府信息公开工作年度报告</a><span>2025-01-20</span></li>'
               '<li><a href="/art/2.html">2023年</a><span>2024-01-20</span></li>')
    text = (f'<html><head><title>年度报告</title></head><body><div class="hot"><ul>{news}</ul></div>'
            f'<div class="list"><ul>{reports}</ul></div></body></html>')
    entries = PlatformAdapter().parse_listing(Page("http://www.example.gov.cn/zwgk/lm0430/index.html", text)).entries
    by_url = {entry.url.rsplit("/", 1)[1]: entry for entry in entries}
    assert {"3.html", "2.html"} <= set(by_url)
    assert by_url["2.html"].verify, "a bare year beside report titles is judged by its document"
    assert not any(entry.verify for name, entry in by_url.items() if name not in ("3.html", "2.html"))
