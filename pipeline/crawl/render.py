"""Headless Chromium for report columns that only scripts fill: the exception, never the rule.

When a column page is a script shell that no adapter reads, the crawler renders it here. The
browser never reaches the network itself: every request it makes is intercepted and either
refused (images, fonts, media, stylesheets, other hosts) or fetched by the crawl's own `Fetcher`
and handed back — so robots.txt, per-host politeness, the URL guard, the size cap, the archive and
the fetch log apply to the browser's requests exactly as to the crawler's. Anything that escaped
interception would find no host: the browser's own resolver maps every name to nothing.

A render yields the DOM after the scripts settled and every text response the scripts read
(JSON, JSONP, XML, HTML fragments); `links.py`-style readers in `rendered.py` take listing entries
from both. Chromium is Debian's `chromium` (or `$GONGKAI_CHROMIUM`), driven by Playwright with
the system executable: nothing is downloaded at install or run time.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from pipeline.crawl.fetcher import Fetcher, RawBody, RequestData
from pipeline.registry.model import Politeness

CHROMIUM_ENV = "GONGKAI_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BLOCKED_RESOURCE_TYPES = frozenset({"image", "font", "media", "stylesheet", "websocket", "manifest", "eventsource",
                                    "texttrack", "beacon", "ping", "csp_report"})
CAPTURED_RESOURCE_TYPES = frozenset({"xhr", "fetch", "script", "document"})
TEXT_TYPES = ("json", "javascript", "xml", "html", "text/plain")
FORM_TYPE = "application/x-www-form-urlencoded"
NEXT_PAGE_LABELS = ("下一页", "下页", "后一页")
CLICK_QUIET_S = 0.3                 # after a pager click: how long the page must be quiet before it is read
MAX_CAPTURED_CHARS = 2_000_000      # per response: a list API answer is small; keep memory bounded


class RenderUnavailable(RuntimeError):
    """Rendering cannot happen (no browser, rendering off, the night's cap reached): the reason says which."""


@dataclass(frozen=True)
class RenderSettings:
    """How much rendering a night may do. Each page is bounded in time and in V8 heap; the night by a page cap."""
    enabled: bool = True
    executable: str | None = None       # default: $GONGKAI_CHROMIUM, else chromium on PATH
    page_timeout_s: float = 45.0
    max_pages_per_night: int = 50
    heap_mb: int = 256
    max_next_clicks: int = 20           # 下一页 clicks on a list that only the DOM pages

    def chromium(self) -> str | None:
        candidates = [self.executable, os.environ.get(CHROMIUM_ENV)]
        candidates += [shutil.which(name) for name in CHROMIUM_NAMES]
        return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


@dataclass(frozen=True)
class CapturedResponse:
    """A text response a page's scripts read, with the request that asked for it (to replay it paged)."""
    url: str
    method: str
    request_body: bytes | None
    request_content_type: str | None
    content_type: str | None
    text: str


@dataclass
class RenderedPage:
    url: str
    doms: list[str]                     # the DOM once the scripts settled, then after each 下一页 click
    responses: list[CapturedResponse] = field(default_factory=list)
    seconds: float = 0.0
    requests_fetched: int = 0           # requests the fetcher answered for the browser
    requests_refused: int = 0           # blocked by type or host, or refused by the fetcher (robots, guard)


def same_site(url: str, page_url: str, extra_domains: tuple[str, ...]) -> bool:
    """The page's host, a host of the portal's, or a sibling under the same *.gov.cn site."""
    host, page_host = (urlsplit(url).hostname or "").lower(), (urlsplit(page_url).hostname or "").lower()
    if not host:
        return False
    if host == page_host or any(host == d or host.endswith("." + d) for d in extra_domains):
        return True
    site = ".".join(page_host.split(".")[-3:]) if page_host.endswith(".gov.cn") else None
    return bool(site) and (host == site or host.endswith("." + site))


def request_data(method: str, body: bytes | None, content_type: str | None) -> RequestData:
    """The browser's request body in the fetcher's terms: form fields when urlencoded, else raw bytes."""
    if method == "GET" or not body:
        return None
    if (content_type or "").split(";", 1)[0].strip().lower() == FORM_TYPE:
        return dict(parse_qsl(body.decode("latin-1"), keep_blank_values=True))
    return RawBody(body, content_type or "application/octet-stream")


class BrowserRenderer:
    """One headless Chromium per night, started on first need, one page at a time, closed with the crawl."""

    def __init__(self, fetcher: Fetcher, settings: RenderSettings | None = None) -> None:
        self.fetcher = fetcher
        self.settings = settings or RenderSettings()
        self.pages_rendered = 0
        self.seconds = 0.0
        self._lock = asyncio.Lock()
        self._in_flight = 0             # browser requests the fetcher is answering (one page renders at a time)
        self._playwright = None
        self._browser = None
        self._unavailable: str | None = None if self.settings.enabled else "rendering is off (gongkai run --no-render)"

    async def __aenter__(self) -> BrowserRenderer:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
            self._browser = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None

    async def _launch(self):
        if self._browser is not None:
            return self._browser
        if self._unavailable:
            raise RenderUnavailable(self._unavailable)
        executable = self.settings.chromium()
        try:
            from playwright.async_api import async_playwright
        except ImportError:
            executable = None
            self._unavailable = "Playwright is not installed (pip install playwright; no browser download needed)"
        if executable is None:
            self._unavailable = self._unavailable or (
                "no Chromium found: install Debian's `chromium` or set $GONGKAI_CHROMIUM to a Chromium executable")
            raise RenderUnavailable(self._unavailable)
        args = ["--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--disable-extensions", "--mute-audio", "--renderer-process-limit=2",
                "--host-resolver-rules=MAP * ~NOTFOUND", f"--js-flags=--max-old-space-size={self.settings.heap_mb}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")   # Chromium refuses to sandbox as root (containers, CI)
        self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        except Exception as exc:
            await self._playwright.stop()
            self._playwright = None
            self._unavailable = f"Chromium at {executable} did not start: {exc}".splitlines()[0]
            raise RenderUnavailable(self._unavailable) from exc
        return self._browser

    async def render(self, url: str, *, portal_id: str, politeness: Politeness | None = None,
                     extra_domains: tuple[str, ...] = (), first_body: tuple[bytes, str] | None = None,
                     click_next: bool | Callable[[RenderedPage], bool] = False) -> RenderedPage:
        """Render `url` (its body already fetched may be given as `first_body`: (bytes, content type)).

        `click_next` pages the list in the browser: always, or when the callable, shown the settled first page
        (say, finding no list request to replay), says so — one render instead of two."""
        async with self._lock:
            if self.pages_rendered >= self.settings.max_pages_per_night:
                raise RenderUnavailable(f"the night's cap of {self.settings.max_pages_per_night} rendered pages is reached")
            browser = await self._launch()
            self.pages_rendered += 1
            started = time.perf_counter()
            rendered = RenderedPage(url=url, doms=[])
            context = await browser.new_context(user_agent=self.fetcher.settings.user_agent, locale="zh-CN",
                                                service_workers="block", java_script_enabled=True)
            try:
                page = await context.new_page()
                await page.route("**/*", lambda route: self._answer(route, rendered, portal_id=portal_id,
                                                                     politeness=politeness, extra_domains=extra_domains,
                                                                     first_body=first_body))
                async with asyncio.timeout(self.settings.page_timeout_s):
                    await page.goto(url, wait_until="load")
                    await self._settle(page)
                    rendered.doms.append(await page.content())
                    if click_next(rendered) if callable(click_next) else click_next:
                        await self._click_through(page, rendered)
            except TimeoutError:
                rendered.doms = rendered.doms or []
            finally:
                await context.close()
                rendered.seconds = time.perf_counter() - started
                self.seconds += rendered.seconds
            return rendered

    @staticmethod
    async def _settle(page) -> None:
        """Wait until the scripts' requests are done (the fetcher's politeness delays count as in flight)."""
        try:
            await page.wait_for_load_state("networkidle")
        except Exception:   # a page that never idles: take what it shows when the page timeout ends
            return

    async def _click_through(self, page, rendered: RenderedPage) -> None:
        """Page a script-driven list: click 下一页 (or the next page's number) while each click shows links not seen
        before; a click showing none (a last page, a pager that loops back to page 1) ends it, as does the bound."""
        seen = set(await self._links(page))
        number = 1
        for _ in range(self.settings.max_next_clicks):
            control = await self._pager_control(page, number + 1)
            if control is None:
                return
            try:
                await control.click(timeout=5000)
            except Exception:
                return
            await self._quiet()
            fresh = set(await self._links(page)) - seen
            if not fresh:
                return
            seen |= fresh
            number += 1
            try:
                rendered.doms.append(await page.content())
            except Exception:   # the click navigated and the page is still changing: keep what was read
                return

    async def _quiet(self) -> None:
        """Wait until a click's requests are answered and the page has had a moment to write them: Playwright's
        `networkidle` is a load state, reached once per page, so it says nothing after a click."""
        await asyncio.sleep(CLICK_QUIET_S)
        while self._in_flight:
            await asyncio.sleep(CLICK_QUIET_S / 5)
        await asyncio.sleep(CLICK_QUIET_S)

    @staticmethod
    async def _links(page) -> list[str]:
        try:
            return await page.eval_on_selector_all("a[href]", "nodes => nodes.map(node => node.href)")
        except Exception:   # the page navigated away mid-read
            return []

    @staticmethod
    async def _pager_control(page, number: int):
        """The visible 下一页 control, else the visible element whose whole text is the next page's number and that
        goes nowhere by itself (a script's pager, not a link to some other page that happens to read `2`)."""
        for label in NEXT_PAGE_LABELS:
            candidate = page.get_by_text(label, exact=True)
            if await candidate.count() and await candidate.first.is_visible():
                return candidate.first
        candidate = page.locator(f":is(a:not([href]), a[href^='javascript' i], a[href^='#'], a[onclick], button, span:not(:has(a)), li:not(:has(a)))"
                                 f":text-is('{number}')")
        if await candidate.count() and await candidate.last.is_visible():
            return candidate.last
        return None

    async def _answer(self, route, rendered: RenderedPage, *, portal_id: str, politeness: Politeness | None,
                      extra_domains: tuple[str, ...], first_body: tuple[bytes, str] | None) -> None:
        self._in_flight += 1
        try:
            await self._fulfil(route, rendered, portal_id=portal_id, politeness=politeness,
                               extra_domains=extra_domains, first_body=first_body)
        finally:
            self._in_flight -= 1

    async def _fulfil(self, route, rendered: RenderedPage, *, portal_id: str, politeness: Politeness | None,
                      extra_domains: tuple[str, ...], first_body: tuple[bytes, str] | None) -> None:
        request = route.request
        url = request.url
        if (request.resource_type in BLOCKED_RESOURCE_TYPES or not url.startswith(("http://", "https://"))
                or not same_site(url, rendered.url, extra_domains)):
            rendered.requests_refused += 1
            await route.abort("blockedbyclient")
            return
        if first_body is not None and request.is_navigation_request() and url == rendered.url:
            body, content_type = first_body
            await route.fulfill(status=200, body=body, headers={"content-type": content_type})
            return
        request_body = request.post_data_buffer
        request_type = await request.header_value("content-type")
        result = await self.fetcher.fetch(
            url, portal_id=portal_id, purpose="render", referrer=await request.header_value("referer"),
            method=request.method, data=request_data(request.method, request_body, request_type),
            politeness=politeness, extra_domains=extra_domains)
        if not result.ok or result.body is None:
            rendered.requests_refused += 1
            await route.abort("blockedbyclient" if result.status is None else "failed")
            return
        rendered.requests_fetched += 1
        content_type = result.content_type or "application/octet-stream"
        header = f"{content_type}; charset={result.encoding}" if result.encoding else content_type
        await route.fulfill(status=200, body=result.body, headers={"content-type": header})
        if request.resource_type in CAPTURED_RESOURCE_TYPES and any(t in content_type for t in TEXT_TYPES) \
                and not request.is_navigation_request():
            text = result.body[:MAX_CAPTURED_CHARS].decode(result.encoding or "utf-8", errors="replace")
            rendered.responses.append(CapturedResponse(url, request.method, request_body, request_type,
                                                       content_type, text))
