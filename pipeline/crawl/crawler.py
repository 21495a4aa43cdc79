"""One night's crawl: every portal's report columns, listings, articles and attachments.

Portals are crawled concurrently (the fetcher keeps each host polite); a failing portal ends with
its own health outcome and never stops the others. Each night re-verifies the columns recorded
last night (`{archive}/state/columns.json`) and re-discovers them from the home page when they
stop answering. Bodies are archived by the fetcher; this module keeps only what it needs to
parse the current page, so memory per portal stays small.
"""
from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from pipeline.archive import Archive, FetchLog
from pipeline.crawl.discovery import (
    Attachment, attachment_extension, decode_page, discover_columns, recognise_report_title, sub_column_links,
)
from pipeline.crawl.fetcher import Fetcher, FetchResult, RequestData
from pipeline.crawl.health import write_health_json
from pipeline.crawl.platforms import Page, PageRequest, PlatformAdapter, adapter_for, detect_platform
from pipeline.crawl.records import CrawlOutcome, DocumentRecord, PortalHealth
from pipeline.crawl.render import NEXT_PAGE_LABELS, BrowserRenderer, RenderSettings, RenderUnavailable
from pipeline.crawl.rendered import (
    ApiPager, entries_from_render, entries_from_response, find_api_pager, looks_like_script_shell,
)
from pipeline.crawl.settings import FetchSettings
from pipeline.registry.model import Portal, ReportColumn

COLUMNS_FILE = "columns.json"
HEALTH_FILE = "health.json"
MAX_LISTING_PAGES = 200          # per column: bounds a runaway pagination loop
MAX_REPORT_ENTRIES = 2000        # per portal
MAX_CONCURRENT_PORTALS = 256     # bounds open work (and memory) on a 3,000-portal night
MAX_COLUMNS = 60                 # per portal, sub-columns included
SUB_COLUMN_DEPTH = 2             # 年报 → 2021年 → 通元镇
FAILURE_OUTCOMES = {
    "blocked": "blocked",
    "robots_disallowed": "robots_disallowed",
    "unreachable": "unreachable",
    "forbidden_host": "unreachable",
    "http_error": "http_error",
    "too_large": "http_error",
    "redirect_loop": "http_error",
    "truncated": "http_error",
}
# When several fetches fail differently, the health outcome names the most telling one.
FAILURE_PRIORITY = ("blocked", "robots_disallowed", "http_error", "unreachable")


@dataclass
class RunTotals:
    requests: int = 0
    not_modified: int = 0
    bytes_downloaded: int = 0
    seen_sha256: set[str] = field(default_factory=set)
    earlier_sha256: frozenset[str] = frozenset()   # bodies earlier runs fetched (from the fetch log's validators)


@dataclass
class PortalCrawl:
    """The state of one portal's crawl; discarded when the portal is done."""
    portal: Portal
    fetcher: Fetcher
    totals: RunTotals
    pages_fetched: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)    # (outcome, url: error)
    candidates: list[tuple[tuple[int, ...], DocumentRecord]] = field(default_factory=list)
    documents: list[DocumentRecord] = field(default_factory=list)
    new_documents: int = 0
    detected_platform: str | None = None
    seen_urls: set[str] = field(default_factory=set)
    parse_errors: list[str] = field(default_factory=list)
    foreign_pages: list[str] = field(default_factory=list)   # SiteIDCode of another province: a copy, not ours
    renderer: BrowserRenderer | None = None
    rendered_pages: int = 0
    render_seconds: float = 0.0
    render_notes: list[str] = field(default_factory=list)     # why a script shell could not be rendered
    list_apis: list[str] = field(default_factory=list)        # list requests seen while rendering: adapter material

    async def fetch_any(self, url: str, purpose: str, *, referrer: str | None = None,
                        method: str = "GET", data: tuple[tuple[str, str], ...] = (),
                        payload: RequestData = None) -> FetchResult:
        """Fetch through the shared fetcher, counting it and noting a failure for the health detail.

        `data` are form fields (hashable, from a `PageRequest`); `payload` a body as a list API takes it.
        """
        result = await self.fetcher.fetch(
            url, portal_id=self.portal.portal_id, purpose=purpose, referrer=referrer, method=method,
            data=payload or dict(data) or None, politeness=self.portal.politeness,
            extra_domains=self.portal.extra_domains,
        )
        self.totals.requests += 1
        if result.not_modified:
            self.totals.not_modified += 1
        elif result.outcome == "ok":
            self.totals.bytes_downloaded += result.size or 0
        if not result.ok:
            self.failures.append((result.outcome, f"{url}: {result.error or result.outcome}"))
        else:
            self.pages_fetched += 1
        return result

    async def fetch(self, url: str, purpose: str, **kwargs) -> FetchResult | None:
        """The fetch result when a body came back, else None."""
        result = await self.fetch_any(url, purpose, **kwargs)
        return result if result.ok else None

    async def fetch_page(self, url: str, purpose: str, **kwargs) -> Page | None:
        result = await self.fetch(url, purpose, **kwargs)
        if result is None or result.body is None:
            return None
        return Page(url=result.final_url, text=decode_page(result.body, result.content_type))

    def adapter_for_page(self, page: Page) -> PlatformAdapter:
        platform = self.portal.platform or self.detected_platform or detect_platform(page.text, page.url)
        if platform and not self.portal.platform:
            self.detected_platform = platform
        return adapter_for(platform, self.portal.params)

    def add_document(self, order: tuple[int, ...], result: FetchResult, *, column: ReportColumn, title: str | None,
                     publisher: str | None, listing_url: str | None, filename: str | None,
                     continuations: Sequence[FetchResult] = ()) -> None:
        """Note a fetched document at its place in listing order; `settle_documents` deduplicates."""
        if result.sha256 is None:
            return
        recognised = recognise_report_title(title)
        self.candidates.append((order, DocumentRecord(
            portal_id=self.portal.portal_id,
            division_code=self.portal.division_code,
            publisher=column.publisher or publisher or (recognised.publisher if recognised else None),
            publisher_level=column.publisher_level,
            title=title,
            title_year=recognised.year if recognised else None,
            url=result.final_url,
            listing_url=listing_url,
            sha256=result.sha256,
            content_type=result.content_type,
            filename=filename or unquote(PurePosixPath(urlsplit(result.final_url).path).name) or None,
            size_bytes=result.size or 0,
            fetched_at=datetime.now(timezone.utc),
            continuation_sha256=tuple(part.sha256 for part in continuations if part.sha256),
        )))

    def settle_documents(self) -> None:
        """Keep each body once per run, under the URL listed first (fetches finish in any order)."""
        for _, record in sorted(self.candidates, key=lambda candidate: candidate[0]):
            if record.sha256 in self.totals.seen_sha256:
                continue
            self.totals.seen_sha256.add(record.sha256)
            self.documents.append(record)
            self.new_documents += record.sha256 not in self.totals.earlier_sha256
        self.candidates.clear()


@dataclass
class ColumnReading:
    column: ReportColumn        # as read: the registry's URL, or the same page over the other scheme
    answered: bool = False      # the first page came back
    reports: int = 0            # entries recognised as reports
    sub_columns: list[str] = field(default_factory=list)   # per-publisher / per-year columns it links

    @property
    def works(self) -> bool:
        """Lists reports or leads to sub-columns; a 200 page of navigation only (a soft 404) does not."""
        return self.answered and (self.reports > 0 or bool(self.sub_columns))


async def gather_all(crawl: PortalCrawl, tasks: Sequence[Awaitable[object]]) -> list[object]:
    """Run a portal's fetches side by side (the fetcher keeps each host polite); a failing one is a parse error."""
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        if isinstance(result, Exception):
            crawl.parse_errors.append(f"{type(result).__name__}: {result}")
    return list(results)


async def read_column(crawl: PortalCrawl, column: ReportColumn, column_index: int) -> ColumnReading:
    """List every page of a column and fetch each report it lists (articles, split pages, attachments).

    Listing pages are read in order; the reports each lists are fetched while paging goes on.
    """
    reading = ColumnReading(column)
    queue: list[PageRequest] = [PageRequest(column.url)]
    visited: set[PageRequest] = set()
    adapter: PlatformAdapter | None = None
    first_page: tuple[Page, FetchResult] | None = None
    report_fetches: list[Awaitable[object]] = []
    try:
        while queue and len(visited) < MAX_LISTING_PAGES:
            request = queue.pop(0)
            if request in visited:
                continue
            visited.add(request)
            page_index = len(visited)
            result = await crawl.fetch_any(
                request.url, "column" if first_page is None else "listing",
                referrer=column.url if first_page else None, method=request.method, data=request.data,
            )
            if not result.ok or result.body is None:
                if first_page is None:
                    other = other_scheme(request.url)
                    if result.outcome != "unreachable" or other in {r.url for r in visited}:
                        return reading
                    column = reading.column = replace(column, url=other)
                    queue.insert(0, PageRequest(other))   # some portals serve only http, others only https
                continue
            page = Page(url=result.final_url, text=decode_page(result.body, result.content_type))
            fragment = urlsplit(request.url).fragment
            if fragment and "#" not in page.url:
                page = Page(url=f"{page.url}#{fragment}", text=page.text)   # gkmlpt keeps its category there
            if first_page is None:
                first_page, reading.answered = (page, without_body(result)), True
                adapter = crawl.adapter_for_page(page)
                reading.sub_columns = sub_column_links(page.text, page.url)
            assert adapter is not None
            try:
                listing = adapter.parse_listing(page)
            except Exception as exc:  # a page the adapter cannot read must not end the portal
                crawl.parse_errors.append(f"{page.url}: {type(exc).__name__}: {exc}")
                continue
            queue.extend(listing.next_pages)
            for entry_index, entry in enumerate(listing.entries):
                recognised = recognise_report_title(entry.title)
                if not (recognised or entry.report_year) or entry.url in crawl.seen_urls:
                    continue
                if len(crawl.seen_urls) >= MAX_REPORT_ENTRIES:
                    break
                crawl.seen_urls.add(entry.url)
                reading.reports += 1
                order = (column_index, page_index, entry_index)
                report_fetches.append(asyncio.ensure_future(read_report_entry(
                    crawl, adapter, column, order, entry.url, entry.title, entry.publisher, page.url)))
        if (reading.reports == 0 and not reading.sub_columns and first_page is not None and adapter is not None
                and crawl.renderer is not None and looks_like_script_shell(first_page[0].text, first_page[0].url)):
            page = first_page[0]
            for index, entry in enumerate(await rendered_entries(crawl, page)):
                if entry.url in crawl.seen_urls or len(crawl.seen_urls) >= MAX_REPORT_ENTRIES:
                    continue
                crawl.seen_urls.add(entry.url)
                reading.reports += 1
                report_fetches.append(asyncio.ensure_future(read_report_entry(
                    crawl, adapter, column, (column_index, 1, index), entry.url, entry.title, entry.publisher, page.url)))
    finally:  # never leave a report fetch running past its portal's crawl
        await gather_all(crawl, report_fetches)
    if reading.reports == 0 and first_page is not None and adapter is not None:
        page, result = first_page
        reading.reports += await read_report_page(
            crawl, adapter, column, (column_index, 0, 0), page, None, None, result=result, must_be_titled=True,
        )
    return reading


async def rendered_entries(crawl: PortalCrawl, page: Page) -> list:
    """The report entries of a script-shell column: rendered once, then paged through its list API.

    The list request the scripts made is replayed by the fetcher with the next page number until a
    page adds nothing; a list that only its DOM pages is clicked through (下一页) instead.
    """
    assert crawl.renderer is not None
    portal = crawl.portal
    options = dict(portal_id=portal.portal_id, politeness=portal.politeness, extra_domains=portal.extra_domains,
                   first_body=(page.text.encode("utf-8"), "text/html; charset=utf-8"))
    try:
        rendered = await crawl.renderer.render(page.url, **options)
        crawl.rendered_pages += 1
        crawl.render_seconds += rendered.seconds
        entries = entries_from_render(rendered)
        pager = find_api_pager(rendered)
        if pager is not None:
            crawl.list_apis.append(pager.describe())
            entries += await replay_pages(crawl, pager, page.url, {entry.url for entry in entries})
        elif rendered.doms and any(label in rendered.doms[-1] for label in NEXT_PAGE_LABELS):
            clicked = await crawl.renderer.render(page.url, click_next=True, **options)
            crawl.rendered_pages += 1
            crawl.render_seconds += clicked.seconds
            known = {entry.url for entry in entries}
            entries += [entry for entry in entries_from_render(clicked) if entry.url not in known]
    except RenderUnavailable as exc:
        crawl.render_notes.append(f"{page.url} is a script shell; not rendered: {exc}")
        return []
    return [entry for entry in entries if recognise_report_title(entry.title) or entry.report_year]


async def replay_pages(crawl: PortalCrawl, pager: ApiPager, page_url: str, known: set[str]) -> list:
    """Pages 2… of a list API, fetched without the browser; stops at a page with nothing new (never loops)."""
    found = []
    for number in range(pager.start + 1, pager.start + MAX_LISTING_PAGES):
        url, method, payload = pager.request(number)
        result = await crawl.fetch_any(url, "listing", referrer=page_url, method=method, payload=payload)
        if not result.ok or result.body is None:
            break
        text = result.body.decode(result.encoding or "utf-8", errors="replace")
        fresh = [entry for entry in entries_from_response(replace(pager.response, text=text), page_url)
                 if entry.url not in known]
        if not fresh:
            break
        known.update(entry.url for entry in fresh)
        found += fresh
    return found


def without_body(result: FetchResult) -> FetchResult:
    """The fetch's metadata only: the bytes are in the archive, and a portal's crawl should not hold them."""
    return replace(result, body=None)


def other_scheme(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(scheme="https" if parts.scheme == "http" else "http").geturl()


async def read_report_entry(crawl: PortalCrawl, adapter: PlatformAdapter, column: ReportColumn, order: tuple[int, ...],
                            url: str, title: str, publisher: str | None, listing_url: str) -> None:
    """A listed report: a direct attachment, or an article page (its tables and attachments)."""
    if attachment_extension(url):
        result = await crawl.fetch(url, "attachment", referrer=listing_url)
        if result is not None:
            crawl.add_document(order, result, column=column, title=title, publisher=publisher,
                               listing_url=listing_url, filename=None)
        return
    result = await crawl.fetch(url, "article", referrer=listing_url)
    if result is None or result.body is None:
        return
    page = Page(url=result.final_url, text=decode_page(result.body, result.content_type))
    await read_report_page(crawl, adapter, column, order, page, title, publisher, result=without_body(result),
                           listing_url=listing_url)


async def read_report_page(crawl: PortalCrawl, adapter: PlatformAdapter, column: ReportColumn, order: tuple[int, ...],
                           page: Page, title: str | None, publisher: str | None, *, result: FetchResult,
                           listing_url: str | None = None, must_be_titled: bool = False) -> int:
    """Record an article page (its tables, split pages and attachments) as a report; returns 1 if it was.

    With `must_be_titled` (a column page that listed no reports) the page counts only when its own
    title names a report — a Hanweb xxgkAnnualReport.jsp module page, or a registry entry that
    points at a report rather than a listing.
    """
    try:
        article = adapter.parse_article(page)
    except Exception as exc:  # keep the portal going; the health detail says which page failed
        crawl.parse_errors.append(f"{page.url}: {type(exc).__name__}: {exc}")
        return 0
    if must_be_titled and not recognise_report_title(article.title):
        return 0
    site_code = article.site_division_code
    if site_code and not site_code.startswith(crawl.portal.division_code[:2]):
        crawl.foreign_pages.append(f"{page.url} (SiteIDCode {site_code})")
        return 0
    title = title or article.title
    continuation_urls = [url for url in article.continuation_pages if url not in crawl.seen_urls]
    crawl.seen_urls.update(continuation_urls)
    fetched = await asyncio.gather(*(crawl.fetch(url, "article", referrer=page.url) for url in continuation_urls))
    continuations: list[FetchResult] = []
    attachments = list(article.attachments)
    has_tables = article.has_tables
    for extra in fetched:
        if extra is None or extra.body is None:
            continue
        part = adapter.parse_article(Page(extra.final_url, decode_page(extra.body, extra.content_type)))
        attachments.extend(part.attachments)
        has_tables = has_tables or part.has_tables
        continuations.append(without_body(extra))
    if has_tables or not attachments:
        crawl.add_document(order + (0,), result, column=column, title=title, publisher=publisher,
                           listing_url=listing_url, filename=None, continuations=continuations)

    async def fetch_attachment(position: int, attachment: Attachment) -> None:
        fetched = await crawl.fetch(attachment.url, "attachment", referrer=page.url)
        if fetched is not None:
            crawl.add_document(order + (position,), fetched, column=column, title=title, publisher=publisher,
                               listing_url=page.url, filename=attachment.name)

    await gather_all(crawl, [fetch_attachment(position, attachment)
                             for position, attachment in enumerate(dict.fromkeys(attachments), start=1)])
    return 1


async def find_columns(crawl: PortalCrawl) -> tuple[list[ReportColumn], str | None]:
    """Report columns discovered from the first home page that answers, and that home page."""
    async def fetch_text(url: str) -> str | None:
        page = await crawl.fetch_page(url, "home" if url in crawl.portal.home_urls else "column")
        if page is None:
            return None
        if not crawl.portal.platform and crawl.detected_platform is None:
            crawl.detected_platform = detect_platform(page.text, page.url)
        return page.text

    for home_url in crawl.portal.home_urls:
        failures_before = len(crawl.failures)
        urls = await discover_columns(home_url, fetch_text, is_column=is_catalogue_page)
        if urls or len(crawl.failures) == failures_before:
            return [ReportColumn(url=url) for url in urls], home_url
    return [], None


def is_catalogue_page(text: str, url: str) -> bool:
    """A disclosure page that is a JavaScript catalogue (gkmlpt): its adapter finds the report category."""
    return detect_platform(text, url) == "gkmlpt"


def failure_outcome(crawl: PortalCrawl) -> tuple[str, str]:
    outcomes = {FAILURE_OUTCOMES.get(outcome, "http_error") for outcome, _ in crawl.failures}
    for outcome in FAILURE_PRIORITY:
        if outcome in outcomes:
            detail = next(text for o, text in crawl.failures if FAILURE_OUTCOMES.get(o, "http_error") == outcome)
            return outcome, detail
    return "unreachable", "no page answered"


async def read_sub_columns(crawl: PortalCrawl, readings: list[ColumnReading], known: set[str]) -> list[ColumnReading]:
    """Read the per-publisher and per-year sub-columns the columns link to, two levels down."""
    found: list[ColumnReading] = []
    level = readings
    for _ in range(SUB_COLUMN_DEPTH):
        urls = [url for reading in level for url in reading.sub_columns if url not in known]
        urls = list(dict.fromkeys(urls))[: max(0, MAX_COLUMNS - len(known))]
        known.update(urls)
        start = len(known) - len(urls)
        level = list(await asyncio.gather(*(
            read_column(crawl, ReportColumn(url=url), start + index) for index, url in enumerate(urls))))
        found += level
    return found


async def crawl_portal(crawl: PortalCrawl, recorded: Sequence[ReportColumn]) -> tuple[str, str, list[ReportColumn]]:
    """(outcome, detail, columns to remember) for one portal; documents accumulate on `crawl`.

    Recorded columns are re-read first; any that no longer answer or list nothing send the crawl
    back to the home page, and a column found there that was not recorded is drift (`column_moved`).
    Sub-columns the columns link to (one per town or year) are read too and remembered.
    """
    readings = list(await asyncio.gather(*(read_column(crawl, column, index) for index, column in enumerate(recorded))))
    broken = [reading.column for reading in readings if not reading.works]
    home = None
    new_columns: list[ReportColumn] = []
    if not recorded or broken:
        discovered, home = await find_columns(crawl)
        known = {column.url for column in recorded}
        new_columns = [column for column in discovered if column.url not in known]
        readings += await asyncio.gather(*(
            read_column(crawl, column, len(recorded) + index) for index, column in enumerate(new_columns)))
    known_urls = {reading.column.url for reading in readings} | {column.url for column in recorded}
    readings += await read_sub_columns(crawl, readings, known_urls)
    reports = sum(reading.reports for reading in readings)
    working = [reading.column for reading in readings if reading.works]
    found = f"{reports} report entries in {len(working)} column(s)"
    if recorded and new_columns:
        moved = ", ".join(column.url for column in broken)
        return "column_moved", f"column moved: {moved} → {', '.join(c.url for c in new_columns)}; {found}", working
    if not recorded:
        if not new_columns:
            if home is None:
                return (*failure_outcome(crawl), [])
            return "no_reports", f"no annual-report column found from {home}", []
        return ("ok" if reports else "no_reports"), f"{found}, found from {home}", working
    if not any(reading.answered for reading in readings):
        return (*failure_outcome(crawl), [reading.column for reading in readings])
    stale = f"; not answering or empty: {', '.join(c.url for c in broken)}" if broken else ""
    return ("ok" if reports else "no_reports"), f"{found}{stale}", working + broken


def load_column_state(state_dir: Path) -> dict[str, dict]:
    path = Path(state_dir) / COLUMNS_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return dict(document.get("portals", {}))
    except (FileNotFoundError, json.JSONDecodeError, AttributeError):
        return {}


def save_column_state(state_dir: Path, state: dict[str, dict]) -> None:
    path = Path(state_dir) / COLUMNS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps({"portals": state}, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def recorded_columns(portal: Portal, state: dict[str, dict]) -> list[ReportColumn]:
    """Last night's columns, keeping the registry's publisher details for URLs it names.

    When an editor has changed the portal's columns in the registry since, the registry wins.
    """
    by_url = {column.url: column for column in portal.report_columns}
    remembered = state.get(portal.portal_id, {})
    registry_urls = [column.url for column in portal.report_columns]
    if not remembered.get("columns") or (registry_urls and remembered.get("registry_columns") != registry_urls):
        return list(portal.report_columns)
    return [by_url.get(url, ReportColumn(url=url)) for url in remembered["columns"]]


def render_detail(crawl: PortalCrawl) -> str:
    """What rendering cost a portal, and what would spare it next time (for the health detail)."""
    parts = []
    if crawl.rendered_pages:
        parts.append(f"rendered {crawl.rendered_pages} page(s) in a browser ({crawl.render_seconds:.1f} s)")
    if crawl.list_apis:
        parts.append(f"list API {crawl.list_apis[0]}: an adapter or a pinned column would spare the browser")
    parts += crawl.render_notes[:1]
    return "; ".join(parts)


async def crawl_portals(portals: Sequence[Portal], fetcher: Fetcher, *, run_id: str, state_dir,
                        renderer: BrowserRenderer | None = None) -> CrawlOutcome:
    """Crawl every portal concurrently; each gets exactly one health outcome.

    A health row's `documents_new` counts documents whose bytes no earlier run fetched (per the
    fetch log's validators), so a changed report counts and a report served again does not.
    """
    state_dir = Path(state_dir)
    state = load_column_state(state_dir)
    totals = RunTotals(earlier_sha256=frozenset(v.sha256 for v in fetcher.validators.values() if v.sha256))
    unique: dict[str, Portal] = {}
    for portal in portals:
        unique.setdefault(portal.portal_id, portal)   # one crawl and one health outcome per portal id
    documents: list[DocumentRecord] = []
    health: dict[str, PortalHealth] = {}
    gate = asyncio.Semaphore(MAX_CONCURRENT_PORTALS)

    async def one(portal: Portal) -> None:
        async with gate:
            crawl = PortalCrawl(portal, fetcher, totals, renderer=renderer)
            columns: list[ReportColumn] = []
            try:
                outcome, detail, columns = await crawl_portal(crawl, recorded_columns(portal, state))
            except Exception as exc:  # one portal's bug must not stop the night
                outcome, detail = "parse_error", f"{type(exc).__name__}: {exc}"
            crawl.settle_documents()
            if crawl.parse_errors and outcome in ("ok", "no_reports") and not crawl.documents:
                outcome, detail = "parse_error", "; ".join(crawl.parse_errors[:3])
            if render_detail(crawl):
                detail += f"; {render_detail(crawl)}"
            if crawl.foreign_pages:
                detail += f"; skipped {len(crawl.foreign_pages)} page(s) of another province's site: {crawl.foreign_pages[0]}"
            documents.extend(crawl.documents)
            health[portal.portal_id] = PortalHealth(
                portal_id=portal.portal_id, division_code=portal.division_code, outcome=outcome, detail=detail,
                pages_fetched=crawl.pages_fetched, documents_found=len(crawl.documents),
                documents_new=crawl.new_documents, checked_at=datetime.now(timezone.utc),
                rendered_pages=crawl.rendered_pages,
            )
            if columns:
                state[portal.portal_id] = {
                    "columns": [column.url for column in columns],
                    "registry_columns": [column.url for column in portal.report_columns],
                    "platform": portal.platform or crawl.detected_platform,
                    "run_id": run_id,
                }
                if crawl.list_apis:
                    state[portal.portal_id]["list_apis"] = crawl.list_apis

    await asyncio.gather(*(one(portal) for portal in unique.values()))
    save_column_state(state_dir, state)
    return CrawlOutcome(
        documents=documents,
        health=[health[portal_id] for portal_id in unique],
        requests=totals.requests,
        not_modified=totals.not_modified,
        bytes_downloaded=totals.bytes_downloaded,
    )


def run_crawl(portals: Sequence[Portal], *, archive_root, settings: FetchSettings, run_id: str,
              render: RenderSettings | None = None) -> CrawlOutcome:
    """Open the archive, last night's validators and this run's fetch log; crawl; close the log.

    Script-shell columns are rendered in headless Chromium when one is installed (`render`; a
    browser is started only if some column needs it).

    Also writes `{archive_root}/state/health.json` for `gongkai portals health --from-json`.
    """
    archive = Archive(archive_root)
    validators = FetchLog.latest_validators(archive_root)
    log = FetchLog(archive_root, run_id)
    state_dir = Path(archive_root) / "state"

    async def crawl() -> CrawlOutcome:
        async with Fetcher(settings, archive, log, validators=validators) as fetcher:
            async with BrowserRenderer(fetcher, render) as renderer:
                outcome = await crawl_portals(portals, fetcher, run_id=run_id, state_dir=state_dir, renderer=renderer)
                return replace(outcome, rendered_pages=renderer.pages_rendered, render_seconds=renderer.seconds)

    try:
        outcome = asyncio.run(crawl())
    finally:
        log.close()
    write_health_json(outcome.health, state_dir / HEALTH_FILE, run_id=run_id)
    return outcome
