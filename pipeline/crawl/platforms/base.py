"""The platform adapter contract: pure parsers from a fetched page to listing entries and articles.

An adapter never fetches. The crawler hands it a `Page` (final URL + decoded text) and gets back
what to record and what to fetch next (`PageRequest`s, possibly POSTs). One small module per
platform family subclasses `PlatformAdapter`, overriding only what its markup needs.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

from pipeline.crawl.discovery import (
    Attachment, clean_text, find_attachments, page_meta, parse_date, site_id_division,
)


@dataclass(frozen=True)
class Page:
    url: str           # the final URL the text came from (links resolve against it)
    text: str


@dataclass(frozen=True)
class PageRequest:
    url: str
    method: str = "GET"
    data: tuple[tuple[str, str], ...] = ()   # form fields for POST, kept hashable


@dataclass(frozen=True)
class ListingEntry:
    title: str
    url: str
    date: date | None = None
    publisher: str | None = None
    report_year: int | None = None   # set when the URL itself says "the report for year N" (Hanweb fbtime=)


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
NEXT_PAGE_TEXT = re.compile(r"^(下一页|下页|后一页)\s*[>›»]*$")


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
        tree = HTMLParser(page.text)
        links: list[Node] = []
        for selector in self.listing_selectors:
            links = tree.css(selector)
            if links:
                break
        if not links:
            links = tree.css("a[href]")
        return Listing(entries=self._entries_from_links(links, page.url), next_pages=self.next_pages(page))

    def next_pages(self, page: Page) -> list[PageRequest]:
        """The listing's 下一页 link, if it has one (static CMSs without a known pager)."""
        for link in HTMLParser(page.text).css("a[href]"):
            href = (link.attributes.get("href") or "").strip()
            if NEXT_PAGE_TEXT.match(clean_text(link.text())) and href and not href.startswith(("javascript:", "#")):
                return [PageRequest(urljoin(page.url, href).split("#", 1)[0])]
        return []

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
        """Entries for links with a title; the date comes from the enclosing list item or row."""
        entries: dict[str, ListingEntry] = {}
        for link in links:
            href = (link.attributes.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "mailto:", "#")):
                continue
            title = clean_text(link.attributes.get("title") or link.text())
            if len(title) < 2:
                continue
            container = link.parent
            while container is not None and container.tag not in LISTING_CONTAINERS:
                container = container.parent
            when = parse_date(container.text(separator=" ")) if container is not None else None
            url = urljoin(base_url, href).split("#", 1)[0]
            entries.setdefault(url, ListingEntry(title=title, url=url, date=when))
        return list(entries.values())
