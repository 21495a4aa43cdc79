import pytest

from pipeline.crawl.platforms import ADAPTERS, PlatformAdapter, adapter_for, detect_platform
from pipeline.registry.validate import PLATFORMS


def test_every_registry_platform_has_an_adapter():
    assert set(ADAPTERS) == set(PLATFORMS)


def test_unknown_or_unconfigured_platforms_fall_back_to_the_link_reader():
    assert type(adapter_for(None)) is PlatformAdapter
    assert type(adapter_for("generic", {})) is PlatformAdapter
    assert adapter_for("generic", {"list_selector": "li a"}).name == "generic"
    assert adapter_for("trs").name == "trs"


@pytest.mark.parametrize("html, url, expected", [
    ('<script type="text/xml"><datastore><recordset></recordset></datastore></script>', "http://x.gov.cn/col/col1/index.html", "hanweb"),
    ("<p>x</p>", "http://x.gov.cn/art/2022/1/11/art_1229358718_4858173.html", "hanweb"),
    ('<script>createPageHTML(5, 0, "index", "html");</script>', "http://x.gov.cn/zfxxgknb/", "trs"),
    ('<div class="TRS_Editor"><p>正文</p></div>', "http://x.gov.cn/a/", "trs"),
    ("<p>x</p>", "http://x.gov.cn/zfxxgknb/202301/t20230116_5911420.html", "trs"),
    ("<script>window._CONFIG = {SID: '1', TREE: []};</script>", "http://x.gov.cn/gkmlpt/index", "gkmlpt"),
    ("<script>loadDynamic('/module/xxgk/search.jsp?infotypeId=B001K001&area=330825001','div1','B001K001','','','1');"
     "</script>", "http://x.gov.cn/col/col1229461250/index.html", "hanweb_xxgk"),
    ("<table><tr class='tr_main_value_odd'><td>1</td></tr></table>", "http://x.gov.cn/module/xxgk/search.jsp", "hanweb_xxgk"),
    ('<script type="text/xml"><datastore></datastore></script><a href="/module/xxgk/tree.jsp?area=1">目录</a>',
     "http://x.gov.cn/col/col1/index.html", "hanweb"),
    ("<p>x</p>", "http://x.gov.cn/public/column/6615904?type=4&action=list&catId=6718758", "lonsun"),
    ('<a href="/Xxgknb/show/616527.html?type=1">2024年</a>', "http://x.gov.cn/xxgk/", "lonsun"),
    ("<p>x</p>", "http://x.gov.cn/dynamic/zwgk/govInfoPub.html?categorynum=003001008", "epoint"),
    ('<script>Util.ajax({url: siteInfo.projectName + "/rest/lightfrontaction/getgovinfolist"});</script>',
     "http://x.gov.cn/zwgk/", "epoint"),
    ("{}", "http://x.gov.cn/EWB-FRONT/rest/lightfrontaction/getgovinfolist", "epoint"),
    ('<a href="/EpointWebBuilder/WebbuilderMIS/attach/downloadZtbAttach.jspx?attachGuid=1">2023年报</a>',
     "http://x.gov.cn/zwgk/gknb/", None),
    ("<script>$('#list').truecmsList({columnId:'8a84', proxyUrl:'/TrueCMS/messageController/getMessage.do'});</script>",
     "http://x.gov.cn/rgzf/ndbg/list.html", "truecms"),
    ('cb({"result":""});', "http://x.gov.cn/TrueCMS/messageController/getMessage.do?columnId=1", "truecms"),
    ('<span id="pe100_page_通用信息列表_普通式" class="pagecss"><a href="Index_2.aspx">下一页</a></span>',
     "http://x.gov.cn/zwgk/", "sitefactory"),
    ("<p>x</p>", "http://x.gov.cn/Category_1172/Index_2.aspx", "sitefactory"),
    ('<a href="/news/1.html">新闻</a>', "http://x.gov.cn/", None),
])
def test_detect_platform_from_markers(html, url, expected):
    assert detect_platform(html, url) == expected
