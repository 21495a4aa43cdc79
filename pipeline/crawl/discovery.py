"""Reading portal pages without knowing their platform: decoding, report titles, attachments, columns.

Everything here is a pure function of fetched text, except `discover_columns`, which walks a
home page → 政府信息公开 → 年报 through a fetch callable the crawler passes in.
"""
from __future__ import annotations

import base64
import codecs
import quopri
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, parse_qsl, unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

from pipeline.crawl.blocking import script_redirect_target

ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "rtf", "ofd", "zip", "rar")
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff")
GB_ALIASES = {"gb2312", "gbk", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030"}
UNTRUSTED_DECLARATIONS = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252"}

REPORT_TITLE = re.compile(
    r"(?P<publisher>.{0,24}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<after>[^\d\s《》“”]{2,20}?)??\s*"
    r"(?:政府|政务)?\s*信\s*息\s*公\s*开\s*(?:工作)?\s*(?:年度)?\s*(?:报告|年报|工作报告)"
)
REPORT_TITLE_YEAR_AFTER = re.compile(   # X县政府信息公开工作年度报告（2021年度）
    r"(?P<publisher>.{0,24}?)\s*(?:政府|政务)?\s*信息公开\s*(?:工作)?\s*(?:年度)?\s*(?:报告|年报|工作报告)\s*"
    r"[（(【\[]\s*(?P<year>(?:19|20)\d{2})\s*年?度?\s*[)）】\]]"
)
CHINESE_YEAR = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})(?=\s*年)")
CHINESE_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")
NOT_A_REPORT = re.compile(r"通知|报送|编制|编写|做好|的函|的批复|征求|解读|统计表$|目录|图解|一图|图说|图读|指南|视频|动漫|H5"
                          r"|发布会|答记者问|问答|季度|半年"
                          r"|(?:报告|年报)[》”\"]?\s*(?:的|之)(?!公告)\S|勘误|更正(?:说明|声明|公告|启事|通告)")   # 关于…年度报告的更正说明
# Other annual reports county portals print beside the disclosure reports, and their columns: never a disclosure
# report unless the name also says 信息公开 (a department such as 审计局 publishes disclosure reports too).
OTHER_REPORT = re.compile(r"政府工作报告|法治|统计公报|预算|决算|审计|绩效|政务服务|热线|12345|重点工作|网站|新媒体|报表"
                          r"|营商环境|环境状况|安全生产|社会信用")
REPORT_WORD = re.compile(r"报告|年报|报表|公报")
# Words of another kind of report that no publisher's name holds (审计局, 统计局, 政务服务管理局 publish disclosure reports).
OTHER_KIND_WORDS = re.compile(r"网站|新媒体|法治|统计公报|政府工作报告|热线|12345|重点工作|绩效|决算|预算")
PUBLISHER_IN_BRACKETS = re.compile(r"[（(【\[]\s*([^（()）【】\[\]]{2,20}?)\s*[)）】\]]\s*$")
DATE_PATTERNS = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
    re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)"),
)
CHARSET_IN_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
CHARSET_IN_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.-]+)", re.I)
SCRIPT_STRING = re.compile(r"""["']([^"'\s<>]{3,300}?\.(?:%s))(?:\?[^"'\s<>]*)?["']""" % "|".join(ATTACHMENT_EXTENSIONS), re.I)
# A word boundary before oldsrc, checked behind the literal: a leading \b makes the engine try every offset.
OLDSRC = re.compile(r"""oldsrc(?<!\woldsrc)\s*=\s*["']([^"']+)["']""", re.I)

DISCLOSURE_TEXT = re.compile(r"政府信息公开|政务公开|信息公开|政府公开|主动公开")
# Disclosure pages that never hold the report column: read only when nothing better is left.
SIDE_SECTION_TEXT = re.compile(r"指南|制度|依申请|申请表|解读|意见|征集|监督|热线|重点领域")
REPORT_COLUMN_TEXT = re.compile(r"信息公开.{0,4}年报|年度报告|工作年报|公开年报|^年报$|信息公开(?:工作)?报告$")
REPORT_COLUMN_URL = re.compile(r"zfxxgknb|xxgknb|gknb|ndbg|annualreport|nb_\d{4}|/nb/|ndgzbg", re.I)
DISCLOSURE_URL = re.compile(r"zfxxgk|xxgk|zwgk|gkml|/gk/|public", re.I)
CATALOGUE_URL = re.compile(r"/gkmlpt/index/?$")   # a Guangdong catalogue: the county's, or a town's or department's subsite


@dataclass(frozen=True)
class Attachment:
    url: str
    name: str | None


@dataclass(frozen=True)
class ReportTitle:
    year: int
    publisher: str | None


@dataclass(frozen=True)
class ColumnLink:
    url: str
    text: str
    score: int           # 2: an annual-report column; 1: a disclosure section that may hold one
    side: bool = False   # a section that rarely leads to the column (指南, 依申请公开 …): followed last


def normalise_encoding(name: str | None) -> str | None:
    """A Python codec name for a declared charset; every GB variant becomes gb18030 (its superset)."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in GB_ALIASES:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """Text of a page: the header charset, else `<meta charset>`, else UTF-8, else gb18030.

    A declared charset is used only when the bytes decode under it; Latin-1 declarations are
    not trusted (error pages claim them over UTF-8 or GBK bytes).
    """
    declared = []
    header = CHARSET_IN_HEADER.search(content_type or "")
    if header:
        declared.append(header.group(1))
    meta = CHARSET_IN_META.search(body[:4096])
    if meta:
        declared.append(meta.group(1).decode("ascii", "replace"))
    candidates = [normalise_encoding(name) for name in declared if name.lower() not in UNTRUSTED_DECLARATIONS]
    for encoding in [*candidates, "utf-8", "gb18030"]:
        if not encoding:
            continue
        try:
            return body.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
    return body.decode("utf-8", errors="replace")


def parse_date(text: str | None) -> date | None:
    """The first plausible date in text (2022-01-11, 2022/1/11, 2022年1月11日, 20220111)."""
    if not text:
        return None
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                continue
    return None


def clean_text(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\u3000", " ")).strip()


def recognise_report_title(title: str | None) -> ReportTitle | None:
    """Year reported on and publisher when a title names an annual disclosure report.

    Notices *about* reports (关于做好…年度报告编制工作的通知) are not reports.
    """
    title = CHINESE_YEAR.sub(lambda m: m.group(1).translate(CHINESE_DIGITS), clean_text(title))
    match = REPORT_TITLE.search(title) or REPORT_TITLE_YEAR_AFTER.search(title)
    if not match or NOT_A_REPORT.search(title):
        return None
    publisher = re.sub(r"^(关于|印发|公布)", "", match.group("publisher")).strip(" -—_:：·、，,《【[（(")
    if not publisher and "after" in match.groupdict():   # 2023年X县政府信息公开工作年度报告
        publisher = (match.group("after") or "").strip(" -—_:：·、，,")
    if not publisher:
        bracketed = PUBLISHER_IN_BRACKETS.search(title[match.end():])
        publisher = bracketed.group(1) if bracketed else ""
    return ReportTitle(year=int(match.group("year")), publisher=publisher or None)


def names_other_report(text: str | None) -> bool:
    """The name is another kind of annual report or its column (法治政府建设年度报告, 政府网站工作年报, 统计公报); a
    publisher's name (县审计局, 县政务服务管理局) is not."""
    text = clean_text(text)
    return bool(OTHER_REPORT.search(text) and REPORT_WORD.search(text)) and "信息公开" not in text


REGION = re.compile(r"[\u4e00-\u9fff]{2,7}?(?:自治县|自治旗|县|市|区|旗)")
NOT_A_REGION = re.compile(r"(?:开发|园|新|景|片|社|城|工业|保护|示范|试验|合作|功能|辖)区$")


def names_other_region(title: str | None, portal_name: str) -> bool:
    """A report title whose publisher is another county, city or district than the portal's (a neighbour's report
    in a 相关链接 or 友情链接 box). A publisher naming no region (a town, a 县教育局) is the portal's own."""
    recognised = recognise_report_title(title)
    publisher = recognised.publisher if recognised else None
    if not publisher:
        return False
    own = re.sub(r"(?:人民政府|政府)$", "", clean_text(portal_name))
    short = re.sub(r"(?:自治县|自治旗|县|市|区|旗)$", "", own)
    regions = [r for r in REGION.findall(publisher) if not NOT_A_REGION.search(r)]
    return bool(regions) and short not in publisher and not any(region in own for region in regions)


def link_base(tree: HTMLParser, url: str) -> str:
    """What the page's relative links resolve against: its `<base href>` when it has one, else its URL."""
    node = tree.css_first("base[href]")
    href = (node.attributes.get("href") or "").strip() if node is not None else ""
    return urljoin(url, href) if href and not href.startswith(("javascript:", "#")) else url


LINKED = "a[href], [data-href], [data-url]"


def linked_nodes(tree: HTMLParser) -> list[tuple[Node, str]]:
    """Elements that lead somewhere, with the raw target: links by `href`, and tabs or rows by `data-href`/`data-url`
    (year tabs whose lists are static pages, rows a script opens)."""
    found = []
    for node in tree.css(LINKED):
        href = node.attributes.get("href") if node.tag == "a" else None
        href = (href or node.attributes.get("data-href") or node.attributes.get("data-url") or "").strip()
        if href:
            found.append((node, href))
    return found


def page_meta(html: str | HTMLParser) -> dict[str, str]:
    """`<meta name=… content=…>` of the national site standard (ArticleTitle, PubDate, SiteIDCode…), keys lower-cased.

    Takes the page's text or, to spare a second parse, its parsed tree.
    """
    tree = HTMLParser(html) if isinstance(html, str) else html
    found: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").strip().lower()
        content = node.attributes.get("content")
        if name and content is not None and name not in found:
            found[name] = content.strip()
    return found


def site_id_division(site_id_code: str | None) -> str | None:
    """The owner's 6-digit division code from a 10-character 网站标识码, when it has one."""
    if site_id_code and re.fullmatch(r"\d{6}[0-9A-Za-z]{4}", site_id_code.strip()):
        return site_id_code.strip()[:6]
    return None


def attachment_extension(url: str) -> str | None:
    """The document extension a link points at, looking through download scripts' filename= parameters."""
    parts = urlsplit(url)
    candidates = [unquote(parts.path)]
    for values in parse_qs(parts.query).values():
        candidates.extend(values)
    for candidate in candidates:
        extension = candidate.rsplit(".", 1)[-1].lower() if "." in candidate else ""
        if extension in ATTACHMENT_EXTENSIONS or extension in IMAGE_EXTENSIONS:
            return extension
    return None


DOWNLOAD_PATH = re.compile(r"down(?:load)?|attach|getfile|filedown|fileserver|/file/|\.jspx?$|\.ashx$|\.do$", re.I)
DOCUMENT_NAME = re.compile(r"\.(?:%s)\s*$|^附件\s*\d*\s*[:：]" % "|".join(ATTACHMENT_EXTENSIONS), re.I)
DOWNLOAD_LABEL = re.compile(r"^(?:附件\s*\d*|(?:点击|附件|原文|全文|文件)?下载(?:附件|原文|全文|文件)?|查看附件)\s*[:：]?$")
DOWNLOAD_QUERY = re.compile(r"down|attach|file", re.I)


def is_download_link(url: str, name: str | None) -> bool:
    """A link without a file extension that may still fetch a document (the crawler sniffs the bytes to be sure):
    a download servlet (`downloadZtbAttach.jspx?attachGuid=…`, `/attach/download?id=…`, phpcms `c=down&a_k=…`,
    `?fileId=…`) or a link labelled as a file (`报告.pdf`, `附件1`, `点击下载`, `下载附件`)."""
    text = clean_text(name)
    parts = urlsplit(url)
    if DOCUMENT_NAME.search(text) or DOWNLOAD_LABEL.match(text):
        return True
    if REPORT_COLUMN_TEXT.search(text):
        return False
    if any(DOWNLOAD_QUERY.search(key) or (value.isalpha() and DOWNLOAD_QUERY.search(value))
           for key, value in parse_qsl(parts.query)):
        return True
    if not DOWNLOAD_PATH.search(parts.path):
        return False
    # a bare `.jsp?…`/`.do?…` is any page of a Java portal (its menu too): only a path that says so is a servlet
    return bool(re.search(r"down|attach", parts.path, re.I)) or (bool(parts.query) and "file" in parts.path.lower())


def find_attachments(html: str, base_url: str, *, body: HTMLParser | Node | None = None,
                     tree: HTMLParser | None = None) -> list[Attachment]:
    """Document links of a page (href, OLDSRC, script variables, a link's onclick or data-file) and the images inside
    its ``body``.

    Images elsewhere on the page (logos, banners) are left out: only the article body's images
    can be a scanned report. ``tree``, the page already parsed, spares parsing it again.
    """
    seen: dict[str, Attachment] = {}

    def add(raw: str, name: str | None, *, images: bool, servlet: bool = False) -> None:
        raw = (raw or "").strip()
        if not raw or raw.startswith(("javascript:", "mailto:", "#", "data:")):
            return
        url = urljoin(base_url, raw).split("#", 1)[0]
        extension = attachment_extension(url)
        if extension is None and servlet and is_download_link(url, name):
            extension = "servlet"
        if extension is None or (extension in IMAGE_EXTENSIONS and not images):
            return
        if url not in seen or (name and not seen[url].name):
            seen[url] = Attachment(url=url, name=clean_text(name) or None)

    if tree is None:
        tree = HTMLParser(html)
    base_url = link_base(tree, base_url)
    for node in tree.css("a[href]"):
        add(node.attributes.get("href") or "", node.attributes.get("title") or node.text(), images=False, servlet=True)
    for node in tree.css("[oldsrc]"):   # TRS keeps the real file here when href is javascript:
        add(node.attributes.get("oldsrc") or "", node.text() if node.tag == "a" else None, images=False)
    for match in OLDSRC.finditer(html):
        add(match.group(1), None, images=False)
    for node in tree.css("[onclick]"):   # <a href="javascript:;" onclick="window.open('/uploadfiles/….pdf')">
        for match in SCRIPT_STRING.finditer(node.attributes.get("onclick") or ""):
            add(match.group(1), node.attributes.get("title") or node.text(), images=False)
    for node in tree.css("[data-file], [data-path]"):   # <a href="javascript:void(0)" data-file="…">下载附件</a>
        add(node.attributes.get("data-file") or node.attributes.get("data-path") or "",
            node.attributes.get("title") or node.text(), images=False, servlet=True)
    for script in tree.css("script"):
        for match in SCRIPT_STRING.finditer(script.text() or ""):
            value = match.group(1)
            if "/" in value or value.isascii():   # a bare Chinese "名称.pdf" is a label (appDesc), not a path
                add(value, None, images=False)
    for node in tree.css("iframe[src], embed[src], object[data]"):   # a PDF shown in the page, or in pdf.js
        source = node.attributes.get("src") or node.attributes.get("data") or ""
        add(viewed_file(source) or source, None, images=False)
    if body is not None:
        for node in body.css("img[src]"):
            add(node.attributes.get("src") or "", node.attributes.get("alt"), images=True)
    return list(seen.values())


MORE_TEXT = re.compile(r"^(?:更多|查看更多|more)?\s*[>＞›»]*$", re.I)


def link_text(node: Node) -> str:
    """A link's name: its title attribute, its text, else the alt text of the picture it wraps (image nav bars)."""
    text = clean_text(node.attributes.get("title") or node.text())
    if not text:
        image = node.css_first("img[alt]")
        text = clean_text(image.attributes.get("alt")) if image is not None else ""
    return text


def heading_of_more_link(node: Node) -> str | None:
    """What a box's 更多 link leads to: the box's heading, the text beside the link in its title bar."""
    holder = node.parent
    for _ in range(2):
        if holder is None:
            return None
        beside = clean_text(holder.text().replace(node.text(), " "))
        if beside:
            return beside if len(beside) <= 20 else None
        holder = holder.parent
    return None


def viewed_file(url: str) -> str | None:
    """The document a viewer page shows (`/pdfjs/web/viewer.html?file=/upload/x.pdf`), from its file= parameter."""
    for key, value in parse_qsl(urlsplit(url).query):
        if key.lower() in ("file", "url", "src", "path") and attachment_extension(value):
            return value
    return None


def column_links(html: str, base_url: str) -> list[ColumnLink]:
    """Links that lead to the annual-report column (score 2) or to a disclosure section (score 1), best first;
    among sections, side ones (指南, 制度, 依申请公开 …) come last.

    A same-host gkmlpt catalogue (`/gkmlpt/index`, `/{subsite}/gkmlpt/index`) counts as a column whatever
    its text says (县政府, 仙庵镇, 县教育局): its adapter finds the report category in the catalogue's tree.
    """
    best: dict[str, ColumnLink] = {}
    tree = HTMLParser(html)
    resolve = link_base(tree, base_url)
    for node in tree.css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(resolve, href).split("#", 1)[0]
        if attachment_extension(url):
            continue
        text = link_text(node)
        if MORE_TEXT.match(text) and text:
            text = heading_of_more_link(node) or text
        if recognise_report_title(text):
            continue
        if CATALOGUE_URL.search(urlsplit(url).path) and urlsplit(url).netloc == urlsplit(base_url).netloc:
            score = 2
        elif (REPORT_COLUMN_TEXT.search(text) or (REPORT_COLUMN_URL.search(url) and DISCLOSURE_TEXT.search(text))) \
                and not names_other_report(text):
            score = 2
        elif DISCLOSURE_TEXT.search(text) or (DISCLOSURE_URL.search(urlsplit(url).path) and "公开" in text):
            score = 1
        else:
            continue
        if url not in best or best[url].score < score:
            best[url] = ColumnLink(url=url, text=text, score=score, side=score == 1 and bool(SIDE_SECTION_TEXT.search(text)))
    return sorted(best.values(), key=lambda link: (-link.score, link.side))


SUB_COLUMN_TEXT = re.compile(
    r"^(?:.{1,15}(?:镇|乡|街道|办事处|苏木|人民政府|政府|管委会|局|委员会|委|办公室|办|部门|单位|中心)"
    r"|.{0,8}(?:镇|乡镇|街道|镇街|部门|单位)\s*[（(]\s*(?:街道|乡镇|镇|单位|部门)\s*[)）]"
    r"|(?:各|县直|区直|市直|县级|区级|市级)?(?:部门|单位|乡镇|街道|镇街|乡镇街道|镇（街道）)"
    r"|(?:19|20)\d{2}\s*年?度?(?:年报|年度报告)?|.{0,12}(?:年报|年度报告))$"
)
NOT_A_SUB_COLUMN = re.compile(r"新闻|动态|要闻|办事|服务中心|互动|信箱|专题|首页|留言|在线|下载中心")
SUB_COLUMN_URL = re.compile(
    r"/col/col\d+/(?:index\.html?)?$|/(?:index|list|lists|xxgk_lists?)(?:_\d+)?\.(?:s?html?|aspx|jsp|php)$|/$"
    r"|/Category_\d+/|/column/\d+|/public/column/", re.I)
ARTICLE_URL = re.compile(r"/t\d{8}_\d+|/art_\d+_\d+|/content_\d+|/post_\d+|/\d{6}/|/show/\d+|/Item/\d+|/detail", re.I)
FLAT_COLUMN_URL = re.compile(r"/col/col|/Category_\d+/")   # platforms whose column ids are not nested folders
GROUP_TEXT = re.compile(r"(?:19|20)\d{2}|年报|年度报告|部门|单位|乡镇|街道|镇街")


def url_template(url: str) -> str:
    """A URL's path and query with every number replaced: columns of one CMS share it (`/c205/index.shtml`,
    `list.php?catid=17`)."""
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", f"{parts.path}?{parts.query}")


def sub_column_links(html: str, column_url: str) -> list[str]:
    """Links on a column page to its per-publisher or per-year sub-columns (通元镇, 2021年 …).

    A sub-column is named like a publisher, a group of them (乡镇街道, 部门) or a year and points at
    a column-shaped URL: one of the column's own URL template (`/c205/` beside `/c204/`,
    `catid=17` beside `catid=16`), a Hanweb `/col/col{id}/` or SiteFactory `/Category_{id}/` (flat ids),
    a folder below the column's own folder, a report folder elsewhere (a department's `/bmxxgk/fgj/nb/`),
    or, when named by a year or a group, any column-shaped URL of the same host.
    """
    column = urlsplit(column_url)
    folder = column.path.rsplit("/", 1)[0] + "/"
    found: list[str] = []
    tree = HTMLParser(html)
    resolve = link_base(tree, column_url)
    for node, href in linked_nodes(tree):
        if href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(resolve, href).split("#", 1)[0]
        parts = urlsplit(url)
        text = link_text(node)
        if (not same_site(url, column_url) or url == column_url.split("#", 1)[0] or url in found
                or not SUB_COLUMN_TEXT.match(text) or NOT_A_SUB_COLUMN.search(text) or recognise_report_title(text)
                or names_other_report(text) or not column_shaped(url, column_url)):
            continue
        below = folder != "/" and parts.path.startswith(folder) and parts.path not in (folder, column.path)
        if url_template(url) == url_template(column_url):
            found.append(url)
        elif FLAT_COLUMN_URL.search(parts.path) or below or GROUP_TEXT.search(text) or REPORT_COLUMN_URL.search(parts.path):
            found.append(url)
    return found


FetchText = Callable[[str], Awaitable[str | None]]


SITE_MAP_TEXT = re.compile(r"^(?:网站地图|站点地图|网站导航|sitemap)$", re.I)


def site_map_links(html: str, base_url: str) -> list[str]:
    """The page's links to the site map (网站地图), which lists every column by name."""
    found: list[str] = []
    tree = HTMLParser(html)
    resolve = link_base(tree, base_url)
    for node in tree.css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if SITE_MAP_TEXT.match(link_text(node)) and href and not href.startswith(("javascript:", "#")):
            found.append(urljoin(resolve, href).split("#", 1)[0])
    return list(dict.fromkeys(found))


async def discover_columns(home_url: str, fetch_text: FetchText, *, max_depth: int = 3, max_sections: int = 4,
                           is_column: Callable[[str, str], bool] | None = None) -> list[str]:
    """Annual-report column URLs reachable from a home page, following 政务公开 → 政府信息公开 → 法定主动公开内容 →
    年报 up to `max_depth` levels, at most `max_sections` pages a level, side sections (指南 …) last.

    When that finds none, the home page's site map (网站地图) is read for a column.
    `fetch_text(url)` returns a page's decoded text or None when it cannot be fetched;
    `is_column(text, url)` says a disclosure page is itself a column (a JavaScript catalogue such
    as gkmlpt, whose report category is chosen by the platform adapter).
    """
    frontier = [home_url]
    visited: set[str] = set()
    found: list[str] = []
    site_maps: list[str] = []
    for _ in range(max_depth + 1):
        sections: list[ColumnLink] = []
        for url in frontier:
            if url in visited:
                continue
            visited.add(url)
            text = await fetch_text(url)
            if text is None:
                continue
            if url == home_url:
                site_maps = site_map_links(text, url)
            if url != home_url and is_column is not None and is_column(text, url) and url not in found:
                found.append(url)
                continue
            # a page that shows its menu or list in frames
            sections.extend(ColumnLink(url=frame, text="", score=1) for frame in frame_sources(text, url))
            for link in column_links(text, url):
                if link.score == 2 and link.url not in found and link.url not in visited:
                    found.append(link.url)
                elif link.score == 1 and link.url not in visited:
                    sections.append(link)
        if found:
            return found
        ranked = sorted(sections, key=lambda link: link.side)
        frontier = list(dict.fromkeys(link.url for link in ranked if link.url not in visited))[:max_sections]
        if not frontier:
            break
    for url in site_maps[:1]:
        text = await fetch_text(url) if url not in visited else None
        found += [link.url for link in column_links(text or "", url) if link.score == 2 and link.url not in found]
    return found


# --- documents without a file extension ------------------------------------------------------------

DOCUMENT_MAGIC = ((b"%PDF", "pdf"), (b"PK\x03\x04", "docx"), (b"\xd0\xcf\x11\xe0", "doc"), (b"{\\rtf", "rtf"))
DOCUMENT_TYPES = {"application/pdf": "pdf", "application/msword": "doc", "application/vnd.ms-excel": "xls",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
                  "application/rtf": "rtf", "application/ofd": "ofd", "application/zip": "zip"}
FILENAME_STAR = re.compile(r"filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)", re.I)
ENCODED_WORD = re.compile(r"=\?([\w-]+)\?([BbQq])\?([^?]*)\?=")
FILENAME_PLAIN = re.compile(r"""filename\s*=\s*(?:"([^"]*)"|([^;]+))""", re.I)


def sniff_document(body: bytes | None, content_type: str | None) -> str | None:
    """The document format of a body by its leading bytes, else by a document Content-Type; None for pages."""
    head = (body or b"")[:8]
    for magic, kind in DOCUMENT_MAGIC:
        if head.startswith(magic):
            return kind
    if head.lstrip()[:1] == b"<":
        return None
    return DOCUMENT_TYPES.get((content_type or "").split(";", 1)[0].strip().lower())


def disposition_filename(header: str | None) -> str | None:
    """The file name a `Content-Disposition` gives: RFC 5987 `filename*` first, else `filename`,
    percent-encoded or raw (servers send raw UTF-8 or GBK bytes, which arrive decoded as Latin-1)."""
    if not header:
        return None
    star = FILENAME_STAR.search(header)
    if star:
        try:
            return unquote(star.group(2).strip().strip('"'), encoding=star.group(1), errors="strict") or None
        except (LookupError, UnicodeDecodeError):
            pass
    plain = FILENAME_PLAIN.search(header)
    if not plain:
        return None
    name = (plain.group(1) if plain.group(1) is not None else plain.group(2)).strip()
    word = ENCODED_WORD.fullmatch(name)
    if word:   # RFC 2047, as Java mail utilities write it: =?UTF-8?B?…?=
        return decoded_word(*word.groups()) or None
    if "%" in name:
        name = unquote(name)
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name or None
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding) or None
        except UnicodeDecodeError:
            continue
    return name or None


def decoded_word(charset: str, encoding: str, text: str) -> str | None:
    try:
        raw = base64.b64decode(text) if encoding in "Bb" else quopri.decodestring(text.replace("_", " ").encode())
        return raw.decode(normalise_encoding(charset) or "utf-8")
    except (ValueError, UnicodeDecodeError, LookupError):
        return None


# --- shells: redirect pages and framed lists -----------------------------------------------------

META_REFRESH = re.compile(r"""^\s*\d*\s*[;,]?\s*url\s*=\s*['"]?([^'"\s>]+)""", re.I)
SHELL_TEXT_LIMIT = 200


def same_site(url: str, other: str) -> bool:
    """Same host, or two hosts under one `*.gov.cn` site (www.x.gov.cn and xxgk.x.gov.cn)."""
    host, other_host = (urlsplit(u).hostname or "" for u in (url, other))
    if host == other_host:
        return True
    labels, other_labels = host.split("."), other_host.split(".")
    return (host.endswith(".gov.cn") and other_host.endswith(".gov.cn") and len(labels) >= 3
            and labels[-3:] == other_labels[-3:])


def redirect_shell_target(html: str, url: str) -> str | None:
    """Where a redirect shell page sends the browser (meta refresh or a literal `location` script run
    on load, not one inside a function or a condition such as a mobile-site switch), when the page
    has next to no text of its own and the target is on the same site."""
    tree = HTMLParser(html)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    if len(clean_text(tree.body.text() if tree.body else "")) > SHELL_TEXT_LIMIT:
        return None
    target = None
    for meta in tree.css("meta[http-equiv]"):
        if (meta.attributes.get("http-equiv") or "").lower() == "refresh":
            found = META_REFRESH.search(meta.attributes.get("content") or "")
            if found:
                target = found.group(1)
                break
    if target is None and script_redirect_target(html.encode("utf-8", "replace")):   # not a challenge
        target = script_redirect_target(top_level_scripts(html).encode("utf-8", "replace"))
    if not target or target.startswith(("javascript:", "#")):
        return None
    resolved = urljoin(url, target).split("#", 1)[0]
    if resolved == url.split("#", 1)[0] or not resolved.startswith(("http://", "https://")) or not same_site(url, resolved):
        return None
    return resolved


FUNCTION_BODY = re.compile(r"function\s+[\w$]+\s*\([^)]*\)\s*\{[^{}]*\}", re.S)
CONDITIONAL = re.compile(r"\bif\s*\(.*?\)\s*(?:\{[^{}]*\}|[^;{}]*;)", re.S)
CONCATENATED_TARGET = re.compile(r"""location(?:\.href)?\s*=\s*(["'])[^"']*\1\s*\+""")


def top_level_scripts(html: str) -> str:
    """The page's inline scripts as they run on load: without named functions (a pager's
    `function goPage(n){location.href='list.jsp?p='+n}` sends nowhere until clicked), without
    conditional statements (`if (mobile) location.href='/wap/'`) and without URLs built by concatenation."""
    scripts = " ".join(node.text() or "" for node in HTMLParser(html).css("script"))
    return CONCATENATED_TARGET.sub("", CONDITIONAL.sub("", FUNCTION_BODY.sub("", scripts)))


def frame_sources(html: str, url: str) -> list[str]:
    """Same-site `<iframe>`/`<frame>` pages: a column whose list lives in a frame."""
    found: list[str] = []
    tree = HTMLParser(html)
    resolve = link_base(tree, url)
    for node in tree.css("iframe[src], frame[src]"):
        src = (node.attributes.get("src") or "").strip()
        if not src or src.startswith(("javascript:", "about:", "data:", "#")):
            continue
        resolved = urljoin(resolve, src).split("#", 1)[0]
        if resolved.startswith(("http://", "https://")) and same_site(url, resolved) and resolved not in found \
                and not attachment_extension(resolved):
            found.append(resolved)
    return found


# --- report links whose text does not say so ---------------------------------------------------------

FILE_SUFFIX = re.compile(r"\s*[（(]?\.?(?:%s)[)）]?$" % "|".join(ATTACHMENT_EXTENSIONS), re.I)
TRUNCATED = re.compile(r"(?:…|\.{3}|。。。)\s*$")
REPORT_WORDS = re.compile(r"(?:19|20)\d{2}|年度|年报|信息公开|工作报告")
BARE_REPORT_TEXT = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年?度?(?:报告|年报)?|(?:政府)?(?:信息公开)?(?:工作)?(?:年度报告|年报)"
    r"|.{2,15}(?:镇|乡|街道|办事处|人民政府|政府|管委会|局|委员会|委|办公室|中心))$"
)
COLUMN_HEADINGS = ("title", "h1", "h2", "h3", ".breadcrumb", ".position", ".location", ".crumb", ".dqwz", ".lm_name",
                   ".column-name", ".current")


def looks_like_report_column(tree: HTMLParser, url: str) -> bool:
    """The page is an annual-report column by its own name (title, ColumnName, heading, breadcrumb) or URL."""
    if REPORT_COLUMN_URL.search(urlsplit(url).path):
        return True
    column_name = page_meta(tree).get("columnname", "")
    if names_other_report(column_name):
        return False
    if REPORT_COLUMN_TEXT.search(column_name):
        return True
    for selector in COLUMN_HEADINGS:
        for node in tree.css(selector)[:3]:
            if REPORT_COLUMN_TEXT.search(clean_text(node.text())) or "年报" in clean_text(node.text()):
                return True
    return False


def column_shaped(url: str, page_url: str | None = None) -> bool:
    """The URL looks like a column's rather than an article's. On a CMS whose every page is one script told apart
    by its query (`index.php?a=lists&catid=16`, `index.php?a=show&id=9`), only the page's own template is a column's."""
    path = urlsplit(url).path
    if page_url is not None and urlsplit(page_url).path == path:
        return url_template(url) == url_template(page_url)
    return bool(SUB_COLUMN_URL.search(path)) and not ARTICLE_URL.search(path)


def unverified_report_link(text: str, url: str, in_report_column: bool, page_url: str | None = None) -> bool:
    """A link on `page_url` that may be a report although its text does not name one: cut short with `…`, or
    only a year, `年度报告` or a publisher's name inside a report column. The crawler judges it by
    the document's own title (or file name) before keeping it."""
    text = FILE_SUFFIX.sub("", clean_text(text))   # 2023年度报告.pdf
    if recognise_report_title(text) or NOT_A_REPORT.search(text) or attachment_extension(url) in IMAGE_EXTENSIONS:
        return False
    if column_shaped(url, page_url):
        return False   # a per-year or per-town column, read as a sub-column
    if TRUNCATED.search(text):
        if OTHER_KIND_WORDS.search(text) and "信息公开" not in text:
            return False   # 遂昌县2023年政府网站工作年…: what is left already names another kind of report
        return bool(REPORT_WORDS.search(text)) or in_report_column
    return in_report_column and bool(BARE_REPORT_TEXT.match(text))
