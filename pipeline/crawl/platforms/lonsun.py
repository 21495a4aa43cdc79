"""龙讯 LonSun: the disclosure platform of Anhui (and parts of Jiangxi and Sichuan) county portals.

A column is `/public/column/{organId}?type=4&action=list&nav=…&catId={catId}`; its script carries the
page count as `pageCount:N` and its list is drawn, page by page, by the label servlet
`/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList&siteId=…&pageSize=…&pageIndex=N
&action=list&…&organId=…&type=4&catId=…&file=/xxgk/publicInfoList_…` (some sites put the servlet
under a path prefix), which answers an HTML fragment of `li`s or `div.xxgk_navli`s with
`<a href="/public/{organId}/{id}.html" title>` and a date. Some column pages also print page 1
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
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from pipeline.crawl.platforms.base import Listing, Page, PageRequest, PlatformAdapter

COLUMN_PATH = re.compile(r"/public/column/\d+")
LABEL_PATH = re.compile(r"/site/label/8888$")
LABEL_URL = re.compile(r"""((?:https?://[^/'"\s]+)?(?:/[\w.-]+)*/site/label/8888\?[^'"<>\s]*labelName=publicInfoList[^'"<>\s]*)""")
PAGE_COUNT = re.compile(r"""pageCount\s*[:=]\s*['"]?(\d+)""")
MARKERS = re.compile(r"/public/column/\d+|/site/label/8888|labelName=publicInfoList|/Xxgknb/show/|ls-page-container")


class LonsunAdapter(PlatformAdapter):
    name = "lonsun"
    body_selectors = (".j-fontContent", ".gzk-article", "#zoom", ".wzcon", ".article-content")

    @classmethod
    def detect(cls, html_text: str, url: str) -> bool:
        return bool(MARKERS.search(urlsplit(url).path) or MARKERS.search(html_text))

    def parse_listing(self, page: Page) -> Listing:
        listing = PlatformAdapter.parse_listing(self, page)
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

    @staticmethod
    def _pages(url: str, numbers: range) -> list[PageRequest]:
        base, _, query = url.partition("?")
        fields = dict(parse_qsl(query, keep_blank_values=True))
        return [PageRequest(base + "?" + urlencode({**fields, "pageIndex": str(n)})) for n in numbers]
