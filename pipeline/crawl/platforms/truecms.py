"""TrueCMS: column pages whose list a JSONP servlet serves, refused without a Referer.

The column page's script names the list servlet, `proxyUrl:'…/messageController/getMessage.do'`,
and the column, `columnId:'…'`. The servlet answers
`GET …/getMessage.do?startrecord=S&endrecord=E&perpage=P&columnId=…&callback=cb` with JSONP,
`cb({"result":"…"})`, whose `result` is the list's markup wrapped in XML; it answers 404 to a
request without a Referer, so every request names the column page. Windows of `perpage` records
are counted from 1; a full window announces the next one, a short or empty one ends the list.
Evidence (thin): one public collector of Jiangsu county portals (its family sniffer and pager
for 南通 and 如皋) is the only source found. It reads `columnId:'…'` and `proxyUrl:'…'` from the
page, sends exactly these parameters, unwraps the callback and reads links from `result`, and
notes that 如皋 answers 404 without a Referer and that windows above a site's limit (50 on 如皋)
fail — hence the window the page's script sets (`perpage`) is kept. The XML around the records is
not known from it: records in `<record><![CDATA[…]]></record>`, as Hanweb's data proxy writes
them, are read, and so is bare markup.
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from pipeline.crawl.platforms.base import Listing, Page, PageRequest, PlatformAdapter

SERVLET = "/messagecontroller/getmessage.do"
SERVLET_LITERAL = re.compile(r"""["']([^"'\s]*messageController/getMessage\.do)["']""", re.I)
COLUMN_ID = re.compile(r"""columnId["']?\s*[:=]\s*["']([^"']+)["']""")
PER_PAGE = re.compile(r"""perpage["']?\s*[:=]\s*["']?(\d+)""", re.I)
JSONP = re.compile(r"^\s*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.S)
CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
CALLBACK = "jsonpCallback"
DEFAULT_PER_PAGE = 20


def window_request(servlet: str, column_id: str, start: int, per_page: int, referrer: str | None) -> PageRequest:
    """The GET for records start … start + per_page - 1 of a column."""
    query = {"startrecord": start, "endrecord": start + per_page - 1, "perpage": per_page,
             "columnId": column_id, "callback": CALLBACK}
    return PageRequest(f"{servlet}?{urlencode(query)}", referrer=referrer)


class TruecmsAdapter(PlatformAdapter):
    name = "truecms"
    body_selectors = ("#zoom", ".article-content", ".content", ".article")

    @classmethod
    def detect(cls, html: str, url: str) -> bool:
        return urlsplit(url).path.lower().endswith(SERVLET) or SERVLET_LITERAL.search(html) is not None

    def parse_listing(self, page: Page) -> Listing:
        if urlsplit(page.url).path.lower().endswith(SERVLET):
            return self._parse_reply(page)
        servlet, column = SERVLET_LITERAL.search(page.text), COLUMN_ID.search(page.text)
        if servlet is None or column is None:
            return super().parse_listing(page)
        per_page = PER_PAGE.search(page.text)
        return Listing(next_pages=[window_request(
            urljoin(page.url, servlet.group(1)), column.group(1), 1,
            int(per_page.group(1)) if per_page else DEFAULT_PER_PAGE, page.url.split("#", 1)[0])])

    def _parse_reply(self, page: Page) -> Listing:
        """One window's entries; a full window announces the next, with the same Referer."""
        wrapped = JSONP.match(page.text)
        try:
            reply = json.loads(wrapped.group(1) if wrapped else page.text)
        except json.JSONDecodeError:
            return Listing()
        result = reply.get("result") if isinstance(reply, dict) else None
        if not isinstance(result, str):
            return Listing()
        records = CDATA.findall(result)
        entries = PlatformAdapter.parse_listing(self, Page(page.url, "\n".join(records) or result)).entries
        query = dict(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))
        try:
            start, per_page = int(query["startrecord"]), int(query["perpage"])
        except (KeyError, ValueError):
            return Listing(entries=entries)
        if not entries or len(records or entries) < per_page:
            return Listing(entries=entries)
        referrer = page.request.referrer if page.request is not None else None
        return Listing(entries=entries, next_pages=[window_request(
            page.url.split("?", 1)[0], query.get("columnId", ""), start + per_page, per_page, referrer)])
