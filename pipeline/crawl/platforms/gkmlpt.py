"""Guangdong gkmlpt: a JavaScript shell with `window._CONFIG = {SID, TREE}` and a JSON listing API.

The column page only yields the site id and category tree; the entries come from
`/gkmlpt/api/all/{cat}?page=N&sid={SID}` (`total`, `articles[]` with `title`, `url`,
`publisher`, `display_publish_time`). The report category is the `#{cat}` of the column URL,
the portal's `category` param, or every tree node named like 年报 / 年度报告. A town's or
department's subsite sits below the county host (`/yjzjj/gkmlpt/index`) with its own SID and
answers its API below the same prefix (`/yjzjj/gkmlpt/api/all/721?page=1&sid=662021`, as public
scrapers of yangjiang.gov.cn, zhaoqing.gov.cn and chancheng.gov.cn subsites request it).
"""
from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from pipeline.crawl.discovery import clean_text, parse_date
from pipeline.crawl.platforms.base import Listing, ListingEntry, Page, PageRequest, PlatformAdapter

SID = re.compile(r"\bSID['\"]?\s*:\s*['\"]?([^'\",}\s]+)")
TREE = re.compile(r"\bTREE['\"]?\s*:\s*")
REPORT_CATEGORY = re.compile(r"年报|年度报告")
CHINA_STANDARD_TIME = timezone(timedelta(hours=8))


def publish_date(value: object) -> date | None:
    """`display_publish_time` is epoch seconds on most sites and a date string on some."""
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit() and len(value) == 10):
        return datetime.fromtimestamp(int(value), CHINA_STANDARD_TIME).date()
    return parse_date(str(value or ""))


def _tree_nodes(nodes: object) -> list[dict]:
    found: list[dict] = []
    if isinstance(nodes, list):
        for node in nodes:
            if isinstance(node, dict):
                found.append(node)
                found.extend(_tree_nodes(node.get("children")))
    return found


class GkmlptAdapter(PlatformAdapter):
    name = "gkmlpt"
    body_selectors = (".article-content", ".content", "#content")

    @classmethod
    def detect(cls, html: str, url: str) -> bool:
        return "_CONFIG" in html and ("/gkmlpt/" in html or "/gkmlpt/" in url)

    def parse_listing(self, page: Page) -> Listing:
        if "/gkmlpt/api/" in urlsplit(page.url).path:
            return self._parse_api(page)
        return Listing(entries=[], next_pages=self._api_requests(page))

    def _api_requests(self, page: Page) -> list[PageRequest]:
        found = SID.search(page.text)
        sid = found.group(1) if found else self.params.get("sid")
        if not sid:
            return []
        categories = [c for c in (urlsplit(page.url).fragment, self.params.get("category", "")) if c]
        if not categories:
            tree_start = TREE.search(page.text)
            if tree_start:
                try:
                    tree, _ = json.JSONDecoder().raw_decode(page.text, tree_start.end())
                except json.JSONDecodeError:
                    tree = []
                categories = [str(n["id"]) for n in _tree_nodes(tree) if "id" in n and REPORT_CATEGORY.search(str(n.get("name", "")))]
        path = urlsplit(page.url).path
        prefix = path[:path.find("/gkmlpt/")] if "/gkmlpt/" in path else ""
        return [
            PageRequest(urljoin(page.url, f"{prefix}/gkmlpt/api/all/{category}?" + urlencode({"page": "1", "sid": sid})))
            for category in dict.fromkeys(categories)
        ]

    def _parse_api(self, page: Page) -> Listing:
        try:
            reply = json.loads(page.text)
        except json.JSONDecodeError:
            return Listing()
        articles = reply.get("articles") if isinstance(reply, dict) else None
        if not isinstance(articles, list):
            return Listing()
        entries = [
            ListingEntry(
                title=clean_text(article.get("title")),
                url=urljoin(page.url, article["url"]),
                date=publish_date(article.get("display_publish_time") or article.get("publish_time")),
                publisher=clean_text(article.get("publisher")) or None,
            )
            for article in articles
            if isinstance(article, dict) and article.get("url") and article.get("title")
        ]
        query = dict(parse_qsl(urlsplit(page.url).query))
        next_pages: list[PageRequest] = []
        if query.get("page", "1") == "1" and articles:
            total = int(reply.get("total") or 0)
            page_count = math.ceil(total / len(articles))
            base = page.url.split("?", 1)[0]
            next_pages = [
                PageRequest(base + "?" + urlencode({**query, "page": str(n)})) for n in range(2, page_count + 1)
            ]
        return Listing(entries=entries, next_pages=next_pages)
