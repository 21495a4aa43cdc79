"""Reading a rendered column: listing entries from its DOM and from the responses its scripts read.

Pure functions over what `render.py` captured. The DOM gives the links the scripts wrote; the
responses give the same list as data (JSON, JSONP, XML with HTML inside, HTML fragments), which
also tells how the list pages: the request that carried a page number is replayed by the fetcher
with the next number (no browser needed past page 1) until a page brings nothing new.
"""
from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from pipeline.crawl.discovery import (
    NOT_A_REPORT, NOT_A_SUB_COLUMN, clean_text, looks_like_report_column, names_other_report, page_meta, parse_date,
    recognise_report_title,
)
from pipeline.crawl.fetcher import RawBody, RequestData
from pipeline.crawl.platforms.base import ListingEntry, Page, PlatformAdapter
from pipeline.crawl.render import FORM_TYPE, CapturedResponse, RenderedPage

URL_KEY = re.compile(r"(url|link|href|path)$", re.IGNORECASE)
TITLE_KEY = re.compile(r"(title|name|subject|^bt)$", re.IGNORECASE)
DATE_KEY = re.compile(r"(date|time|day)$", re.IGNORECASE)
LINKISH = re.compile(r"^(https?://|/|\./|\.\./)|\.(s?html?|jsp|aspx?|php|pdf|docx?|wps|xlsx?)(\?|#|$)", re.IGNORECASE)
CJK = re.compile(r"[\u4e00-\u9fff]")
DATE_VALUE = re.compile(r"^\s*(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}")
IMAGE_LINK = re.compile(r"\.(?:jpe?g|png|gif|bmp|webp|svg)(?:\?|#|$)", re.IGNORECASE)
MAX_TITLE = 200          # longer Chinese text in a record is its body or summary, not its title
JSONP = re.compile(r"^\s*[\w$.]+\s*\((?P<body>.*)\)\s*;?\s*$", re.DOTALL)
TAG = re.compile(r"<[^>]+>")
PAGE_KEYS = frozenset({"page", "pageno", "pagenum", "pageindex", "currpage", "currentpage", "current", "curpage",
                       "pn", "pagenumber", "page_no", "page_num", "pageidx", "p"})
SCRIPT_FETCHES = re.compile(r"XMLHttpRequest|\bfetch\s*\(|\$\.(ajax|get|post|getJSON)|axios|jsonp|callback=|"
                            r"\.json\b|/api/|paramJson", re.IGNORECASE)
MAX_JSON_DEPTH = 12
SHELL_MAX_LINKS = 40     # a column page with more links than this is a page, not a shell
ADVERTISED_PAGES = re.compile(r"共\s*(\d{1,4})\s*页|第?\s*\d{1,4}\s*/\s*(\d{1,4})\s*页|页次[:：]?\s*\d{1,4}\s*/\s*(\d{1,4})")
SCRIPT_PAGER = re.compile(r"total_?pages?\b|page_?count\b|page_?total\b|Math\.ceil\([^)]*total", re.IGNORECASE)


def looks_like_script_shell(text: str, url: str) -> bool:
    """A page whose list its scripts would fetch: scripts that request data, and few links of its own.

    An anti-bot challenge stub also runs scripts, but the fetcher reports those as `blocked` before
    a page gets here; a shell of a same-site script file counts (what it fetches is not visible).
    """
    tree = HTMLParser(text)
    return len(tree.css("a[href]")) <= SHELL_MAX_LINKS and runs_list_scripts(tree, url)


def needs_render(text: str, url: str, *, reports: int, pages_read: int) -> bool:
    """A column page whose list its scripts fill or page: a bare shell with no report read, or — full chrome,
    breadcrumbs and side menus around an empty list container — a page named as the report column, or naming no
    other (the crawler reached it by a link naming it a report column or one of its parts), that runs data-fetching
    scripts and either listed no report statically, or advertises more pages (共N页) than
    the static pager reached, or shows one page and writes its pager from a total in a script. Any other column
    (a 政策解读 shell beside it) is never rendered."""
    tree = HTMLParser(text)
    if not runs_list_scripts(tree, url):
        return False
    if reports == 0 and len(tree.css("a[href]")) <= SHELL_MAX_LINKS:
        return True
    if not looks_like_report_column(tree, url) and names_another_column(tree):
        return False
    return (reports == 0 or (advertised_pages(tree) or 0) > pages_read
            or (pages_read == 1 and any(SCRIPT_PAGER.search(script.text() or "") for script in tree.css("script:not([src])"))))


TITLE_SEPARATOR = re.compile(r"\s*[_|｜\-–—]\s*")
BREADCRUMBS = ".breadcrumb, .position, .location, .crumb, .dqwz"


def names_another_column(tree: HTMLParser) -> bool:
    """The page names itself as a column of something else (政策解读, 新闻动态, 指南) by its ColumnName, the first part
    of its title or its breadcrumb's last step. A page that names nothing (the government's own title over chrome) is
    taken for what the link the crawler followed named it: only report columns and their sub-columns are read."""
    title = tree.css_first("title")
    names = [page_meta(tree).get("columnname", ""),
             TITLE_SEPARATOR.split(clean_text(title.text()) if title else "")[0]]
    for crumb in tree.css(BREADCRUMBS)[:1]:
        steps = [clean_text(step) for step in re.split(r"[>＞»›/]", crumb.text()) if clean_text(step)]
        names += steps[-1:]
    return any(NOT_A_REPORT.search(name) or names_other_report(name) or NOT_A_SUB_COLUMN.search(name)
               for name in names if name)


def advertised_pages(tree: HTMLParser) -> int | None:
    """How many pages the page's pager says the list has (`共5页`, `1/5页`), None when it says nothing."""
    body = tree.body
    found = [int(m.group(1) or m.group(2) or m.group(3))
             for m in ADVERTISED_PAGES.finditer(clean_text(body.text() if body else ""))]
    return max(found, default=None)


def runs_list_scripts(tree: HTMLParser, url: str) -> bool:
    """Inline scripts that request data, or a same-site script file that is not a known library."""
    host = urlsplit(url).hostname
    for script in tree.css("script"):
        source = script.attributes.get("src")
        if source is None and SCRIPT_FETCHES.search(script.text() or ""):
            return True
        if source and urlsplit(urljoin(url, source)).hostname == host and not re.search(
                r"jquery|bootstrap|vue(\.min)?\.js|swiper|layer|common", source, re.IGNORECASE):
            return True
    return False


def entries_from_fragment(markup: str, base_url: str) -> list[ListingEntry]:
    return PlatformAdapter._entries_from_links(HTMLParser(markup).css("a[href]"), base_url)


def parse_data(text: str) -> object | None:
    """JSON, or the JSON inside a JSONP callback; None for anything else."""
    text = text.strip().lstrip("\ufeff")
    callback = JSONP.match(text)
    for candidate in (text, callback.group("body") if callback else None):
        if candidate and candidate[:1] in "[{":
            try:
                return json.loads(candidate)
            except ValueError:
                continue
    return None


def entries_from_data(data: object, base_url: str) -> list[ListingEntry]:
    """Records that carry a link and a Chinese title (any key names), at any depth; HTML strings inside too."""
    entries: list[ListingEntry] = []

    def visit(node: object, depth: int) -> None:
        if depth > MAX_JSON_DEPTH:
            return
        if isinstance(node, list):
            for item in node:
                visit(item, depth + 1)
            return
        if not isinstance(node, dict):
            return
        texts = {str(key): value.strip() for key, value in node.items() if isinstance(value, str)}
        link, title = record_link(texts), record_title(texts)
        if link and title:
            when = next((parse_date(value) for key, value in texts.items() if DATE_KEY.search(key) and parse_date(value)),
                        None) or next((parse_date(value) for value in texts.values() if DATE_VALUE.match(value)), None)
            entries.append(ListingEntry(title=title, url=urljoin(base_url, link).split("#", 1)[0], date=when))
        for value in node.values():
            if isinstance(value, (dict, list)):
                visit(value, depth + 1)
            elif isinstance(value, str) and "<a " in value.lower():
                entries.extend(entries_from_fragment(value, base_url))

    visit(data, 0)
    return entries


def record_link(texts: dict[str, str]) -> str | None:
    """A record's link: under a link-named key, else the one value shaped like a link (`lj`, `wjdz`, `dz`…)."""
    by_key = next((value for key, value in texts.items() if URL_KEY.search(key) and LINKISH.search(value)), None)
    if by_key:
        return by_key
    shaped = [value for value in texts.values() if LINKISH.search(value) and not CJK.search(value) and " " not in value
              and not IMAGE_LINK.search(value)]
    return shaped[0] if len(shaped) == 1 else None


def record_title(texts: dict[str, str]) -> str | None:
    """A record's title: under a title-named key, else the Chinese text that names a report, else the longest
    that is no date, link or markup block (`bt`, `wjbt`, `mc`…, beside a summary or a publisher)."""
    def cleaned(value: str) -> str:
        return clean_text(TAG.sub("", html.unescape(value)))
    by_key = next((cleaned(value) for key, value in texts.items() if TITLE_KEY.search(key) and CJK.search(value)), None)
    if by_key:
        return by_key
    texts_only = [cleaned(value) for value in texts.values()
                  if CJK.search(value) and not DATE_VALUE.match(value) and "<" not in value and len(value) <= MAX_TITLE]
    return next((text for text in texts_only if recognise_report_title(text)), None) or max(texts_only, key=len,
                                                                                             default=None)


def records_from_xml(text: str) -> list[dict[str, str]] | None:
    """An XML answer's records as key → text: every element whose children are all leaves (`<row><wjbt>…`)."""
    try:
        root = ElementTree.fromstring(text.strip().lstrip("\ufeff"))
    except ElementTree.ParseError:
        return None
    records = []
    for element in root.iter():
        children = list(element)
        if children and all(len(child) == 0 for child in children):
            record = {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in children}
            record.update({f"@{key}": value for key, value in element.attrib.items()})
            records.append(record)
    return records


def entries_from_response(response: CapturedResponse, page_url: str) -> list[ListingEntry]:
    """Entries in what a script read. Links resolve against the page, as the scripts' links do."""
    data = parse_data(response.text)
    if data is not None:
        return entries_from_data(data, page_url)
    if "javascript" in (response.content_type or ""):
        return []
    if "xml" in (response.content_type or "") or response.text.lstrip("\ufeff \r\n\t").startswith("<?xml"):
        records = records_from_xml(response.text)
        entries = entries_from_data(records, page_url) if records else []
        if entries:
            return entries
    text = response.text.replace("<![CDATA[", "").replace("]]>", "")
    if "&lt;a " in text.lower():
        text = html.unescape(text)
    return entries_from_fragment(text, page_url) if "<a " in text.lower() else []


def entries_from_render(rendered: RenderedPage) -> list[ListingEntry]:
    """Every entry the DOM snapshots and the captured responses list, once per URL, in listing order."""
    found: dict[str, ListingEntry] = {}
    for dom in rendered.doms:
        for entry in PlatformAdapter().parse_listing(Page(rendered.url, dom)).entries:
            found.setdefault(entry.url, entry)
    for response in rendered.responses:
        for entry in entries_from_response(response, rendered.url):
            found.setdefault(entry.url, entry)
    return list(found.values())


def _with_page(value: object, number: int) -> tuple[object, int | None]:
    """`value` with its page-number field set to `number`, and the number it had (None: no such field)."""
    if isinstance(value, dict):
        changed, current = dict(value), None
        for key, item in value.items():
            if str(key).lower() in PAGE_KEYS and (isinstance(item, int) or (isinstance(item, str) and item.isdigit())):
                current = int(item)
                changed[key] = number if isinstance(item, int) else str(number)
                return changed, current
        for key, item in value.items():
            inner, current = _with_page(item, number)
            if current is not None:
                changed[key] = inner
                return changed, current
        return value, None
    if isinstance(value, str) and value[:1] == "{":
        try:
            inner, current = _with_page(json.loads(value), number)
        except ValueError:
            return value, None
        return (json.dumps(inner, ensure_ascii=False, separators=(",", ":")), current) if current is not None else (value, None)
    return value, None


def _pairs_with_page(pairs: list[tuple[str, str]], number: int) -> tuple[list[tuple[str, str]], int | None]:
    as_dict = dict(pairs)
    changed, current = _with_page(as_dict, number)
    if current is None:
        return pairs, None
    return [(key, changed[key]) for key, _ in pairs], current


@dataclass(frozen=True)
class ApiPager:
    """A captured list request that carries a page number: the same request for any other page."""
    response: CapturedResponse
    start: int

    def request(self, number: int) -> tuple[str, str, RequestData]:
        parts = urlsplit(self.response.url)
        pairs, in_query = _pairs_with_page(parse_qsl(parts.query, keep_blank_values=True), number)
        url = parts._replace(query=urlencode(pairs)).geturl() if in_query is not None else self.response.url
        body, content_type = self.response.request_body, self.response.request_content_type or ""
        if in_query is not None or not body:
            return url, self.response.method, None if not body else RawBody(body, content_type)
        if content_type.split(";", 1)[0].strip().lower() == FORM_TYPE:
            fields, _ = _pairs_with_page(parse_qsl(body.decode("latin-1"), keep_blank_values=True), number)
            return url, self.response.method, dict(fields)
        changed, _ = _with_page(body.decode("utf-8", errors="replace"), number)
        return url, self.response.method, RawBody(str(changed).encode("utf-8"), content_type)

    def describe(self) -> str:
        return f"{self.response.method} {self.response.url} (page number from {self.start})"


def page_number_of(response: CapturedResponse) -> int | None:
    """The page number a captured request asked for, wherever it sits (query, form, JSON body, JSON in a field)."""
    _, current = _pairs_with_page(parse_qsl(urlsplit(response.url).query, keep_blank_values=True), 0)
    if current is not None or not response.request_body:
        return current
    body = response.request_body.decode("utf-8", errors="replace")
    if (response.request_content_type or "").split(";", 1)[0].strip().lower() == FORM_TYPE:
        return _pairs_with_page(parse_qsl(body, keep_blank_values=True), 0)[1]
    return _with_page(body, 0)[1]


def find_api_pager(rendered: RenderedPage) -> ApiPager | None:
    """The captured list request with the highest page number among those that listed reports: replaying goes on
    after the last page the browser already read (a pager clicked through pages 2 and 3 is replayed from 4)."""
    pagers = []
    for response in rendered.responses:
        if not any(recognise_report_title(e.title) for e in entries_from_response(response, rendered.url)):
            continue
        number = page_number_of(response)
        if number is not None:
            pagers.append(ApiPager(response, number))
    return max(pagers, key=lambda pager: pager.start, default=None)


LOAD_MORE_TEXT = re.compile(r"^(?:点击)?(?:加载更多|查看更多|显示更多|加载下一页)")
CONCATENATED_PAGE = re.compile(r"""(['"])([^'"\s<>]+?[?&](\w+)=)\1\s*\+\s*[\w$.]+""")
CALL_WITH_PAGE = re.compile(r"""\$\.(get|getJSON|post)\(\s*(['"])([^'"\s<>]+)\2\s*,\s*\{([^{}]*)\}""")
LITERAL_FIELD = re.compile(r"""(\w+)\s*:\s*(?:(['"])([^'"]*)\2|(-?\d+))""")
PAGE_FIELD = re.compile(r"""(\w+)\s*:\s*[A-Za-z_$][\w$.]*(?:\s*[+-]\s*\d+)?\s*(?:,|$)""")


@dataclass(frozen=True)
class LoadMore:
    """The list endpoint a 加载更多 button's inline script asks for, page by page (no browser needed)."""
    url: str
    method: str
    fields: tuple[tuple[str, str], ...]
    page_key: str

    def request(self, number: int) -> tuple[str, str, RequestData]:
        pairs = [*self.fields, (self.page_key, str(number))]
        if self.method == "POST":
            return self.url, "POST", dict(pairs)
        return f"{self.url}{'&' if '?' in self.url else '?'}{urlencode(pairs)}", "GET", None


def load_more_endpoint(text: str, url: str) -> LoadMore | None:
    """A static list whose 加载更多 control (a button, or a link going nowhere) runs an inline script that asks a
    same-host endpoint for the next page: `$.get('/nb/list.json', {page: n})` or `'/nb/list.json?page=' + n`."""
    tree = HTMLParser(text)
    controls = [node for node in tree.css("a, button, span, div, input[type=button]")
                if LOAD_MORE_TEXT.match(clean_text(node.attributes.get("value") or node.text()))
                and not (node.tag == "a" and LINKISH.search(node.attributes.get("href") or ""))]
    if not controls:
        return None
    host = urlsplit(url).netloc
    for script in tree.css("script:not([src])"):
        body = script.text() or ""
        for call in CALL_WITH_PAGE.finditer(body):
            fields = [(m.group(1), m.group(3) if m.group(3) is not None else m.group(4))
                      for m in LITERAL_FIELD.finditer(call.group(4))]
            keys = [m.group(1) for m in PAGE_FIELD.finditer(call.group(4)) if m.group(1).lower() in PAGE_KEYS]
            endpoint = urljoin(url, call.group(3))
            if keys and urlsplit(endpoint).netloc == host:
                return LoadMore(endpoint, "POST" if call.group(1) == "post" else "GET",
                                tuple(pair for pair in fields if pair[0] != keys[0]), keys[0])
        for found in CONCATENATED_PAGE.finditer(body):
            endpoint = urljoin(url, found.group(2))
            if found.group(3).lower() in PAGE_KEYS and urlsplit(endpoint).netloc == host:
                base, _, query = endpoint.rpartition("?")
                pairs = [pair for pair in parse_qsl(query, keep_blank_values=True) if pair[0] != found.group(3)]
                return LoadMore(base, "GET", tuple(pairs), found.group(3))
    return None
