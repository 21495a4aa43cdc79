"""Reading portal pages without knowing their platform: decoding, report titles, attachments, columns.

Everything here is a pure function of fetched text, except `discover_columns`, which walks a
home page → 政府信息公开 → 年报 through a fetch callable the crawler passes in.
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "rtf", "ofd", "zip", "rar")
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff")
GB_ALIASES = {"gb2312", "gbk", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030"}
UNTRUSTED_DECLARATIONS = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252"}

REPORT_TITLE = re.compile(
    r"(?P<publisher>.{0,24}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*"
    r"(?:政府|政务)?\s*信\s*息\s*公\s*开\s*(?:工作)?\s*(?:年度)?\s*(?:报告|年报|工作报告)"
)
CHINESE_YEAR = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})(?=\s*年)")
CHINESE_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")
NOT_A_REPORT = re.compile(r"通知|报送|编制|做好|的函|的批复|征求|解读|统计表$|目录")
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

DISCLOSURE_TEXT = re.compile(r"政府信息公开|政务公开|信息公开|政府公开")
REPORT_COLUMN_TEXT = re.compile(r"信息公开.{0,4}年报|年度报告|工作年报|公开年报|^年报$")
REPORT_COLUMN_URL = re.compile(r"zfxxgknb|xxgknb|gknb|ndbg|annualreport|nb_\d{4}|/nb/|ndgzbg", re.I)
DISCLOSURE_URL = re.compile(r"zfxxgk|xxgk|zwgk|gkml|/gk/|public", re.I)


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
    match = REPORT_TITLE.search(title)
    if not match or NOT_A_REPORT.search(title):
        return None
    publisher = re.sub(r"^(关于|印发|公布)", "", match.group("publisher")).strip(" -—_:：·、，,《【[（(")
    if not publisher:
        bracketed = PUBLISHER_IN_BRACKETS.search(title[match.end():])
        publisher = bracketed.group(1) if bracketed else ""
    return ReportTitle(year=int(match.group("year")), publisher=publisher or None)


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


def find_attachments(html: str, base_url: str, *, body: HTMLParser | Node | None = None,
                     tree: HTMLParser | None = None) -> list[Attachment]:
    """Document links of a page (href, OLDSRC, script variables) and the images inside its ``body``.

    Images elsewhere on the page (logos, banners) are left out: only the article body's images
    can be a scanned report. ``tree``, the page already parsed, spares parsing it again.
    """
    seen: dict[str, Attachment] = {}

    def add(raw: str, name: str | None, *, images: bool) -> None:
        raw = (raw or "").strip()
        if not raw or raw.startswith(("javascript:", "mailto:", "#", "data:")):
            return
        url = urljoin(base_url, raw).split("#", 1)[0]
        extension = attachment_extension(url)
        if extension is None or (extension in IMAGE_EXTENSIONS and not images):
            return
        if url not in seen or (name and not seen[url].name):
            seen[url] = Attachment(url=url, name=clean_text(name) or None)

    if tree is None:
        tree = HTMLParser(html)
    for node in tree.css("a[href]"):
        add(node.attributes.get("href") or "", node.attributes.get("title") or node.text(), images=False)
    for node in tree.css("[oldsrc]"):   # TRS keeps the real file here when href is javascript:
        add(node.attributes.get("oldsrc") or "", node.text() if node.tag == "a" else None, images=False)
    for match in OLDSRC.finditer(html):
        add(match.group(1), None, images=False)
    for script in tree.css("script"):
        for match in SCRIPT_STRING.finditer(script.text() or ""):
            value = match.group(1)
            if "/" in value or value.isascii():   # a bare Chinese "名称.pdf" is a label (appDesc), not a path
                add(value, None, images=False)
    if body is not None:
        for node in body.css("img[src]"):
            add(node.attributes.get("src") or "", node.attributes.get("alt"), images=True)
    return list(seen.values())


def column_links(html: str, base_url: str) -> list[ColumnLink]:
    """Links that lead to the annual-report column (score 2) or to a disclosure section (score 1), best first."""
    best: dict[str, ColumnLink] = {}
    for node in HTMLParser(html).css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        if attachment_extension(url):
            continue
        text = clean_text(node.attributes.get("title") or node.text())
        if recognise_report_title(text):
            continue
        if REPORT_COLUMN_TEXT.search(text) or (REPORT_COLUMN_URL.search(url) and DISCLOSURE_TEXT.search(text)):
            score = 2
        elif DISCLOSURE_TEXT.search(text) or (DISCLOSURE_URL.search(urlsplit(url).path) and "公开" in text):
            score = 1
        else:
            continue
        if url not in best or best[url].score < score:
            best[url] = ColumnLink(url=url, text=text, score=score)
    return sorted(best.values(), key=lambda link: -link.score)


SUB_COLUMN_TEXT = re.compile(
    r"^(?:.{1,15}(?:镇|乡|街道|办事处|苏木|人民政府|政府|管委会|局|委员会|委|办公室|办)"
    r"|(?:19|20)\d{2}\s*年?度?(?:年报|年度报告)?|.{0,12}(?:年报|年度报告))$"
)
SUB_COLUMN_URL = re.compile(r"/col/col\d+/(?:index\.html?)?$|/(?:index|list)(?:_\d+)?\.s?html?$|/$")
ARTICLE_URL = re.compile(r"/t\d{8}_\d+|/art_\d+_\d+|/content_\d+|/post_\d+|/\d{6}/")


def sub_column_links(html: str, column_url: str) -> list[str]:
    """Links on a column page to its per-publisher or per-year sub-columns (通元镇, 2021年 …).

    A sub-column is named like a publisher or a year and points at a column-shaped URL: a Hanweb
    `/col/col{id}/`, or a folder below the column's own folder.
    """
    column = urlsplit(column_url)
    folder = column.path.rsplit("/", 1)[0] + "/"
    found: list[str] = []
    for node in HTMLParser(html).css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(column_url, href).split("#", 1)[0]
        parts = urlsplit(url)
        text = clean_text(node.attributes.get("title") or node.text())
        if (parts.netloc != column.netloc or parts.path == column.path or url in found
                or not SUB_COLUMN_TEXT.match(text) or recognise_report_title(text)
                or not SUB_COLUMN_URL.search(parts.path) or ARTICLE_URL.search(parts.path)):
            continue
        if "/col/col" in parts.path or (parts.path.startswith(folder) and parts.path != folder):
            found.append(url)
    return found


FetchText = Callable[[str], Awaitable[str | None]]


async def discover_columns(home_url: str, fetch_text: FetchText, *, max_depth: int = 2, max_sections: int = 4,
                           is_column: Callable[[str, str], bool] | None = None) -> list[str]:
    """Annual-report column URLs reachable from a home page, following 政府信息公开 → 年报 up to `max_depth` levels.

    `fetch_text(url)` returns a page's decoded text or None when it cannot be fetched;
    `is_column(text, url)` says a disclosure page is itself a column (a JavaScript catalogue such
    as gkmlpt, whose report category is chosen by the platform adapter).
    """
    frontier = [home_url]
    visited: set[str] = set()
    found: list[str] = []
    for _ in range(max_depth + 1):
        sections: list[str] = []
        for url in frontier:
            if url in visited:
                continue
            visited.add(url)
            text = await fetch_text(url)
            if text is None:
                continue
            if url != home_url and is_column is not None and is_column(text, url) and url not in found:
                found.append(url)
                continue
            for link in column_links(text, url):
                if link.score == 2 and link.url not in found and link.url not in visited:
                    found.append(link.url)
                elif link.score == 1 and link.url not in visited:
                    sections.append(link.url)
        if found:
            return found
        frontier = list(dict.fromkeys(sections))[:max_sections]
        if not frontier:
            break
    return found
