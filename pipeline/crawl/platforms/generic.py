"""Any static site, described by the portal's params instead of code.

Params: `item_selector` (CSS for the listing's links, required), `body_selector` (article body),
`next_page_template` (e.g. `index_{n}.html`, resolved against the column URL) with
`first_page_number` (default 1) and `max_pages` (default 50). A page that lists nothing ends paging.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

from pipeline.crawl.platforms.base import Listing, Page, PageRequest, PlatformAdapter


class GenericAdapter(PlatformAdapter):
    name = "generic"

    def parse_listing(self, page: Page) -> Listing:
        links = HTMLParser(page.text).css(self.params["item_selector"])
        entries = self._entries_from_links([link for link in links if link.tag == "a"] or self._links_inside(links), page.url)
        return Listing(entries=entries, next_pages=self._next(page) if entries else [])

    @staticmethod
    def _links_inside(nodes: list[Node]) -> list[Node]:
        return [link for node in nodes for link in node.css("a[href]")]

    def _body(self, tree: HTMLParser) -> Node | None:
        selector = self.params.get("body_selector")
        node = tree.css_first(selector) if selector else None
        return node if node is not None else super()._body(tree)

    def _next(self, page: Page) -> list[PageRequest]:
        template = self.params.get("next_page_template")
        if not template or "{n}" not in template:
            return []
        first = int(self.params.get("first_page_number", "1"))
        last = first + int(self.params.get("max_pages", "50")) - 1
        pattern = re.compile(re.escape(template).replace(r"\{n\}", r"(\d+)") + r"$")
        current = pattern.search(page.url.split("?", 1)[0])
        number = int(current.group(1)) + 1 if current else first
        if number > last:
            return []
        directory = page.url if current is None else page.url[: current.start()]
        return [PageRequest(urljoin(directory, template.format(n=number)))]
