"""大汉 Hanweb 信息公开 module: a column shell whose list `/module/xxgk/search.jsp` answers to a POST.

The column page (`/col/col{id}/index.html`, or the module's own `/module/xxgk/tree.jsp?divid=&area=`)
draws nothing itself. Its script names the list: a `loadDynamic('/module/xxgk/search.jsp?infotypeId=…
&area=…', 'div…', '{infotypeId}', '', '', '{jdid}')` call (the URL sometimes built by concatenation,
`'…infotypeId='+a+'&area=…'`) or a `<form action="/module/xxgk/search.jsp">`; the
tree page names each category in a dTree node `funclick('{infotypeId}', …)>政府信息公开年报`. The
list is POSTed (`infotypeId`, `jdid`, `area`, `divid`, `vc_title`, `vc_number`, `sortfield`, `currpage`,
`vc_filenumber`, `vc_all`, `texttype`, `fbtime`), the same fields in the query as in the form, and
answers an HTML fragment: table rows `tr.tr_main_value_odd|even` (link with `title`, date in the
last cell) or, on `standardXxgk=1` sites, `div.zfxxgk_list_con li a` + `span`; the pager prints
`共N页` and links 下一页 / 尾 页 whose first number is a page number. `serviceinfo.jsp` and
`subjectinfo.jsp` answer the same way. Evidence: public scrapers of zj.gov.cn, hangzhou.gov.cn,
sthjt.zj.gov.cn, zjepb.gov.cn, jiangxi.gov.cn, nmg.gov.cn, harbin and Jiangsu sites request exactly
these fields and read exactly this markup. Articles are Hanweb jcms articles (`#zoom`).
Portal params: `infotype` (the report category's infotypeId, when the page does not say which).
"""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from pipeline.crawl.discovery import clean_text
from pipeline.crawl.platforms.base import Listing, Page, PageRequest, PlatformAdapter, report_link_block
from pipeline.crawl.platforms.hanweb import HanwebAdapter

LIST_PATHS = ("/module/xxgk/search.jsp", "/module/xxgk/serviceinfo.jsp", "/module/xxgk/subjectinfo.jsp")
TREE_PATH = "/module/xxgk/tree.jsp"
MODULE_URL = re.compile(r"""(/module/xxgk/(?:search|serviceinfo|subjectinfo)\.jsp\?[^'"<>\s]*)""")
LOAD_DYNAMIC = re.compile(r"loadDynamic\(((?:[^()'\"]|'[^']*'|\"[^\"]*\"|\([^()]*\))*)\)")
ARGUMENT = re.compile(r"""((?:[^,'"()]|'[^']*'|"[^"]*"|\([^()]*\))+)""")
LITERAL = re.compile(r"'([^']*)'|\"([^\"]*)\"")
FUNCLICK = re.compile(r"""funclick\(\s*\\?['"]([A-Za-z0-9]+)\\?['"][^)]*\)[^<>]{0,80}>\s*([^<]{1,40})""")
REPORT_CATEGORY = re.compile(r"年报|年度报告")
PAGE_COUNT = re.compile(r"共\s*(\d+)\s*页")
LAST_PAGE_TEXT = re.compile(r"^(尾\s*页|末\s*页|最后一页)$")
FORM_FIELDS = ("infotypeId", "jdid", "area", "divid", "vc_title", "vc_number", "sortfield", "currpage",
               "vc_filenumber", "vc_all", "texttype", "fbtime")


def literal_text(argument: str) -> str:
    """The string literals of a script argument, joined: `'…infotypeId='+a+'&area=1'` gives `…infotypeId=&area=1`."""
    return "".join(single or double for single, double in LITERAL.findall(argument))


def list_request(base_url: str, path: str, given: dict[str, str], page: int) -> PageRequest:
    """The POST for one page of a category, its fields both in the query and in the form, as the pages send them."""
    fields = {name: given.get(name, "") for name in FORM_FIELDS}
    fields["jdid"] = fields["jdid"] or "1"
    fields["currpage"] = str(page)
    extra = {k: v for k, v in given.items() if k not in fields}
    items = tuple({**fields, **extra}.items())
    return PageRequest(urljoin(base_url, path) + "?" + urlencode(items), "POST", items)


class XxgkAdapter(HanwebAdapter):
    name = "hanweb_xxgk"
    body_selectors = ("#zoom", ".bt_content", ".zoom", ".article")

    @classmethod
    def detect(cls, html: str, url: str) -> bool:
        path = urlsplit(url).path
        if path in LIST_PATHS or path == TREE_PATH:
            return True
        return "<datastore>" not in html and bool(
            MODULE_URL.search(html) or "/module/xxgk/tree.jsp" in html or "tr_main_value_odd" in html)

    def parse_listing(self, page: Page) -> Listing:
        path = urlsplit(page.url).path
        if path in LIST_PATHS:
            return self._parse_reply(page)
        printed = report_link_block(HTMLParser(page.text)) is not None
        entries = PlatformAdapter.parse_listing(self, page).entries if printed else []
        return Listing(entries=entries, next_pages=self._shell_requests(page))

    def _shell_requests(self, page: Page) -> list[PageRequest]:
        """The first page of the report category's list, as the shell's script, form or tree names it."""
        requests: list[PageRequest] = []
        for path, fields in self._named_lists(page):
            if not fields.get("infotypeId") and self.params.get("infotype"):
                fields["infotypeId"] = self.params["infotype"]
            if fields.get("infotypeId") or fields.get("area"):
                request = list_request(page.url, path, fields, 1)
                if request not in requests:
                    requests.append(request)
        return requests

    def _named_lists(self, page: Page) -> list[tuple[str, dict[str, str]]]:
        found: list[tuple[str, dict[str, str]]] = []
        own = dict(parse_qsl(urlsplit(page.url).query))
        if urlsplit(page.url).path == TREE_PATH:
            for infotype, label in FUNCLICK.findall(page.text):
                if REPORT_CATEGORY.search(label):
                    found.append(("/module/xxgk/search.jsp",
                                  {"infotypeId": infotype, "area": own.get("area", ""), "divid": own.get("divid", "")}))
            return found
        for call in LOAD_DYNAMIC.findall(page.text):
            arguments = [literal_text(argument) for argument in ARGUMENT.findall(call)]
            parts = urlsplit(html.unescape(arguments[0]) if arguments else "")
            if parts.path not in LIST_PATHS:
                continue
            fields = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True) if v}
            named = dict(zip(("divid", "infotypeId", "", "", "jdid"), arguments[1:]))
            found.append((parts.path, {**{k: v for k, v in named.items() if k and v}, **fields}))
        tree = HTMLParser(page.text)
        for form in tree.css("form[action]"):
            action = urlsplit(urljoin(page.url, form.attributes.get("action") or ""))
            if action.path not in LIST_PATHS:
                continue
            fields = {node.attributes["name"]: node.attributes.get("value") or ""
                      for node in form.css("input[name]")
                      if (node.attributes.get("type") or "text").lower() in ("hidden", "text")}
            found.append((action.path, {**dict(parse_qsl(action.query)), **{k: v for k, v in fields.items() if v}}))
        return found

    def _parse_reply(self, page: Page) -> Listing:
        """Entries of one page of the list; page 1 announces every further page, later pages announce none."""
        listing = PlatformAdapter.parse_listing(self, page)
        entries = [self._mark_module_report(entry) for entry in listing.entries]
        query = dict(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))
        if query.get("currpage", "1") not in ("", "1") or not entries:
            return Listing(entries=entries)
        pages = self._page_count(page.text)
        path = urlsplit(page.url).path
        return Listing(entries=entries, next_pages=[list_request(page.url, path, query, n) for n in range(2, pages + 1)])

    @staticmethod
    def _page_count(text: str) -> int:
        printed = PAGE_COUNT.search(text)
        if printed:
            return int(printed.group(1))
        for link in HTMLParser(text).css("a"):
            if LAST_PAGE_TEXT.match(clean_text(link.text())):
                number = re.search(r"\d+", f"{link.attributes.get('href') or ''} {link.attributes.get('onclick') or ''}")
                if number:
                    return int(number.group(0))
        return 1
