"""动易 SiteFactory (PowerEasy): ASP.NET portals whose columns are `/Category_{id}/Index.aspx`.

A column lists its own and its sub-columns' articles as `ul.infoList li` (or `ul.newsList li`, or
`ul.newsList` table rows with the link in `td.title`):
`<span class="date">`, a `<a class="node">[子栏目]</a>` link to the sub-column, then the article
`<a href="/Item/{id}.aspx" title="标题：…&#xD;点击数：…&#xD;发表时间：…">` whose text may be cut with `…`.
Page N ≥ 2 is `Index_N.aspx` beside `Index.aspx` (`Index_1.aspx` is page 1 again); the pager
`<span id="pe100_page_…" class="pagecss"><!--{pe.begin.pagination}-->` links 首页, 上一页, page
numbers, 下一页 and 尾页 (`Index_{last}.aspx`). Articles carry the body in `#fontzoom` and the date
in `div.property` (发布时间：2019年4月24日).
Evidence: public scrapers of gdgn.gov.cn (广宁县, `ul.newsList`, `Index_{page}.aspx`, `#fontzoom`,
`div.property`), cqnafy.gov.cn (`/Item/{id}.aspx`, `ul.newsList`, `div.page`, the 尾页 link giving
the page count), arq.gov.cn (`span.date` before the link, the `标题：…&#xD;` title attribute),
zhangye.gov.cn and cdp.edu.cn (`Category_N/Index_N.aspx` paging), dxzc.gov.cn (the `PE_` tables),
and a published SiteFactory page of sxyz.net (the full list, pager and sub-column markup).
"""
from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

from pipeline.crawl.discovery import (
    clean_text, looks_like_report_column, parse_date, recognise_report_title, unverified_report_link,
)
from pipeline.crawl.platforms.base import Listing, ListingEntry, Page, PageRequest, PlatformAdapter

MARKERS = re.compile(r"pe100_page_|\{pe\.begin\.pagination\}|keyword_PowerEasy|/Category_\d+/Index(?:_\d+)?\.aspx")
LIST_LINKS = "ul.infoList li a[href], ul.newsList li a[href], ul.newsList td.title a[href]"
PAGE_NAME = re.compile(r"^(?:Index(?:_(\d+))?\.aspx)?$", re.I)
TITLE_FIELD = re.compile(r"^标题[:：]\s*")
PUBLISHED_FIELD = re.compile(r"发表时间[:：]\s*(\S+)")


def item_title(link: Node) -> str:
    """The article's full title: the `标题：` field of the title attribute (its other lines are the
    hit count and date), else the attribute or the link text."""
    attribute = link.attributes.get("title") or ""
    first_line = re.split(r"[\r\n]", attribute, maxsplit=1)[0]
    return clean_text(TITLE_FIELD.sub("", first_line)) or clean_text(link.text())


def page_number(url: str) -> int | None:
    """The list page a URL names (the folder, `Index.aspx` and `Index_1.aspx` are page 1), or None off the list."""
    match = PAGE_NAME.match(urlsplit(url).path.rsplit("/", 1)[-1])
    if match is None:
        return None
    return int(match.group(1) or 1)


class SiteFactoryAdapter(PlatformAdapter):
    name = "sitefactory"
    body_selectors = ("#fontzoom", ".conTxt", ".article-content")

    @classmethod
    def detect(cls, html: str, url: str) -> bool:
        return bool(MARKERS.search(urlsplit(url).path) or MARKERS.search(html))

    def parse_listing(self, page: Page) -> Listing:
        tree = HTMLParser(page.text)
        links = [link for link in tree.css(LIST_LINKS) if "node" not in (link.attributes.get("class") or "").split()]
        if not links:
            return super().parse_listing(page)
        entries: dict[str, ListingEntry] = {}
        for link in links:
            url = urljoin(page.url, (link.attributes.get("href") or "").strip()).split("#", 1)[0]
            title = item_title(link)
            if len(title) < 2 or url in entries:
                continue
            stamp = link.parent.css_first("span.date") if link.parent is not None else None
            published = PUBLISHED_FIELD.search(link.attributes.get("title") or "")
            when = parse_date(stamp.text() if stamp is not None else None) or parse_date(
                published.group(1) if published else None)
            entries[url] = ListingEntry(title=title, url=url, date=when)
        report_column = looks_like_report_column(tree, page.url) or any(
            recognise_report_title(entry.title) for entry in entries.values())
        return Listing(entries=[replace(entry, verify=unverified_report_link(entry.title, entry.url, report_column))
                                for entry in entries.values()], next_pages=self.next_pages(page))

    def next_pages(self, page: Page) -> list[PageRequest]:
        """Pages 2 … last, announced once by the list's first page from its 尾页 (or highest numbered) link;
        a later page announces nothing, so paging never loops and page 1 is never fetched again."""
        if page_number(page.url) != 1:
            return []
        folder = urlsplit(page.url).path.rsplit("/", 1)[0]
        last = 1
        for link in HTMLParser(page.text).css(".pagecss a[href], .page a[href], .pager a[href]"):
            url = urljoin(page.url, link.attributes.get("href") or "")
            number = page_number(url)
            if number is not None and urlsplit(url).path.rsplit("/", 1)[0] == folder:
                last = max(last, number)
        return [PageRequest(urljoin(page.url, f"Index_{n}.aspx")) for n in range(2, last + 1)]

    @staticmethod
    def _date_text(tree: HTMLParser) -> str | None:
        node = tree.css_first(".property")
        return node.text() if node is not None else PlatformAdapter._date_text(tree)
