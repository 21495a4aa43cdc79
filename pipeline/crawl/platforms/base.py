"""The platform adapter contract: pure parsers from a fetched page to listing entries and articles.

An adapter never fetches. The crawler hands it a `Page` (final URL + decoded text) and gets back
what to record and what to fetch next (`PageRequest`s, possibly POSTs). One small module per
platform family subclasses `PlatformAdapter`, overriding only what its markup needs.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

from pipeline.crawl.discovery import (
    Attachment, clean_text, find_attachments, link_base, link_text, looks_like_report_column, page_meta, parse_date,
    recognise_report_title, site_id_division, unverified_report_link,
)


@dataclass(frozen=True)
class PageRequest:
    url: str
    method: str = "GET"
    data: tuple[tuple[str, str], ...] = ()   # form fields for POST, kept hashable
    json: str | None = None                  # a JSON body for POST (list APIs that read no form), as sent
    referrer: str | None = None              # the page to name as Referer (list APIs that refuse without it)


@dataclass(frozen=True)
class Page:
    url: str           # the final URL the text came from (links resolve against it)
    text: str
    request: PageRequest | None = None   # what fetched it: a JSON list's reply is read against the body it answered


@dataclass(frozen=True)
class ListingEntry:
    title: str
    url: str
    date: date | None = None
    publisher: str | None = None
    report_year: int | None = None   # set when the URL itself says "the report for year N" (Hanweb fbtime=)
    verify: bool = False             # a cut title or a bare one (2023年, 年度报告) in the report list: judge by the document
    outside_list: bool = False       # a report-titled link outside the list block (a 相关链接 box): may be a neighbour's


@dataclass(frozen=True)
class Listing:
    entries: list[ListingEntry] = field(default_factory=list)
    next_pages: list[PageRequest] = field(default_factory=list)


@dataclass(frozen=True)
class Article:
    title: str | None
    published: date | None
    body_text: str                       # the content region's text ("" when none was found)
    attachments: list[Attachment] = field(default_factory=list)
    continuation_pages: list[str] = field(default_factory=list)   # `_1.html` … pages of a split article
    site_division_code: str | None = None                         # from SiteIDCode, when present
    has_tables: bool = False                                      # the body holds <table>s (an HTML report)


LISTING_CONTAINERS = ("li", "tr", "dd", "p", "div")
BLOCK_MIN_LINKS = 1


def _item(link: Node) -> Node | None:
    if link.tag != "a" and link.tag in LISTING_CONTAINERS:
        return link   # a row or item that is itself the link (onclick, data-href)
    container = link.parent
    while container is not None and container.tag not in LISTING_CONTAINERS:
        container = container.parent
    return container


GENERIC_LINK_TEXT = re.compile(r"^[\[【(（]?\s*(?:点击)?(?:查看|详情|详细|查看详情|阅读全文|全文|浏览|打开)\s*[\]】)）]?$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def entry_title(link: Node) -> str:
    """A listed link's title: its title attribute or text, or, when it only says 查看 / 详情, the longest
    text of its row (a 索引号 / 信息名称 / 日期 table whose name cell is not the link)."""
    title = clean_text(link.attributes.get("title") or link.text())
    item = _item(link)
    if link.tag != "a" and item is link:   # a row that is the link: its name cell, not its number and date
        named = [clean_text(child.text()) for child in link.iter() if CJK.search(child.text() or "")]
        return max(named, key=len) if named else title
    if not GENERIC_LINK_TEXT.match(title) or item is None:
        return title
    cells = [clean_text(child.text()) for child in item.iter() if child.tag != "a" and child.css_first("a") is None]
    named = [cell for cell in cells if CJK.search(cell)]
    return max(named, key=len) if named else title


OPENER_ARGUMENT = re.compile(r"""\(\s*['"]([^'"\s]*[/.][^'"\s]*)['"]""")   # openDetail('/xxgk/1.html')


ROW_LINKS = "a[href], a[onclick], [data-href], [data-url], tr[onclick], li[onclick], dd[onclick], div[onclick]"


def link_target(link: Node) -> str | None:
    """Where a link goes: its href, or, for `href="javascript:…"`, the path its script opens
    (`window.open('…')`, `location.href='…'`, `openDetail('/xxgk/1.html')`); a row or item that is
    itself the link says it in `data-href`/`data-url` or its `onclick` script."""
    if link.tag == "a":
        href = (link.attributes.get("href") or "").strip()
    elif any(not (inner.attributes.get("href") or "").strip().startswith(("javascript:", "#")) for inner in link.css("a[href]")):
        return None   # a block holding real links (a list under a data-url for its script): its links are the entries
    else:
        href = (link.attributes.get("data-href") or link.attributes.get("data-url") or "").strip()
    if href and not href.startswith(("javascript:", "mailto:", "#")):
        return href
    script = f"{href} {link.attributes.get('onclick') or ''}"
    literal = SCRIPT_URL.search(script) or OPENER_ARGUMENT.search(script)
    return literal.group(1) if literal else None


def report_link_block(tree: HTMLParser) -> list[Node] | None:
    """The links of the list block that looks most like a report list, in page order, or None."""
    blocks = report_link_blocks(tree)
    return blocks[0] if blocks else None


def report_link_blocks(tree: HTMLParser) -> list[list[Node]]:
    """The page's scoring link blocks, the most report-list-like first.

    Links are grouped by the element holding their list items (a `ul`, a `tbody`, a `div`); a
    block scores by report titles (3 each), dated items (a full date, or `[01-20]`) and bare year
    links (1 each). Blocks that score nothing (menus, footers) are never chosen.
    """
    blocks: dict[int, list[Node]] = {}
    scores: dict[int, int] = {}
    for link in tree.css(ROW_LINKS):
        if link_target(link) is None:
            continue
        item = _item(link)
        holder = item.parent if item is not None and item.parent is not None else item
        key = holder.mem_id if holder is not None else 0
        blocks.setdefault(key, []).append(link)
        title = entry_title(link)
        score = 3 if recognise_report_title(title) else 0
        if item is not None and (parse_date(item.text(separator=" ")) or MONTH_DAY.search(item.text(separator=" "))):
            score += 1
        if YEAR_ONLY.match(title):
            score += 1
        scores[key] = scores.get(key, 0) + score
    ranked = sorted((key for key in blocks if scores[key] > 0 and len(blocks[key]) >= BLOCK_MIN_LINKS),
                    key=lambda key: -scores[key])
    return [blocks[key] for key in ranked]


MONTH_DAY = re.compile(r"[\[(（]\s*\d{1,2}-\d{1,2}\s*[\])）]")
YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}\s*年?度?$")
NEXT_PAGE_TEXT = re.compile(r"^(下一页|下页|后一页)\s*[>›»]*$")
POSTBACK = re.compile(r"__doPostBack\(\s*['\"]([^'\"]*)['\"]\s*,\s*['\"]([^'\"]*)['\"]")
SCRIPT_URL = re.compile(r"""(?:location(?:\.href)?\s*=|location\.replace\(|window\.open\()\s*['"]([^'"]+)['"]""")
WRITTEN_NEXT_LINK = re.compile(r"""href\s*=\s*\\?['"]([^'"\\]+)\\?['"][^<>]*>\s*(?:下一页|下页|后一页)""")
PAGE_CALL = re.compile(r"""([A-Za-z_$][\w$]*)\(\s*['"]?(\d{1,4})['"]?\s*\)""")
PAGE_NUMBER = re.compile(r"^(?:\[\s*(\d{1,3})\s*\]|第?\s*(\d{1,3})\s*页?)$")
PAGE_KEY = re.compile(r"(?:cur_?|curr|current)?(?:page|pageno|pagenum|pageindex|pn|p|start|offset)(?:no|num|index)?", re.I)
NUMBERED_FILE = re.compile(r"[_-]\d+$")


def pager_functions(tree: HTMLParser, function: str) -> Iterator[tuple[str, str]]:
    """(first parameter, body) of each definition of the page's script function `function`."""
    definition = re.compile(r"function\s+%s\s*\(\s*(\w*)[^)]*\)\s*\{(.*?)\}" % re.escape(function), re.S)
    for script in tree.css("script"):
        if found := definition.search(script.text() or ""):
            yield found.group(1), found.group(2)


def script_page_url(tree: HTMLParser, function: str, number: str) -> str | None:
    """The URL a pager function builds for page `number` (`function goPage(n){location.href='list.jsp?p='+n}`)."""
    for parameter, body in pager_functions(tree, function):
        if not parameter or "location" not in body:
            continue
        built = re.search(r"""(['"])([^'"]*)\1\s*\+\s*%s\b(?:\s*\+\s*(['"])([^'"]*)\3)?""" % re.escape(parameter), body)
        if built:
            return f"{built.group(2)}{number}{built.group(4) or ''}"
    return None


def form_page(tree: HTMLParser, function: str, number: str, base: str) -> list[PageRequest]:
    """Page `number` of a pager function that sets a form's page field and submits it
    (`function toPage(n){document.getElementById('pageNo').value=n;form.submit();}`): the form's fields with the
    page field set, sent by the form's method. Nothing when the field already holds `number` (never page 1 again)."""
    if not any("submit(" in body for _, body in pager_functions(tree, function)):
        return []
    for form in tree.css("form"):
        fields = {node.attributes["name"]: node.attributes.get("value") or "" for node in form.css("input[name]")
                  if (node.attributes.get("type") or "text").lower() in ("hidden", "text")}
        key = next((name for name in fields if PAGE_KEY.fullmatch(name)), None)
        if key is None or fields[key] == number:
            continue
        fields[key] = number
        action = urljoin(base, (form.attributes.get("action") or "").strip()).split("#", 1)[0]
        if (form.attributes.get("method") or "get").lower() == "post":
            return [PageRequest(action, "POST", tuple(fields.items()))]
        return [PageRequest(f"{action.split('?', 1)[0]}?{urlencode(fields)}")]
    return []


def listing_family(url: str) -> tuple[str, str, str, frozenset[tuple[str, str]]]:
    """What the pages of one list share: host, folder, file stem without its page number (`index`, `index_2`
    and the bare folder are one), and the query apart from its page parameter."""
    parts = urlsplit(url)
    folder, _, name = parts.path.rpartition("/")
    stem = NUMBERED_FILE.sub("", name.rsplit(".", 1)[0]) or "index"
    query = frozenset((key, value) for key, value in parse_qsl(parts.query) if not PAGE_KEY.fullmatch(key))
    return parts.netloc, folder, stem, query


def numbered_pages(tree: HTMLParser, page_url: str) -> list[PageRequest]:
    """Pages 2… a pager names only by number (`2`, `[3]`, `第4页`, or a 共N页 jump `<select>`'s options),
    in the same list as this page. Page 1 is never among them: the crawl starts there."""
    family = listing_family(page_url)
    resolve = link_base(tree, page_url)
    found: list[PageRequest] = []
    candidates = [(node.attributes.get("href"), node.text()) for node in tree.css("a[href]")]
    candidates += [(node.attributes.get("value"), node.text()) for node in tree.css("select option[value]")]
    for target, text in candidates:
        number = PAGE_NUMBER.match(clean_text(text))
        target = (target or "").strip()
        if not number or int(number.group(1) or number.group(2)) < 2 or not target or target.startswith(("javascript:", "#")):
            continue
        url = urljoin(resolve, target).split("#", 1)[0]
        if url != page_url.split("#", 1)[0] and listing_family(url) == family and PageRequest(url) not in found:
            found.append(PageRequest(url))
    return found


class PlatformAdapter:
    """Defaults that work on any static page; subclasses narrow selectors and add pagination."""

    name: ClassVar[str] = ""
    body_selectors: ClassVar[tuple[str, ...]] = ()
    listing_selectors: ClassVar[tuple[str, ...]] = ("li a[href]", "tr a[href]", "dd a[href]")

    def __init__(self, params: Mapping[str, str] | None = None):
        self.params = dict(params or {})

    @classmethod
    def detect(cls, html: str, url: str) -> bool:
        """True when the page carries this platform's markers."""
        return False

    def parse_listing(self, page: Page) -> Listing:
        """The page's block of repeated, dated, report-like links, plus any report-titled link elsewhere and every
        link of another block holding one (a 2023年 beside its titled siblings, when a news list outscores them).

        Navigation is often `li a` while the list is table rows (or the reverse), so the block is
        chosen by what it holds, not by the first selector that matches.
        """
        tree = HTMLParser(page.text)
        resolve = link_base(tree, page.url)
        ranked = report_link_blocks(tree)
        block = ranked[0] if ranked else None
        if block is None:
            links: list[Node] = []
            for selector in self.listing_selectors:
                links = tree.css(selector)
                if links:
                    break
            return Listing(entries=self._entries_from_links(links or tree.css("a[href]"), resolve),
                           next_pages=self.next_pages(page))
        in_block = {link.mem_id for link in block}
        reporting = {link.mem_id for other in ranked[1:]   # a small report list beside a longer dated news list
                     if any(recognise_report_title(entry_title(link)) for link in other) for link in other}
        elsewhere = [link for link in tree.css("a[href]") if link.mem_id not in in_block
                     and (link.mem_id in reporting or recognise_report_title(link.attributes.get("title") or link.text()))]
        outside = {entry.url for entry in self._entries_from_links(elsewhere, resolve)}
        outside -= {entry.url for entry in self._entries_from_links(block, resolve)}
        entries = [replace(entry, outside_list=entry.url in outside) for entry in self._entries_from_links(block + elsewhere, resolve)]
        report_column = looks_like_report_column(tree, page.url) or any(recognise_report_title(e.title) for e in entries)
        entries = [replace(entry, verify=True) if unverified_report_link(entry.title, entry.url, report_column, page.url)
                   else entry
                   for entry in entries]
        return Listing(entries=entries, next_pages=self.next_pages(page))

    def next_pages(self, page: Page) -> list[PageRequest]:
        """The listing's 下一页 link, if it has one (static CMSs without a known pager).

        The link (its text, title or picture's alt) may be a plain href, a literal URL in its `onclick` or a `javascript:` href, a
        link a pager script writes (`document.write('<a href=…>下一页</a>')`), a call of a pager
        function that builds the URL (`goPage(2)`), or an ASP.NET `__doPostBack` — a POST of the
        page's form state with `__EVENTTARGET` set. Without a 下一页, the pager's numbered links.
        """
        tree = HTMLParser(page.text)
        resolve = link_base(tree, page.url)
        for link in tree.css("a"):
            if not NEXT_PAGE_TEXT.match(link_text(link)):
                continue
            href = (link.attributes.get("href") or "").strip()
            if href and not href.startswith(("javascript:", "#")):
                return self._next(page, urljoin(resolve, href).split("#", 1)[0])
            script = f"{href} {link.attributes.get('onclick') or ''}"
            postback = POSTBACK.search(script)
            if postback:
                return self._postback(page, tree, postback.group(1), postback.group(2))
            literal = SCRIPT_URL.search(script)
            if literal:
                return self._next(page, urljoin(resolve, literal.group(1)).split("#", 1)[0])
            for call in PAGE_CALL.finditer(script):
                built = script_page_url(tree, call.group(1), call.group(2))
                if built:
                    return self._next(page, urljoin(resolve, built).split("#", 1)[0])
                posted = form_page(tree, call.group(1), call.group(2), resolve)
                if posted:
                    return posted
        written = WRITTEN_NEXT_LINK.search(" ".join(node.text() or "" for node in tree.css("script")))
        if written:
            return self._next(page, urljoin(resolve, written.group(1)).split("#", 1)[0])
        return numbered_pages(tree, page.url)

    @staticmethod
    def _next(page: Page, url: str) -> list[PageRequest]:
        return [] if url == page.url.split("#", 1)[0] else [PageRequest(url)]

    @staticmethod
    def _postback(page: Page, tree: HTMLParser, target: str, argument: str) -> list[PageRequest]:
        form = tree.css_first("form")
        fields = {}
        for node in (form or tree).css("input[name]"):
            kind = (node.attributes.get("type") or "text").lower()
            if kind in ("hidden", "text"):
                fields[node.attributes["name"]] = node.attributes.get("value") or ""
        fields.update({"__EVENTTARGET": target, "__EVENTARGUMENT": argument})
        action = (form.attributes.get("action") or "") if form is not None else ""
        base = link_base(tree, page.url)
        return [PageRequest(urljoin(base, action) if action else page.url.split("#", 1)[0], "POST", tuple(fields.items()))]

    def parse_article(self, page: Page) -> Article:
        tree = HTMLParser(page.text)
        meta = page_meta(tree)
        body = self._body(tree)
        title = meta.get("articletitle") or self._title(tree)
        published = parse_date(meta.get("pubdate")) or parse_date(self._date_text(tree))
        return Article(
            title=clean_text(title) or None,
            published=published,
            body_text=clean_text(body.text(separator=" ")) if body is not None else "",
            attachments=find_attachments(page.text, page.url, tree=tree, body=body),
            continuation_pages=self.continuation_pages(page),
            site_division_code=site_id_division(meta.get("siteidcode")),
            has_tables=body is not None and body.css_first("table") is not None,
        )

    def continuation_pages(self, page: Page) -> list[str]:
        return []

    def _body(self, tree: HTMLParser) -> Node | None:
        for selector in self.body_selectors:
            node = tree.css_first(selector)
            if node is not None:
                return node
        return tree.body

    @staticmethod
    def _title(tree: HTMLParser) -> str | None:
        for selector in ("h1", "title"):
            node = tree.css_first(selector)
            if node is not None and clean_text(node.text()):
                return node.text()
        return None

    @staticmethod
    def _date_text(tree: HTMLParser) -> str | None:
        for selector in (".date", ".time", ".pubdate", ".article-info", ".info"):
            node = tree.css_first(selector)
            if node is not None:
                return node.text()
        return None

    @staticmethod
    def _entries_from_links(links: list[Node], base_url: str) -> list[ListingEntry]:
        """Entries for links with a title (a 查看 link's is its row's) and a target (a script's too); the date comes
        from the enclosing item or row."""
        entries: dict[str, ListingEntry] = {}
        for link in links:
            href = link_target(link)
            if href is None:
                continue
            title = entry_title(link)
            if len(title) < 2:
                continue
            container = _item(link)
            when = parse_date(container.text(separator=" ")) if container is not None else None
            url = urljoin(base_url, href).split("#", 1)[0]
            entries.setdefault(url, ListingEntry(title=title, url=url, date=when))
        return list(entries.values())
