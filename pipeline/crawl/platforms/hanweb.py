"""大汉 Hanweb jcms: listings embedded as XML in the column page, paged through dataproxy.jsp.

Column pages (`/col/col{id}/index.html`) carry `<datastore><nextgroup>…</nextgroup><recordset>
<record><![CDATA[<li><a …>…</a><span>YYYY-MM-DD</span></li>]]></record>…` and the total in
`<totalrecord>` or a `totalRecord:` script argument. Further records come from
`/module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=` with the column's identifiers.
Reports also appear as `/module/xxgk/xxgkAnnualReport.jsp?fbtime={year}&area={unit}` pages.
Portal params: `perpage` (when the page does not say), `dataproxy_method` (GET, or POST for sites
that refuse GET). Some dataproxy versions ignore `startrecord`/`endrecord` and page by `page`
alone, answering one page per request: each group request names its first page too, and a GET
reply holding fewer records than its group asked for announces the group's other pages, one each.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from pipeline.crawl.platforms.base import Listing, ListingEntry, Page, PageRequest, PlatformAdapter

RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[:=]\s*['\"]?(\d+)", re.I)
PER_PAGE = re.compile(r"<perpage>\s*(\d+)\s*</perpage>|perpage\s*[:=]\s*['\"]?(\d+)", re.I)
COLUMN_ID = re.compile(r"/col/col(\d+)/")
DATAPROXY_PATH = "/module/web/jpage/dataproxy.jsp"
ANNUAL_REPORT_MODULE = "xxgkAnnualReport.jsp"
PAGES_PER_REQUEST = 3


def _group_int(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    if not match:
        return None
    return int(next(group for group in match.groups() if group))


class HanwebAdapter(PlatformAdapter):
    name = "hanweb"
    body_selectors = ("#zoom", ".zoom", "#barrierfree_container .article-conter", ".main-txt", ".article")

    @classmethod
    def detect(cls, html: str, url: str) -> bool:
        return bool(re.search(r"<datastore>|dataproxy\.jsp|/module/download/downfile\.jsp|xxgkAnnualReport\.jsp|/art/\d{4}/\d+/\d+/art_\d+_\d+", html + " " + url, re.I))

    def parse_listing(self, page: Page) -> Listing:
        records = RECORD.findall(page.text)
        if not records:
            listing = super().parse_listing(page)
            return Listing(entries=[self._mark_module_report(e) for e in listing.entries], next_pages=[])
        entries: dict[str, ListingEntry] = {}
        for record in records:
            tree = HTMLParser(record)
            for entry in self._entries_from_links(tree.css("a[href]"), page.url):
                entries.setdefault(entry.url, self._mark_module_report(entry))
        next_pages = (self._rest_of_group(page, len(records)) if DATAPROXY_PATH in page.url
                      else self._next_group(page, len(records)))
        return Listing(entries=list(entries.values()), next_pages=next_pages)

    @staticmethod
    def _rest_of_group(page: Page, records_here: int) -> list[PageRequest]:
        """The other pages of a group a `page`-paged dataproxy answered with one page only (GET replies)."""
        query = dict(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))
        if not {"startrecord", "endrecord", "perpage", "page", "columnid"} <= query.keys():
            return []
        try:
            start, end, per_page = int(query["startrecord"]), int(query["endrecord"]), int(query["perpage"])
        except ValueError:
            return []
        total = _group_int(TOTAL_RECORD, page.text) or end
        end = min(end, total)
        if per_page <= 0 or records_here == 0 or records_here > per_page or records_here >= end - start + 1:
            return []
        base = page.url.split("?", 1)[0]
        return [PageRequest(f"{base}?" + urlencode({**query, "startrecord": str(first),
                                                   "endrecord": str(min(end, first + per_page - 1)),
                                                   "page": str((first - 1) // per_page + 1)}))
                for first in range(start + per_page, end + 1, per_page)]

    @staticmethod
    def _mark_module_report(entry: ListingEntry) -> ListingEntry:
        """A link to xxgkAnnualReport.jsp is a report whatever its text says; its year is `fbtime`."""
        parts = urlsplit(entry.url)
        if not parts.path.endswith(ANNUAL_REPORT_MODULE):
            return entry
        year = dict(parse_qsl(parts.query)).get("fbtime", "")
        return ListingEntry(entry.title, entry.url, entry.date, entry.publisher, int(year) if year.isdigit() else None)

    def _next_group(self, page: Page, records_here: int) -> list[PageRequest]:
        """Every further group of records, announced by the column page (a reply announces none).

        Requests are GETs with all fields in the query, or with the portal param
        `dataproxy_method=POST` the paging fields in the query and the column's fields as a form.
        """
        total = _group_int(TOTAL_RECORD, page.text)
        per_page = _group_int(PER_PAGE, page.text) or int(self.params.get("perpage", "15"))
        column_fields = None if DATAPROXY_PATH in page.url else self._column_query(page)
        if total is None or records_here == 0 or column_fields is None:
            return []
        proxy = urljoin(page.url, DATAPROXY_PATH)
        post = self.params.get("dataproxy_method", "GET").upper() == "POST"
        group = per_page * PAGES_PER_REQUEST
        requests = []
        for start in range(records_here + 1, total + 1, group):
            paging = {"startrecord": str(start), "endrecord": str(min(total, start + group - 1)), "perpage": str(per_page),
                      "page": str((start - 1) // per_page + 1)}
            if post:
                requests.append(PageRequest(f"{proxy}?{urlencode(paging)}", "POST", tuple(column_fields.items())))
            else:
                requests.append(PageRequest(f"{proxy}?{urlencode({**paging, **column_fields})}"))
        return requests

    @staticmethod
    def _column_query(page: Page) -> dict[str, str] | None:
        """The dataproxy parameters for this column: from `<nextgroup>`'s link, else from the column URL."""
        nextgroup = NEXTGROUP.search(page.text)
        if nextgroup:
            link = HTMLParser(nextgroup.group(1)).css_first("a[href]")
            if link is not None:
                query = dict(parse_qsl(urlsplit(link.attributes.get("href") or "").query, keep_blank_values=True))
                query.pop("page", None)
                if query.get("columnid"):
                    return {"col": "1", "appid": "1", "sourceContentType": "1", "permissiontype": "0", **query}
        column = COLUMN_ID.search(urlsplit(page.url).path)
        if column is None:
            return None
        return {"col": "1", "appid": "1", "webid": "", "path": "/", "columnid": column.group(1),
                "sourceContentType": "1", "unitid": "", "webname": "", "permissiontype": "0"}
