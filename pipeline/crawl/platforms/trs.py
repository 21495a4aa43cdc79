"""拓尔思 TRS WCM: static `index.html`, `index_1.html` … listings counted by `createPageHTML`.

Articles sit at `./YYYYMM/tYYYYMMDD_{id}.html` with the body in `div.TRS_Editor`; attachments
appear as links, `OLDSRC` attributes or inside the `appLinkStr` script variable; long articles are
split into `t…_1.html`, `t…_2.html` by the same `createPageHTML` call.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from pipeline.crawl.platforms.base import Page, PageRequest, PlatformAdapter

CREATE_PAGE_HTML = re.compile(
    r"createPageHTML\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]"
)
TRS_ARTICLE_URL = re.compile(r"/t\d{8}_\d+(?:_\d+)?\.s?html?$")


def _pages_from_script(page: Page) -> list[str]:
    """Every other page of a `createPageHTML(N, cur, name, ext)` series, announced by its first page.

    Sites vary the call: a container id before the count, the current page counted from 1, another
    stem (`list`, `index_123`). Only the series' first page — `{stem}.{ext}` or the bare folder —
    announces the rest, so a later page never announces page 1 again, and nothing loops.
    """
    match = CREATE_PAGE_HTML.search(page.text)
    if not match:
        return []
    count, current, stem, extension = int(match.group(1)), int(match.group(2)), match.group(3), match.group(4)
    name = urlsplit(page.url).path.rsplit("/", 1)[-1]
    first_page = name in ("", f"{stem}.{extension}") if current == 1 else current == 0
    if not first_page:
        return []
    return [urljoin(page.url, f"{stem}_{n}.{extension}") for n in range(1, count)]


class TrsAdapter(PlatformAdapter):
    name = "trs"
    body_selectors = (".TRS_Editor", ".trs_editor_view", ".TRS_UEDITOR", "#zoom", ".view", ".article-content")

    @classmethod
    def detect(cls, html: str, url: str) -> bool:
        return bool(
            re.search(r"createPageHTML|TRS_Editor|trs_editor_view", html)
            or re.search(r"/t\d{8}_\d+\.s?html?", html + " " + url)
        )

    def next_pages(self, page: Page) -> list[PageRequest]:
        """The `createPageHTML` series; a page without that call (the `t…_id.html` article URLs that detect TRS
        are common on other CMSs too) is paged by its 下一页 or numbered links."""
        if not CREATE_PAGE_HTML.search(page.text):
            return super().next_pages(page)
        return [PageRequest(url) for url in _pages_from_script(page)]

    def continuation_pages(self, page: Page) -> list[str]:
        if not TRS_ARTICLE_URL.search(page.url.split("?", 1)[0]):
            return []
        return _pages_from_script(page)
