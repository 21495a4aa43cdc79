"""大汉 Hanweb JPaaS: column pages that are shells, their list served by the `build/unit` API.

A column page (`/col/col{id}/index.html`) carries, on the element the list is drawn into, a
`queryData="{'webId':…,'pageId':…,'tplSetId':…,'pageType':'column','tagId':…}"` attribute read
by `unitbuild.js`. The list comes from
`/api-gateway/jpaas-publish-server/front/page/build/unit?parseType=bulidstatic&…&paramJson={"pageNo":N,"pageSize":M}`,
answering JSON whose `data.html` is the list's markup (`<li><a href title>…</a><span>date</span></li>`)
with the total in a pager's `count="N"` attribute. Evidence: public scrapers of JPaaS sites
(samr.gov.cn, miit.gov.cn, mofcom.gov.cn, mohurd.gov.cn, county sites such as hhtz.gov.cn) request
exactly these parameters and read `queryData` from the column page; the spelling `bulidstatic`
is the platform's own.
"""
from __future__ import annotations

import ast
import json
import math
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from pipeline.crawl.platforms.base import Listing, Page, PageRequest, PlatformAdapter, report_link_block

UNIT_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
PAGE_SIZE = 20
COUNT = re.compile(r"""\bcount\s*=\s*["']?(\d+)""")
LIST_TAG = re.compile(r"列表|list", re.I)


def unit_queries(html: str) -> list[dict[str, str]]:
    """The `queryData` of each list unit on a column page (list-like `tagId`s first)."""
    found = []
    for node in HTMLParser(html).css("[querydata]"):
        try:
            query = ast.literal_eval((node.attributes.get("querydata") or "").strip())
        except (ValueError, SyntaxError):
            continue
        if isinstance(query, dict) and query.get("webId") and query.get("pageId"):
            found.append({str(k): str(v) for k, v in query.items()})
    return sorted(found, key=lambda q: not LIST_TAG.search(q.get("tagId", "")))


class JpaasAdapter(PlatformAdapter):
    name = "jpaas"
    body_selectors = ("#zoom", ".article-content", "#barrierfree_container .article-conter", ".main-txt")

    @classmethod
    def detect(cls, html: str, url: str) -> bool:
        return "jpaas-publish-server" in html + url or (re.search(r"queryData\s*=", html) is not None
                                                   and "webId" in html and "unitbuild" in html.lower())

    def parse_listing(self, page: Page) -> Listing:
        if urlsplit(page.url).path.endswith(UNIT_API):
            return self._parse_unit(page)
        queries = unit_queries(page.text)
        if not queries:
            return super().parse_listing(page)
        static = super().parse_listing(page) if report_link_block(HTMLParser(page.text)) is not None else Listing()
        return Listing(entries=static.entries, next_pages=[self._unit_request(page.url, query, 1)
                                                          for query in queries[:1]])

    @staticmethod
    def _unit_request(base_url: str, query: dict[str, str], page_no: int, page_size: int = PAGE_SIZE) -> PageRequest:
        fields = {"parseType": "bulidstatic", "webId": query["webId"], "tplSetId": query.get("tplSetId", ""),
                  "pageType": query.get("pageType", "column"), "tagId": query.get("tagId", ""),
                  "editType": query.get("editType", "null"), "pageId": query["pageId"],
                  "paramJson": json.dumps({"pageNo": page_no, "pageSize": page_size}, separators=(",", ":"))}
        return PageRequest(urljoin(base_url, UNIT_API) + "?" + urlencode(fields))

    def _parse_unit(self, page: Page) -> Listing:
        try:
            reply = json.loads(page.text)
        except json.JSONDecodeError:
            return Listing()
        data = reply.get("data") if isinstance(reply, dict) else None
        markup = data.get("html") if isinstance(data, dict) else None
        if not isinstance(markup, str):
            return Listing()
        listing = PlatformAdapter.parse_listing(self, Page(page.url, markup))
        query = dict(parse_qsl(urlsplit(page.url).query))
        try:
            paging = json.loads(query.get("paramJson", "{}"))
        except json.JSONDecodeError:
            paging = {}
        page_no, page_size = int(paging.get("pageNo", 1)), int(paging.get("pageSize", PAGE_SIZE))
        total = COUNT.search(markup) or re.search(r"\d+", str(data.get("total", "")))
        next_pages: list[PageRequest] = []
        if page_no == 1 and total and listing.entries:
            pages = math.ceil(int(total.group(1) if total.re is COUNT else total.group(0)) / page_size)
            next_pages = [self._unit_request(page.url, query, n, page_size) for n in range(2, pages + 1)]
        return Listing(entries=listing.entries, next_pages=next_pages)
