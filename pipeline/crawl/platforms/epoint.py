"""新点 Epoint WebBuilder: disclosure columns that are shells, their list POSTed as JSON.

A column is `/dynamic/zwgk/govInfoPub.html?categorynum=…&deptcode=…` (also `govInfoPubright.html`,
`nohandsdate_govInfoPub.html`) and draws nothing itself. Its script POSTs
`{"siteGuid","deptcode","categorynum","pageIndex","pageSize"}` as JSON to
`{siteInfo.projectName}/rest/lightfrontaction/getgovinfolist` (`projectName` such as `/EWB-FRONT`),
`pageIndex` counted from 0, and the list answers `{"custom":{"total":N,"data":[{"title","realtitle",
"infourl","infodate"}…]}}` (`custom` is sometimes itself a JSON string). The first page's total
announces every further page; later pages announce none, so paging never loops. Attachments sit
behind `…/WebbuilderMIS/attach/downloadZtbAttach.jspx?attachGuid=…` with no extension, named by
Content-Disposition (the generic attachment finder reads them). Evidence: public scrapers of
xz.gov.cn, ws.xz.gov.cn, dpc.xz.gov.cn, xzjw.gov.cn, sthj.fushun.gov.cn, yingkou.gov.cn and
zwgk.shcn.gov.cn POST exactly this body and read exactly this reply, with the column page as
Referer; one Jiangsu collector reads `var siteInfo = {projectName, siteGuid}` from
`/js/webBuilderCommon.js`, another the siteGuid from `/js/ajaxReq.js`. Evidence is thin on where
siteInfo sits: the adapter reads it from the page's own script, and the portal params `site_guid`
and `project` supply it for a site whose page does not carry it. The `{"token":"","params":{…}}`
wrapping seen on yingkou.gov.cn is not sent.
"""
from __future__ import annotations

import json
import math
import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from pipeline.crawl.discovery import clean_text, parse_date
from pipeline.crawl.platforms.base import Listing, ListingEntry, Page, PageRequest, PlatformAdapter

LIST_PATH = "/rest/lightfrontaction/getgovinfolist"
LIST_LITERAL = re.compile(r"""["']([\w./:-]*/rest/lightfrontaction/getgovinfolist)["']""", re.I)
COLUMN_PAGE = re.compile(r"/\w*govInfoPub\w*\.html$", re.I)
MARKERS = re.compile(r"lightfrontaction/getgovinfolist|webBuilderCommon\.js", re.I)
TAG = re.compile(r"<[^>]+>")
DEFAULT_PAGE_SIZE = 20
FIRST_PAGE = 0


def script_value(text: str, name: str) -> str | None:
    """A quoted or numeric value the page's script gives `name` (`name: "…"`, `"name":"…"`, `name = 5`)."""
    found = re.search(rf"""["']?\b{name}["']?\s*[:=]\s*(?:["']([^"']*)["']|(\d+))""", text, re.I)
    return (found.group(1) if found.group(1) is not None else found.group(2)) if found else None


def number(value: object, default: int) -> int:
    """An integer the reply or body gives as a number or a numeric string, else the default."""
    try:
        return int(str(value))
    except ValueError:
        return default


def list_body(query: dict[str, str | int], page_index: int) -> str:
    """The JSON body for one page: the column's query with its page index, compact as scripts send it."""
    return json.dumps({**query, "pageIndex": page_index}, ensure_ascii=False, separators=(",", ":"))


class EpointAdapter(PlatformAdapter):
    name = "epoint"
    body_selectors = (".ewb-article-content", ".article-content", "#mainContent", ".ewb-article", "#zoom")

    @classmethod
    def detect(cls, html: str, url: str) -> bool:
        path = urlsplit(url).path
        return bool(COLUMN_PAGE.search(path) or path.lower().endswith(LIST_PATH) or MARKERS.search(html))

    def parse_listing(self, page: Page) -> Listing:
        if urlsplit(page.url).path.lower().endswith(LIST_PATH):
            return self._parse_reply(page)
        request = self._first_request(page)
        if request is None:
            return super().parse_listing(page)
        return Listing(next_pages=[request])

    def _first_request(self, page: Page) -> PageRequest | None:
        """Page 0 of the list the shell's script names, with the column page as Referer."""
        literal = LIST_LITERAL.search(page.text)
        if literal is None:
            return None
        project = script_value(page.text, "projectName") or self.params.get("project", "")
        site_guid = script_value(page.text, "siteGuid") or self.params.get("site_guid", "")
        path = literal.group(1)
        endpoint = urljoin(page.url, project.rstrip("/") + path if path.lower().startswith("/rest/") else path)
        own = {k.lower(): v for k, v in parse_qsl(urlsplit(page.url).query)}
        query: dict[str, str | int] = {
            "siteGuid": site_guid,
            "deptcode": own.get("deptcode") or script_value(page.text, "deptcode") or "",
            "categorynum": own.get("categorynum") or script_value(page.text, "categorynum") or "",
            "pageSize": number(script_value(page.text, "pageSize"), DEFAULT_PAGE_SIZE) or DEFAULT_PAGE_SIZE,
        }
        return PageRequest(endpoint, "POST", json=list_body(query, FIRST_PAGE), referrer=page.url.split("#", 1)[0])

    def _parse_reply(self, page: Page) -> Listing:
        """One page of the JSON list; the first announces the rest from its total."""
        custom = self._custom(page.text)
        if custom is None:
            return Listing()
        entries: dict[str, ListingEntry] = {}
        for item in custom.get("data") or []:
            if not isinstance(item, dict):
                continue
            title = clean_text(TAG.sub("", str(item.get("realtitle") or item.get("title") or "")))
            link = str(item.get("infourl") or item.get("url") or "").strip()
            if len(title) < 2 or not link:
                continue
            url = urljoin(page.url, link).split("#", 1)[0]
            entries.setdefault(url, ListingEntry(title, url, parse_date(str(item.get("infodate") or ""))))
        sent = page.request
        body = json.loads(sent.json) if sent is not None and sent.json else {}
        if not entries or number(body.get("pageIndex"), FIRST_PAGE) != FIRST_PAGE:
            return Listing(entries=list(entries.values()))
        size = number(body.get("pageSize"), len(entries)) or len(entries)
        pages = math.ceil(number(custom.get("total"), 0) / size)
        base = {k: v for k, v in body.items() if k != "pageIndex"}
        referrer = sent.referrer if sent is not None else None
        return Listing(entries=list(entries.values()), next_pages=[
            PageRequest(page.url, "POST", json=list_body(base, index), referrer=referrer)
            for index in range(FIRST_PAGE + 1, FIRST_PAGE + pages)])

    @staticmethod
    def _custom(text: str) -> dict | None:
        try:
            reply = json.loads(text)
            custom = reply.get("custom") if isinstance(reply, dict) else None
            if isinstance(custom, str):
                custom = json.loads(custom)
        except json.JSONDecodeError:
            return None
        return custom if isinstance(custom, dict) else None
