"""Any static site, described by the portal's params instead of code.

Params: `list_selector` (CSS for the listing's report links, required), `date_selector` (CSS for
the dates beside them, matched up in order), `content_selector` (article body),
`page_url_template` (listing page N ≥ 2, `{page}` replaced, resolved against the column URL;
page 1 is the column itself) and `max_pages` (default 50), stopping early at a printed
`共N页`. Without a template the listing's
下一页 link is followed. A page that lists nothing ends paging.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

from pipeline.crawl.discovery import parse_date
from pipeline.crawl.platforms.base import Listing, ListingEntry, Page, PageRequest, PlatformAdapter


PAGE_COUNT = re.compile(r"共\s*(\d+)\s*页")


class GenericAdapter(PlatformAdapter):
    name = "generic"

    def parse_listing(self, page: Page) -> Listing:
        tree = HTMLParser(page.text)
        nodes = tree.css(self.params["list_selector"])
        links = [node for node in nodes if node.tag == "a"] or [a for node in nodes for a in node.css("a[href]")]
        entries = self._entries_from_links(links, page.url)
        date_selector = self.params.get("date_selector")
        if date_selector:
            dates = [parse_date(node.text()) for node in tree.css(date_selector)]
            if len(dates) == len(entries):
                entries = [ListingEntry(e.title, e.url, when or e.date, e.publisher, e.report_year)
                           for e, when in zip(entries, dates)]
        return Listing(entries=entries, next_pages=self.next_pages(page) if entries else [])

    def _body(self, tree: HTMLParser) -> Node | None:
        selector = self.params.get("content_selector")
        node = tree.css_first(selector) if selector else None
        return node if node is not None else super()._body(tree)

    def next_pages(self, page: Page) -> list[PageRequest]:
        template = self.params.get("page_url_template")
        if not template or "{page}" not in template:
            return super().next_pages(page)
        pattern = re.compile(re.escape(template.rsplit("/", 1)[-1]).replace(r"\{page\}", r"(\d+)") + r"$")
        current = pattern.search(page.url.split("?", 1)[0])
        number = int(current.group(1)) + 1 if current else 2
        printed_count = PAGE_COUNT.search(page.text)
        last = int(self.params.get("max_pages", "50"))
        if printed_count:
            last = min(last, int(printed_count.group(1)))
        if number > last:
            return []
        return [PageRequest(urljoin(page.url, template.format(page=number)))]
