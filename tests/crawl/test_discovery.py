import asyncio
from datetime import date

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from pipeline.crawl.discovery import (
    ReportTitle, column_links, decode_page, discover_columns, disposition_filename, find_attachments, is_download_link,
    page_meta, parse_date,
    recognise_report_title, redirect_shell_target, site_id_division, sub_column_links, unverified_report_link,
)

REPORT_HTML = "<html><head><meta charset=\"{charset}\"><title>通元镇2021年度政府信息公开工作年度报告</title></head><body><p>表格</p></body></html>"


@pytest.mark.parametrize("charset", ["gb2312", "GBK", "gb18030"])
def test_gb_pages_decode_as_gb18030(charset):
    body = REPORT_HTML.format(charset=charset).encode("gb18030")
    assert "通元镇2021年度" in decode_page(body)


def test_header_charset_wins_over_guessing():
    body = "<p>政府信息公开</p>".encode("gbk")
    assert decode_page(body, "text/html; charset=GBK") == "<p>政府信息公开</p>"


def test_latin1_claim_on_utf8_bytes_is_not_trusted():
    body = "<p>政府信息公开</p>".encode("utf-8")
    assert decode_page(body, "text/html; charset=iso-8859-1") == "<p>政府信息公开</p>"


def test_wrong_meta_charset_falls_back_to_what_decodes():
    body = "<meta charset=\"utf-8\"><p>政府信息公开年报</p>".encode("gb18030")
    assert "政府信息公开年报" in decode_page(body)


def test_utf8_bom_is_dropped():
    assert decode_page("\ufeff<p>年报</p>".encode("utf-8")) == "<p>年报</p>"


@pytest.mark.parametrize("title, year, publisher", [
    ("通元镇人民政府2019年政府信息公开工作年度报告", 2019, "通元镇人民政府"),
    ("海盐县2022年度信息公开工作报告", 2022, "海盐县"),
    ("XX局2020年信息公开年报", 2020, "XX局"),
    ("2021年政府信息公开工作年度报告（通元镇）", 2021, "通元镇"),
    ("2023年度政府信息公开工作年度报告", 2023, None),
    ("澉浦镇二〇二〇年度政府信息公开工作报告", 2020, "澉浦镇"),
    ("《汉阳区2022年政府信息公开工作年度报告》", 2022, "汉阳区"),
    ("通元镇 2021 年度政府信息公开工作年度报告", 2021, "通元镇"),
    ("镇坪县 2019 年政府信息公开工作年度报告", 2019, "镇坪县"),
    ("洱源县政务服务管理局2020年政府信息公开工作年度报告", 2020, "洱源县政务服务管理局"),
    ("益阳高新区市场监督管理局2020年度政府信息公开工作年度报告", 2020, "益阳高新区市场监督管理局"),
])
def test_report_titles_give_year_and_publisher(title, year, publisher):
    found = recognise_report_title(title)
    assert found is not None and (found.year, found.publisher) == (year, publisher)


@pytest.mark.parametrize("title", [
    "关于做好2022年度政府信息公开工作年度报告编制发布工作的通知",
    "关于报送2021年政府信息公开工作年度报告的通知",
    "湖口县2021年政务公开工作要点",
    "政府信息公开指南",
    "",
    None,
])
def test_non_reports_are_not_recognised(title):
    assert recognise_report_title(title) is None


@pytest.mark.parametrize("text, expected", [
    ("发布日期：2022-01-11", date(2022, 1, 11)),
    ("2022/1/9", date(2022, 1, 9)),
    ("2024年01月18日", date(2024, 1, 18)),
    ("t20230119_2136694", date(2023, 1, 19)),
    ("2022-13-45 then 2021-02-03", date(2021, 2, 3)),
    ("no date", None),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


def test_meta_tags_and_site_id_code():
    html = ('<meta name="ArticleTitle" content="X镇2021年政府信息公开工作年度报告">'
            '<meta name="PubDate" content="2022-01-11 10:00"><meta name="SiteIDCode" content="3304240001">')
    meta = page_meta(html)
    assert meta["articletitle"].startswith("X镇") and meta["pubdate"].startswith("2022-01-11")
    assert site_id_division(meta["siteidcode"]) == "330424"
    assert site_id_division("bad") is None


def test_attachments_from_href_oldsrc_script_and_body_images_only():
    html = """<html><body><img src="/logo.png">
    <div id="zoom"><img src="./W020.jpg" alt="表"><a href="./P020.pdf">年报.pdf</a>
    <a href="/module/download/downfile.jsp?classid=0&filename=abc.docx">下载</a>
    <a href="./other.html">正文</a><span oldsrc="P021.wps"></span></div>
    <script>var appLinkStr = '<a href="./P022.ofd">x</a>';</script></body></html>"""
    body = HTMLParser('<div id="zoom"><img src="./W020.jpg" alt="表"></div>')
    found = {a.url: a.name for a in find_attachments(html, "http://x.gov.cn/a/202201/t20220111_1.html", body=body)}
    base = "http://x.gov.cn/a/202201/"
    assert found == {
        base + "P020.pdf": "年报.pdf",
        "http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=abc.docx": "下载",
        base + "P021.wps": None,
        base + "P022.ofd": None,
        base + "W020.jpg": "表",
    }


HOME = """<html><body><a href="/xwzx/">新闻中心</a><a href="/zfxxgk/">政府信息公开</a><a href="/gk/zfxxgknb/">信息公开</a>
<a href="/zwgk/zfxxgknb/">政府信息公开年报</a><a href="/a/t1.html">X镇2021年政府信息公开工作年度报告</a></body></html>"""


def test_column_links_rank_report_columns_over_disclosure_sections():
    links = column_links(HOME, "http://x.gov.cn/")
    assert [(l.url, l.score) for l in links] == [
        ("http://x.gov.cn/gk/zfxxgknb/", 2), ("http://x.gov.cn/zwgk/zfxxgknb/", 2), ("http://x.gov.cn/zfxxgk/", 1),
    ]


def site(pages):
    async def fetch_text(url):
        return pages.get(url)
    return fetch_text


def test_discovery_follows_disclosure_sections_two_levels():
    pages = {
        "http://x.gov.cn/": '<a href="/zwgk/">政务公开</a><a href="/news/">新闻</a>',
        "http://x.gov.cn/zwgk/": '<a href="/zwgk/zfxxgk/">政府信息公开</a>',
        "http://x.gov.cn/zwgk/zfxxgk/": '<a href="nb/">年度报告</a>',
    }
    found = asyncio.run(discover_columns("http://x.gov.cn/", site(pages)))
    assert found == ["http://x.gov.cn/zwgk/zfxxgk/nb/"]


def test_discovery_gives_nothing_when_no_column_and_survives_dead_links():
    pages = {"http://x.gov.cn/": '<a href="/zwgk/">政务公开</a>'}
    assert asyncio.run(discover_columns("http://x.gov.cn/", site(pages))) == []


def test_a_script_label_naming_a_file_is_not_an_attachment():
    html = '<script>var appLinkStr = "./P020.pdf"; var appDesc = "湖口县2023年政府信息公开工作年度报告.pdf";</script>'
    assert [a.url for a in find_attachments(html, "http://x.gov.cn/nb/202401/t1.html")] == ["http://x.gov.cn/nb/202401/P020.pdf"]


def test_sub_columns_are_publisher_or_year_links_below_the_column():
    from pipeline.crawl.discovery import sub_column_links

    hanweb = ('<a href="/">首页</a><a href="/col/col21/index.html">政府信息公开指南</a>'
              '<a href="/col/col31/index.html">通元镇</a><a href="/col/col32/index.html">西塘桥街道</a>'
              '<a href="/col/col5/index.html">政务服务</a><a href="/art/2024/1/1/art_1_2.html">通元镇2023年政府信息公开工作年度报告</a>')
    assert sub_column_links(hanweb, "http://x.gov.cn/col/col30/index.html") == [
        "http://x.gov.cn/col/col31/index.html", "http://x.gov.cn/col/col32/index.html"]
    trs = ('<a href="2021n/">2021年</a><a href="nb_2022n/index.html">2022年度</a><a href="../">政府信息公开</a>'
           '<a href="./202301/t20230101_1.html">A镇</a><a href="xzjd/">乡镇街道年报</a><a href="/other/">县发改局</a>')
    assert sub_column_links(trs, "http://x.gov.cn/zfxxgk/zfxxgknb/index.html") == [
        "http://x.gov.cn/zfxxgk/zfxxgknb/2021n/", "http://x.gov.cn/zfxxgk/zfxxgknb/nb_2022n/index.html",
        "http://x.gov.cn/zfxxgk/zfxxgknb/xzjd/"]


def test_a_catalogue_page_found_on_the_way_is_taken_as_the_column():
    pages = {"http://x.gov.cn/": '<a href="/gkmlpt/index">政府信息公开</a>',
             "http://x.gov.cn/gkmlpt/index": "<script>window._CONFIG = {SID: '1'};</script>"}
    found = asyncio.run(discover_columns("http://x.gov.cn/", site(pages), is_column=lambda text, url: "_CONFIG" in text))
    assert found == ["http://x.gov.cn/gkmlpt/index"]


def test_sitefactory_town_columns_at_flat_category_ids_are_sub_columns():
    from pipeline.crawl.discovery import sub_column_links

    page = ('<a href="/Category_1/Index.aspx">网站首页</a><a href="/Category_35/Index.aspx">排沙镇</a>'
            '<a href="/Category_36/Index.aspx">南街街道</a><a class="node" href="/Category_35/Index.aspx">[排沙镇]</a>'
            '<a href="/Item/1001.aspx">排沙镇人民政府2024年政府信息公开工作年度报告</a>')
    assert sub_column_links(page, "http://x.gov.cn/Category_34/Index.aspx") == [
        "http://x.gov.cn/Category_35/Index.aspx", "http://x.gov.cn/Category_36/Index.aspx"]


def test_every_same_host_gkmlpt_catalogue_is_a_column_whatever_its_text():
    page = ('<a href="/gkmlpt/index">揭西县信息公开目录</a><a href="/hpjd/gkmlpt/index">河婆街道</a>'
            '<a href="/jyj/gkmlpt/index">县教育局</a><a href="http://www.jieyang.gov.cn/gkmlpt/index">揭阳市政府信息公开</a>')
    assert [(link.url, link.score) for link in column_links(page, "http://x.gov.cn/zwgk/index.html")] == [
        ("http://x.gov.cn/gkmlpt/index", 2), ("http://x.gov.cn/hpjd/gkmlpt/index", 2), ("http://x.gov.cn/jyj/gkmlpt/index", 2),
        ("http://www.jieyang.gov.cn/gkmlpt/index", 1)]   # another host's catalogue is only a section


def test_ucap_document_links_are_attachments():
    body = ('<div class="article"><p>全文见附件：<a href="/doc/ucap/1749973237782081536/document/20250121/FST3CSb2.pdf">'
            'X县2024年政府信息公开工作年度报告.pdf</a></p></div>')
    [attachment] = find_attachments(body, "https://x.gov.cn/art/2025/1/21/art_1_2.html")
    assert attachment.url == "https://x.gov.cn/doc/ucap/1749973237782081536/document/20250121/FST3CSb2.pdf"


@pytest.mark.parametrize(("title", "year", "publisher"), [
    ("2023年X县教育局政府信息公开工作年度报告", 2023, "X县教育局"),
    ("2022年度政府信息公开工作年度报告", 2022, None),
    ("X县2023年度信息公开年报", 2023, "X县"),
])
def test_titles_that_put_the_year_first_are_reports(title, year, publisher):
    assert recognise_report_title(title) == ReportTitle(year, publisher)


def test_discovery_goes_four_levels_past_side_sections_and_picture_links():
    pages = {
        "http://x.gov.cn/": ('<a href="/c211/">政府信息公开指南</a><a href="/c210/">依申请公开</a><a href="/c212/">政府信息公开制度</a>'
                             '<a href="/c213/">政策解读</a><a href="/c200/"><img src="/i/zwgk.png" alt="政务公开"></a>'),
        "http://x.gov.cn/c200/": '<a href="/c201/">政府信息公开</a>',
        "http://x.gov.cn/c201/": '<a href="/c211/">政府信息公开指南</a><a href="/c202/">法定主动公开内容</a>',
        "http://x.gov.cn/c202/": '<a href="/c230/">机构职能</a><a href="/c203/">政务公开年报</a>',
    }
    assert asyncio.run(discover_columns("http://x.gov.cn/", site(pages))) == ["http://x.gov.cn/c203/"]


def test_columns_of_the_column_own_url_template_are_sub_columns_and_menu_links_are_not():
    page = ('<a href="/c205/index.shtml">崇头镇</a><a href="/c101/index.shtml">新闻中心</a><a href="/c206/index.shtml">县教育局</a>'
            '<a href="/index.php?a=show&catid=16&id=9">县财政局</a>')
    assert sub_column_links(page, "http://x.gov.cn/c204/index.shtml") == [
        "http://x.gov.cn/c205/index.shtml", "http://x.gov.cn/c206/index.shtml"]
    query_cms = ('<a href="/index.php?a=lists&catid=18">县级部门</a><a href="/index.php?a=show&catid=16&id=9">县财政局</a>'
                 '<a href="/index.php?a=show&catid=16&id=8">2022年度</a>')
    assert sub_column_links(query_cms, "http://x.gov.cn/index.php?a=lists&catid=16") == [
        "http://x.gov.cn/index.php?a=lists&catid=18"]


@pytest.mark.parametrize(("url", "name", "download"), [
    ("http://x.gov.cn/index.php?m=content&c=down&a_k=5f8c", "点击下载", True),
    ("http://x.gov.cn/fs/v1/file/5f8c", "下载附件", True),
    ("http://x.gov.cn/common/stream?fileId=5f8c", "", True),
    ("http://x.gov.cn/channel/list.jsp?channelId=2", "政务公开", False),   # a Java portal's menu is no servlet
    ("http://x.gov.cn/fs/v1/file/5f8c", "下载中心", False),
])
def test_extension_less_downloads_are_told_by_their_label_or_query(url, name, download):
    assert is_download_link(url, name) is download


def test_a_pager_function_on_a_short_list_page_is_not_a_redirect_shell():
    page = ("<html><body><dl><dd><a href='/content/detail.jsp?id=1'>十字路街道办事处</a></dd></dl>"
            "<script>function goPage(n){window.location.href='list.jsp?channelId=33&pageIndex='+n;}</script></body></html>")
    assert redirect_shell_target(page, "http://x.gov.cn/channel/list.jsp?channelId=33") is None
    shell = "<html><head><script>(function(){location.replace('/portal/index.html');})();</script></head><body></body></html>"
    assert redirect_shell_target(shell, "http://x.gov.cn/") == "http://x.gov.cn/portal/index.html"


def test_a_box_more_link_is_named_by_its_heading_and_side_boxes_come_last():
    page = ('<div class="box"><div class="box-title"><span>政府信息公开指南</span><a class="more" href="/zl/">更多&gt;&gt;</a></div></div>'
            '<div class="box"><div class="box-title"><span>政府信息公开年报</span><a class="more" href="/nb/">更多</a></div>'
            '<ul><li><a href="/nb/t1.htm">X县2024年政府信息公开工作年度报告</a></li></ul></div>'
            '<div class="box"><div class="box-title"><span>政务公开</span><a href="/zwgk/">more&gt;</a></div></div>')
    assert [(link.url, link.score, link.side) for link in column_links(page, "http://x.gov.cn/")] == [
        ("http://x.gov.cn/nb/", 2, False), ("http://x.gov.cn/zwgk/", 1, False), ("http://x.gov.cn/zl/", 1, True)]


def test_discovery_reads_the_site_map_when_no_section_leads_to_the_column():
    pages = {
        "http://x.gov.cn/": '<a href="/xxgk/"><img src="/n3.png"></a><a href="/wzdt/">网站地图</a>',
        "http://x.gov.cn/wzdt/": '<dl><dt>政务公开</dt><dd><a href="/xxgk/zn/">政府信息公开指南</a>'
                                 '<a href="/xxgk/gzbg/">政府信息公开工作报告</a></dd></dl>',
    }
    assert asyncio.run(discover_columns("http://x.gov.cn/", site(pages))) == ["http://x.gov.cn/xxgk/gzbg/"]


def test_a_titled_year_after_the_name_is_a_report_and_press_events_are_not():
    assert recognise_report_title("X县人民政府政府信息公开工作年度报告（2021年度）") == ReportTitle(2021, "X县人民政府")
    for decoy in ("X县2023年政府信息公开工作年度报告新闻发布会", "X县2023年政府信息公开工作年度报告答记者问",
                  "X县2023年政府信息公开工作年度报告编写说明"):
        assert recognise_report_title(decoy) is None


def test_a_document_shown_in_a_viewer_or_embed_is_an_attachment():
    page = ('<div class="content"><iframe src="/pdfjs/web/viewer.html?file=/upload/2024/01/a.pdf"></iframe>'
            '<embed src="/upload/2023/b.pdf" type="application/pdf"><iframe src="/map/index.html"></iframe></div>')
    assert [a.url for a in find_attachments(page, "http://x.gov.cn/nb/t1.htm")] == [
        "http://x.gov.cn/upload/2024/01/a.pdf", "http://x.gov.cn/upload/2023/b.pdf"]


@pytest.mark.parametrize("header", [
    'attachment; filename="=?UTF-8?B?WOWOvzIwMjPlubTlubTmiqUucGRm?="',
    "attachment; filename*=GBK''X%CF%D82023%C4%EA%C4%EA%B1%A8.pdf",
])
def test_encoded_word_and_gbk_filename_star_names_are_read(header):
    assert disposition_filename(header) == "X县2023年年报.pdf"


def test_a_mobile_switch_is_not_a_redirect_shell():
    page = ("<html><head><script>if(/Android|iPhone/i.test(navigator.userAgent)){window.location.href='/wap/'}</script>"
            "</head><body><h1>X县2023年政府信息公开工作年度报告</h1></body></html>")
    assert redirect_shell_target(page, "http://x.gov.cn/nb/t1.htm") is None


def test_quarterly_reports_are_not_annual_ones_and_a_file_suffix_does_not_hide_a_bare_year():
    assert recognise_report_title("X县2024年第一季度政府信息公开工作报告") is None
    assert unverified_report_link("2023年度报告.pdf", "http://x.gov.cn/nb/a.pdf", True)
    assert unverified_report_link("2023年（PDF）", "http://x.gov.cn/nb/202401/t1.htm", True)


def test_a_department_report_column_elsewhere_on_the_site_is_a_sub_column():
    page = '<a href="/zwgk/bmxxgk/fgj/nb/index.html">县发展和改革局</a><a href="/zwgk/bmxxgk/fgj/index.html">县发展和改革局</a>'
    assert sub_column_links(page, "http://x.gov.cn/zwgk/xxgknb/bm/index.html") == [
        "http://x.gov.cn/zwgk/bmxxgk/fgj/nb/index.html"]
