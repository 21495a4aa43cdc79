"""Real portal shapes the platform adapters do not know, read by the crawler's general mechanisms:
redirect shells, framed lists, table-row lists under `li a` navigation, cut and bare link texts,
download servlets named only by Content-Disposition, decoys, landing pages and deep sub-columns."""
from urllib.parse import quote

import pytest

from pipeline.crawl.crawler import run_crawl
from pipeline.crawl.discovery import disposition_filename, redirect_shell_target, sniff_document
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.http import LoopbackHTTPServer, Response
from pipeline.registry.model import Portal

FAST = dict(min_delay_s=0.0, jitter_s=0.0, allow_loopback=True, backoff_base_s=0.02, backoff_max_s=0.1,
            retries=1, max_retry_after_s=2, connect_timeout_s=2, read_timeout_s=5)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def report_html(title, n):
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
            f"<div id='zoom'><table><tr><td>收到和处理政府信息公开申请情况</td><td>{n}</td></tr></table></div></body></html>")


def html(body, title="页面"):
    return Response(200, f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>".encode())


NAV = ('<ul class="nav"><li><a href="/">首页</a></li><li><a href="/news/">新闻动态</a></li>'
       '<li><a href="/hd/">互动交流</a></li></ul>')

PAGES = {
    # home: a JavaScript redirect shell to the real home page
    "/": Response(200, b"<html><head><script>window.location.href='/portal/index.html';</script></head><body></body></html>"),
    "/portal/index.html": html(NAV + '<a href="/zwgk/">政务公开</a>', "首页"),
    "/zwgk/": html(NAV + '<a href="/zwgk/nb/">政府信息公开年报</a><a href="/zwgk/zn/">政府信息公开指南</a>'),
    # the report column shows its list in a same-host iframe; the framed page is a meta-refresh shell
    "/zwgk/nb/": html(NAV + '<iframe src="/zwgk/nb/frame.html"></iframe>', "政府信息公开年报"),
    "/zwgk/nb/frame.html": Response(200, b'<html><head><meta http-equiv="refresh" content="0;url=/zwgk/nb/list.html">'
                                         b"</head><body></body></html>"),
    "/zwgk/nb/list.html": html(
        NAV + "<table class='list'>"
        "<tr><td><a href='/zwgk/nb/a1.html'>海盐县2023年政府信息公开工作…</a></td><td>2024-01-20</td></tr>"
        "<tr><td><a href='/zwgk/nb/a2.html'>2022年</a></td><td>2023-01-20</td></tr>"
        "<tr><td><a href='/zwgk/nb/a3.html'>海盐县2021年政府信息公开工作年度报告</a></td><td>2022-01-20</td></tr>"
        "<tr><td><a href='/zwgk/nb/tu.jpg'>图解海盐县2023年政府信息公开工作年度报告</a></td><td>2024-01-21</td></tr>"
        "<tr><td><a href='/zwgk/nb/jd.html'>《海盐县2023年政府信息公开工作年度报告》解读</a></td><td>2024-01-21</td></tr>"
        "<tr><td><a href='/zwgk/nb/tz.html'>关于做好2023年度政府信息公开工作年度报告编制和发布工作的通知</a></td>"
        "<td>2023-12-01</td></tr>"
        "<tr><td><a href='/zwgk/nb/cut.html'>关于做好2023年度政府信息…</a></td><td>2023-12-02</td></tr>"
        "<tr><td><a href='/zwgk/nb/xzjd/'>乡镇街道</a></td><td></td></tr>"
        "</table>", "政府信息公开年报"),
    # a cut title: the article's own title decides; the report is an extension-less servlet download
    "/zwgk/nb/a1.html": html("<h1>海盐县2023年政府信息公开工作年度报告</h1><div class='content'><p>全文见附件。</p>"
                             "<p><a href='/attach/download?guid=7f3a'>附件：海盐县2023年度报告</a></p>"
                             "<p><a href='/zwgk/nb/jd.pdf'>政策解读.pdf</a></p></div>", "海盐县2023年政府信息公开工作年度报告"),
    "/attach/download": Response(200, PDF + b"2023", "application/octet-stream", headers={
        "Content-Disposition": "attachment; filename*=UTF-8''" + quote("海盐县2023年政府信息公开工作年度报告.pdf")}),
    "/zwgk/nb/jd.pdf": Response(200, PDF + b"jd", "application/pdf"),
    # a bare year: the article's own title decides; it has the report both in its body and as a file
    "/zwgk/nb/a2.html": html("<h1>海盐县2022年政府信息公开工作年度报告</h1><div id='zoom'><table><tr><td>申请</td><td>3</td></tr>"
                             "</table><a href='/uploadfiles/2022nb.pdf'>海盐县2022年政府信息公开工作年度报告.pdf</a></div>",
                             "海盐县2022年政府信息公开工作年度报告"),
    "/uploadfiles/2022nb.pdf": Response(200, PDF + b"2022", "application/pdf"),
    "/zwgk/nb/a3.html": Response(200, report_html("海盐县2021年政府信息公开工作年度报告", 21).encode()),
    "/zwgk/nb/tu.jpg": Response(200, b"\xff\xd8\xff\xe0picture", "image/jpeg"),
    "/zwgk/nb/jd.html": Response(200, report_html("《海盐县2023年政府信息公开工作年度报告》解读", 0).encode()),
    "/zwgk/nb/tz.html": Response(200, report_html("关于做好2023年度政府信息公开工作年度报告编制和发布工作的通知", 0).encode()),
    "/zwgk/nb/cut.html": Response(200, report_html("关于做好2023年度政府信息公开工作年度报告编制和发布工作的通知", 0).encode()),
    # sub-columns three levels deep: 乡镇街道 → 镇（街道） → a town, whose report is a GBK-named servlet file
    "/zwgk/nb/xzjd/": html(NAV + "<ul class='sub'><li><a href='/zwgk/nb/xzjd/zj/'>镇（街道）</a></li></ul>", "乡镇街道"),
    "/zwgk/nb/xzjd/zj/": html(NAV + "<ul class='sub'><li><a href='/zwgk/nb/xzjd/zj/ty/'>通元镇</a></li></ul>", "镇（街道）"),
    "/zwgk/nb/xzjd/zj/ty/": html(NAV + "<ul class='list'><li><a href='/DownLoad.ashx?id=88'>通元镇2023年政府信息公开工作年度报告"
                                 "</a><span>2024-01-05</span></li></ul>", "通元镇"),
    "/DownLoad.ashx": Response(200, PDF + b"ty", "application/octet-stream", headers={
        "Content-Disposition": 'attachment; filename="' + "通元镇2023年报.pdf".encode("gbk").decode("latin-1") + '"'}),
}


class Site:
    def __call__(self, request):
        return PAGES.get(request.path) or Response(404, b"<html><body>not found</body></html>")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    server = LoopbackHTTPServer(log_requests=True)
    server.start()
    try:
        port = server.listen("127.0.5.40", 0, Site())
        base = f"http://127.0.5.40:{port}"
        portal = Portal(portal_id="shapes", division_code="330424", name="海盐县人民政府", home_urls=(f"{base}/",),
                        extra_domains=("127.0.5.40",))
        outcome = run_crawl([portal], archive_root=tmp_path_factory.mktemp("a"),
                            settings=FetchSettings(**FAST), run_id="n1")
        yield base, outcome, list(server.requests)
    finally:
        server.stop()


def test_every_report_is_archived_once_as_the_document_and_no_decoy(crawled):
    base, outcome, _ = crawled
    assert outcome.health[0].outcome == "ok", outcome.health[0].detail
    got = sorted(d.url.removeprefix(base) for d in outcome.documents)
    assert got == ["/DownLoad.ashx?id=88", "/attach/download?guid=7f3a", "/uploadfiles/2022nb.pdf", "/zwgk/nb/a3.html"]


def test_a_servlet_document_is_named_by_its_content_disposition_and_its_article_is_the_landing_page(crawled):
    base, outcome, _ = crawled
    by_url = {d.url.removeprefix(base): d for d in outcome.documents}
    assert by_url["/attach/download?guid=7f3a"].filename == "海盐县2023年政府信息公开工作年度报告.pdf"
    assert by_url["/attach/download?guid=7f3a"].listing_url == f"{base}/zwgk/nb/a1.html"
    assert by_url["/DownLoad.ashx?id=88"].filename == "通元镇2023年报.pdf"
    assert by_url["/uploadfiles/2022nb.pdf"].listing_url == f"{base}/zwgk/nb/a2.html"


def test_decoys_are_never_fetched_as_reports(crawled):
    _, _, requests = crawled
    paths = {r.path for r in requests}
    assert not paths & {"/zwgk/nb/tu.jpg", "/zwgk/nb/jd.html", "/zwgk/nb/tz.html", "/zwgk/nb/jd.pdf"}


def test_redirect_shells_are_followed_and_challenge_stubs_are_not():
    shell = "<html><head><script>location.replace('/xxgk/index.html')</script></head><body></body></html>"
    assert redirect_shell_target(shell, "http://www.x.gov.cn/") == "http://www.x.gov.cn/xxgk/index.html"
    assert redirect_shell_target(shell.replace("/xxgk/", "http://xxgk.x.gov.cn/"), "http://www.x.gov.cn/") \
        == "http://xxgk.x.gov.cn/index.html"
    assert redirect_shell_target(shell.replace("/xxgk/", "http://spam.example.com/"), "http://www.x.gov.cn/") is None
    challenge = "<script>document.cookie='__jsl_clearance=1';location.href='/xxgk/index.html'</script>"
    assert redirect_shell_target(challenge, "http://www.x.gov.cn/") is None
    page = "<html><body><p>" + "正文" * 200 + "</p><script>location.href='/a.html'</script></body></html>"
    assert redirect_shell_target(page, "http://www.x.gov.cn/") is None


@pytest.mark.parametrize(("header", "name"), [
    ("attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf", "年报.pdf"),
    ("attachment; filename=\"nb.pdf\"; filename*=utf-8''%E5%B9%B4%E6%8A%A5.pdf", "年报.pdf"),
    ('attachment; filename="%E5%B9%B4%E6%8A%A5.docx"', "年报.docx"),
    ('attachment; filename="' + "年报.pdf".encode("gbk").decode("latin-1") + '"', "年报.pdf"),
    ('attachment; filename="' + "年报.pdf".encode("utf-8").decode("latin-1") + '"', "年报.pdf"),
    (None, None),
])
def test_content_disposition_file_names(header, name):
    assert disposition_filename(header) == name


def test_documents_are_told_from_pages_by_their_bytes():
    assert sniff_document(PDF, "application/octet-stream") == "pdf"
    assert sniff_document(b"PK\x03\x04rest", None) == "docx"
    assert sniff_document(b"<html><body>x</body></html>", "application/octet-stream") is None
    assert sniff_document(b"\x00\x01", "application/msword") == "doc"


def test_sub_columns_named_by_a_group_or_year_are_followed_anywhere_on_the_host():
    from pipeline.crawl.discovery import sub_column_links

    page = ("<ul><li><a href='/bmxxgk/index.html'>区政府部门</a></li><li><a href='/xxgk/xzjd/list.aspx'>镇（街道）</a></li>"
            "<li><a href='/public/column/6597?type=4&catId=7&action=list'>2023年</a></li>"
            "<li><a href='/news/index.html'>新闻中心</a></li><li><a href='/art/2024/1/2/art_1_2.html'>2023年度</a></li></ul>")
    assert sub_column_links(page, "http://www.x.gov.cn/zwgk/nb/index.html") == [
        "http://www.x.gov.cn/bmxxgk/index.html", "http://www.x.gov.cn/xxgk/xzjd/list.aspx",
        "http://www.x.gov.cn/public/column/6597?type=4&catId=7&action=list"]


def test_a_home_page_in_frames_is_searched_through_its_frames():
    import asyncio

    from pipeline.crawl.discovery import discover_columns

    pages = {"http://www.x.gov.cn/": "<frameset><frame src='/main.html'></frameset>",
             "http://www.x.gov.cn/main.html": "<a href='/zwgk/nb/'>政府信息公开年报</a>"}

    async def fetch_text(url):
        return pages.get(url)

    assert asyncio.run(discover_columns("http://www.x.gov.cn/", fetch_text)) == ["http://www.x.gov.cn/zwgk/nb/"]
