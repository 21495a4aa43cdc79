"""龙讯 LonSun: the disclosure platform of Anhui (and parts of Jiangxi and Sichuan) county portals.

A column is `/public/column/{organId}?type=4&action=list&nav=…&catId={catId}`; its script carries the
page count as `pageCount:N` and its list is drawn, page by page, by the label servlet
`/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList&siteId=…&pageSize=…&pageIndex=N
&action=list&…&organId=…&type=4&catId=…&file=/xxgk/publicInfoList_…` (some sites put the servlet
under a path prefix), which answers an HTML fragment of `li`s or `div.xxgk_navli`s with
`<a href="/public/{organId}/{id}.html" title>` and a date (in the link's `li`, or in the next `li`). Some column pages also print page 1
themselves (`div.gk_list`, `ul.xxgk_nav_list`); a column without a servlet URL is paged by
`pageIndex=N` on the column URL itself. Articles carry the body in `div.wzcon.j-fontContent` or
`.gzk-article`, attachments under `/group…/M00/…`; annual reports also sit at `/Xxgknb/show/{id}.html`.
Evidence: public scrapers of ah.gov.cn, mpa.ah.gov.cn, slt.ah.gov.cn, sthjt.ah.gov.cn,
ybj.ah.gov.cn, fzggw.ah.gov.cn, ahqimen.gov.cn (the servlet's parameters, `pageCount:` and the
markup), scpc.gov.cn and baohe.gov.cn (the column URLs) and dongzhi.gov.cn (`/Xxgknb/show/`).
"""
from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

from pipeline.crawl.discovery import looks_like_report_column, parse_date, recognise_report_title, unverified_report_link
from pipeline.crawl.platforms.base import (
    Listing, ListingEntry, Page, PageRequest, PlatformAdapter, report_link_block,
)

COLUMN_PATH = re.compile(r"/public/column/\d+")
LABEL_PATH = re.compile(r"/site/label/8888$")
LABEL_URL = re.compile(r"""((?:https?://[^/'"\s]+)?(?:/[\w.-]+)*/site/label/8888\?[^'"<>\s]*labelName=publicInfoList[^'"<>\s]*)""")
PAGE_COUNT = re.compile(r"""pageCount\s*[:=]\s*['"]?(\d+)""")
LIST_LINKS = ".gk_list a.title, .xxgk_navli a[href], .xxgk_nav_list li a[href], .xxgk_nav_con li a[href]"
DATE_LEVELS = 3          # a date sits at most this many boxes above the link
MARKERS = re.compile(r"/public/column/\d+|/site/label/8888|labelName=publicInfoList|/Xxgknb/show/|ls-page-container")


class LonsunAdapter(PlatformAdapter):
    name = "lonsun"
    body_selectors = (".j-fontContent", ".gzk-article", "#zoom", ".wzcon", ".article-content")

    @classmethod
    def detect(cls, html_text: str, url: str) -> bool:
        return bool(MARKERS.search(urlsplit(url).path) or MARKERS.search(html_text))

    def parse_listing(self, page: Page) -> Listing:
        listing = self._list_items(page)
        query = dict(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))
        if query.get("pageIndex", "1") not in ("", "1"):
            return Listing(entries=listing.entries)   # only a list's first page announces the others
        count = PAGE_COUNT.search(page.text)
        pages = int(count.group(1)) if count else 1
        if LABEL_PATH.search(urlsplit(page.url).path):
            return Listing(entries=listing.entries, next_pages=self._pages(page.url, range(2, pages + 1)))
        label = LABEL_URL.search(page.text)
        if label:
            first = 2 if listing.entries else 1
            return Listing(entries=listing.entries, next_pages=self._pages(
                urljoin(page.url, html.unescape(label.group(1))), range(first, pages + 1)))
        if COLUMN_PATH.search(urlsplit(page.url).path):
            return Listing(entries=listing.entries, next_pages=self._pages(page.url, range(2, pages + 1)))
        return listing

    def _list_items(self, page: Page) -> Listing:
        """The platform's own list boxes when the page has them (every item its own `ul` in `div.xxgk_navli`,
        which the generic block reader would split), else the generic reading."""
        tree = HTMLParser(page.text)
        links = tree.css(LIST_LINKS)
        if not links:
            return PlatformAdapter.parse_listing(self, page) if report_link_block(tree) is not None else Listing()
        entries = self._dated(page, links, self._entries_from_links(links, page.url))
        report_column = looks_like_report_column(tree, page.url) or any(recognise_report_title(e.title) for e in entries)
        return Listing(entries=[replace(entry, verify=unverified_report_link(entry.title, entry.url, report_column))
                                for entry in entries], next_pages=self.next_pages(page))

    @staticmethod
    def _dated(page: Page, links: list[Node], entries: list[ListingEntry]) -> list[ListingEntry]:
        """Dates printed beside the link's own box: `li > div > a` + `span.date`, or `div.xxgk_navli` with the
        title in one `li` and the date in the next."""
        dates: dict[str, date] = {}
        for link in links:
            node = link.parent
            for _ in range(DATE_LEVELS):
                if node is None or node.tag == "body":
                    break
                found = parse_date(node.text(separator=" "))
                if found:
                    dates[urljoin(page.url, link.attributes.get("href") or "").split("#", 1)[0]] = found
                    break
                node = node.parent
        return [replace(entry, date=entry.date or dates.get(entry.url)) for entry in entries]

    @staticmethod
    def _pages(url: str, numbers: range) -> list[PageRequest]:
        base, _, query = url.partition("?")
        fields = dict(parse_qsl(query, keep_blank_values=True))
        return [PageRequest(base + "?" + urlencode({**fields, "pageIndex": str(n)})) for n in numbers]
