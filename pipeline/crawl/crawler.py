"""One night's crawl: every portal's report columns, listings, articles and attachments.

Portals are crawled concurrently (the fetcher keeps each host polite); a failing portal ends with
its own health outcome and never stops the others. Each night re-verifies the columns the last
published night recorded (`CrawlMemory`, read from the warehouse by the caller) and re-discovers
them from the home page when they stop answering. Bodies are archived by the fetcher; this module keeps only what it needs to
parse the current page, so memory per portal stays small.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from pipeline.archive import Archive, FetchLog
from pipeline.crawl.discovery import (
    IMAGE_EXTENSIONS, NOT_A_REPORT, Attachment, attachment_extension, clean_text, decode_page, discover_columns,
    disposition_filename, frame_sources, names_other_region, names_other_report, recognise_report_title,
    redirect_shell_target, same_site, sniff_document, sub_column_links, unverified_report_link,
)
from pipeline.crawl.fetcher import Fetcher, FetchResult, RawBody, RequestData
from pipeline.crawl.health import write_health_json
from pipeline.crawl.platforms import ListingEntry, Page, PageRequest, PlatformAdapter, adapter_for, detect_platform
from pipeline.crawl.records import CrawlMemory, CrawlOutcome, DocumentRecord, PortalColumns, PortalHealth
from pipeline.crawl.render import BrowserRenderer, CapturedResponse, RenderSettings, RenderUnavailable
from pipeline.crawl.rendered import (
    ApiPager, LoadMore, entries_from_render, entries_from_response, find_api_pager, load_more_endpoint,
    needs_render,
)
from pipeline.crawl.settings import FetchSettings
from pipeline.errors import InfrastructureError
from pipeline.registry.model import Portal, ReportColumn

HEALTH_FILE = "health.json"
MAX_LISTING_PAGES = 200          # per column: bounds a runaway pagination loop
MAX_REPORT_ENTRIES = 2000        # per portal
MAX_CONCURRENT_PORTALS = 256     # bounds open work (and memory) on a 3,000-portal night
MAX_COLUMNS = 60                 # per portal, sub-columns included
SUB_COLUMN_DEPTH = 3             # 年报 → 乡镇街道 → 2021年 → 通元镇
SHELL_HOPS = 3                   # redirect shells followed in a row
MAX_FRAMES = 4                   # framed pages read per column page
JSON_BODY = "application/json;charset=UTF-8"   # how list APIs' own scripts label the JSON they POST
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
    known_sha256: frozenset[str] = frozenset()   # documents the last published night already held


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
        """A page's text, through any redirect shells (meta refresh, `location.replace`) it stands behind."""
        result = await self.fetch(url, purpose, **kwargs)
        if result is None or result.body is None:
            return None
        page = Page(url=result.final_url, text=decode_page(result.body, result.content_type))
        followed, _ = await self.behind_shells(page)
        return followed or page

    async def behind_shells(self, page: Page) -> tuple[Page | None, FetchResult | None]:
        """The page a redirect shell leads to (and its fetch), or (None, None) when `page` is no shell."""
        found: tuple[Page | None, FetchResult | None] = (None, None)
        visited = {page.url}
        for _ in range(SHELL_HOPS):
            target = redirect_shell_target(page.text, page.url)
            if target is None or target in visited:
                break
            visited.add(target)
            result = await self.fetch(target, "column", referrer=page.url)
            if result is None or result.body is None:
                break
            page = Page(url=result.final_url, text=decode_page(result.body, result.content_type))
            found = (page, result)
        return found

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
            not_modified=result.not_modified,
        )))

    def settle_documents(self) -> None:
        """Keep each body once per run, under the URL listed first (fetches finish in any order)."""
        for _, record in sorted(self.candidates, key=lambda candidate: candidate[0]):
            if record.sha256 in self.totals.seen_sha256:
                continue
            self.totals.seen_sha256.add(record.sha256)
            self.documents.append(record)
            self.new_documents += record.sha256 not in self.totals.known_sha256
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
    """Run a portal's fetches side by side (the fetcher keeps each host polite); a failing one is a parse error.

    An infrastructure failure (the archive cannot be written) is not the portal's: it stops the crawl.
    """
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        if isinstance(result, InfrastructureError):
            raise result
        if isinstance(result, Exception):
            crawl.parse_errors.append(f"{type(result).__name__}: {result}")
    return list(results)


async def read_column(crawl: PortalCrawl, column: ReportColumn, column_index: int, *,
                      sub_column: bool = False) -> ColumnReading:
    """List every page of a column and fetch each report it lists (articles, split pages, attachments).

    Listing pages are read in order; the reports each lists are fetched while paging goes on. A
    column page that is a redirect shell is read where it leads; one that shows its list in
    same-site frames is read through them. Links named only by a year or a publisher are judged by
    their documents, as in any report column; a sub-column whose first page lists no report is not
    paged (a menu link taken for a town's column costs one fetch). Rows a 加载更多 button fetches from an
    endpoint its inline script names are read after the pages.
    """
    reading = ColumnReading(column)
    queue: list[PageRequest] = [PageRequest(column.url)]
    visited: set[PageRequest] = set()
    frames: set[str] = set()
    column_entries: set[str] = set()
    adapter: PlatformAdapter | None = None
    first_page: tuple[Page, FetchResult] | None = None
    report_fetches: list[Awaitable[object]] = []
    pages_read = 0
    try:
        while queue and len(visited) < MAX_LISTING_PAGES:
            request = queue.pop(0)
            if request in visited:
                continue
            visited.add(request)
            page_index = len(visited)
            result = await crawl.fetch_any(
                request.url, "column" if first_page is None else "listing",
                referrer=request.referrer or (column.url if first_page else None), method=request.method,
                data=request.data, payload=RawBody(request.json.encode(), JSON_BODY) if request.json else None,
            )
            if not result.ok or result.body is None:
                if first_page is None:
                    other = other_scheme(request.url)
                    if result.outcome != "unreachable" or other in {r.url for r in visited}:
                        return reading
                    column = reading.column = replace(column, url=other)
                    queue.insert(0, PageRequest(other))   # some portals serve only http, others only https
                continue
            page = Page(url=result.final_url, text=decode_page(result.body, result.content_type), request=request)
            if first_page is None or request.url in frames:
                shell_page, shell_result = await crawl.behind_shells(page)
                if shell_page is not None and shell_result is not None:
                    page, result = shell_page, shell_result
            fragment = urlsplit(request.url).fragment
            if fragment and "#" not in page.url:
                page = replace(page, url=f"{page.url}#{fragment}")   # gkmlpt keeps its category there
            if first_page is None or request.url in frames:
                if first_page is None:
                    first_page, reading.answered = (page, without_body(result)), True
                adapter = crawl.adapter_for_page(page)
                reading.sub_columns += [url for url in sub_column_links(page.text, page.url)
                                        if url not in reading.sub_columns]
                framed = [url for url in frame_sources(page.text, page.url)
                          if url not in frames and PageRequest(url) not in visited][:MAX_FRAMES]
                frames.update(framed)
                queue[0:0] = [PageRequest(url) for url in framed]
            assert adapter is not None
            try:
                listing = adapter.parse_listing(page)
            except Exception as exc:  # a page the adapter cannot read must not end the portal
                crawl.parse_errors.append(f"{page.url}: {type(exc).__name__}: {exc}")
                continue
            entries = [replace(entry, verify=True)   # every column read is a report column or one of its parts
                       if not entry.verify and unverified_report_link(entry.title, entry.url, True, page.url) else entry
                       for entry in listing.entries if not neighbours_report(crawl.portal, entry, page.url)]
            listed = {entry.url for entry in entries}
            pages_read += request.url not in frames
            lists_reports = any(recognise_report_title(entry.title) or entry.report_year or entry.verify for entry in entries)
            if (page_index == 1 and (lists_reports or not sub_column)) or not listed <= column_entries:
                queue.extend(listing.next_pages)   # a later page listing nothing new ends paging
            column_entries |= listed
            for entry_index, entry in enumerate(entries):
                recognised = recognise_report_title(entry.title)
                if not (recognised or entry.report_year or entry.verify) or entry.url in crawl.seen_urls:
                    continue
                if len(crawl.seen_urls) >= MAX_REPORT_ENTRIES:
                    break
                crawl.seen_urls.add(entry.url)
                reading.reports += 1
                order = (column_index, page_index, entry_index)
                report_fetches.append(asyncio.ensure_future(read_report_entry(
                    crawl, adapter, column, order, entry, page.url)))
        more = load_more_endpoint(first_page[0].text, first_page[0].url) if first_page is not None else None
        if more is not None and adapter is not None and first_page is not None:
            page = first_page[0]
            for index, entry in enumerate(await load_more_entries(crawl, more, page.url, column_entries)):
                if unverified_report_link(entry.title, entry.url, True, page.url):
                    entry = replace(entry, verify=True)
                if not (recognise_report_title(entry.title) or entry.verify) or entry.url in crawl.seen_urls:
                    continue
                if len(crawl.seen_urls) >= MAX_REPORT_ENTRIES:
                    break
                crawl.seen_urls.add(entry.url)
                reading.reports += 1
                report_fetches.append(asyncio.ensure_future(read_report_entry(
                    crawl, adapter, column, (column_index, MAX_LISTING_PAGES + 1, index), entry, page.url)))
        if (first_page is not None and adapter is not None and crawl.renderer is not None
                and (sub_column or not (reading.reports == 0 and reading.sub_columns))
                and needs_render(first_page[0].text, first_page[0].url, reports=reading.reports, pages_read=pages_read)):
            page = first_page[0]
            for index, entry in enumerate(await rendered_entries(crawl, page)):
                if entry.url in crawl.seen_urls or len(crawl.seen_urls) >= MAX_REPORT_ENTRIES:
                    continue
                crawl.seen_urls.add(entry.url)
                reading.reports += 1
                report_fetches.append(asyncio.ensure_future(read_report_entry(
                    crawl, adapter, column, (column_index, 1, index), entry, page.url)))
    finally:  # never leave a report fetch running past its portal's crawl
        await gather_all(crawl, report_fetches)
    if reading.reports == 0 and first_page is not None and adapter is not None:
        page, result = first_page
        reading.reports += await read_report_page(
            crawl, adapter, column, (column_index, 0, 0), page, None, None, result=result, must_be_titled=True,
        )
    return reading


def neighbours_report(portal: Portal, entry: ListingEntry, page_url: str) -> bool:
    """A report link outside the page's list (a 相关链接 or 友情链接 box) that leaves the site or names another
    county's report, or one in the list that does both: the neighbour's portal archives it."""
    off_site = not same_site(entry.url, page_url)
    if entry.outside_list and off_site:
        return True
    return (entry.outside_list or off_site) and names_other_region(entry.title, portal.name)


async def rendered_entries(crawl: PortalCrawl, page: Page) -> list:
    """The report entries of a column its scripts fill or page: rendered once, then paged through its list API.

    The list request the scripts made is replayed by the fetcher from the page after the last one seen
    until a page adds nothing; a list whose requests carry no page number is paged in the same render by
    clicking its pager (下一页 or the next number) instead.
    """
    assert crawl.renderer is not None
    portal = crawl.portal
    try:
        rendered = await crawl.renderer.render(
            page.url, portal_id=portal.portal_id, politeness=portal.politeness, extra_domains=portal.extra_domains,
            first_body=(page.text.encode("utf-8"), "text/html; charset=utf-8"),
            click_next=lambda settled: find_api_pager(settled) is None)
    except RenderUnavailable as exc:
        crawl.render_notes.append(f"{page.url} is a script shell; not rendered: {exc}")
        return []
    crawl.rendered_pages += 1
    crawl.render_seconds += rendered.seconds
    entries = entries_from_render(rendered)
    pager = find_api_pager(rendered)
    if pager is not None:
        crawl.list_apis.append(pager.describe())
        entries += await replay_pages(crawl, pager, page.url, {entry.url for entry in entries})
    return [entry for entry in entries if recognise_report_title(entry.title) or entry.report_year]


async def replay_pages(crawl: PortalCrawl, pager: ApiPager, page_url: str, known: set[str]) -> list:
    """Pages after the last one the browser saw, fetched without it; stops at a page with nothing new (never loops)."""
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


async def load_more_entries(crawl: PortalCrawl, more: LoadMore, page_url: str, known: set[str]) -> list[ListingEntry]:
    """Pages 2… of a 加载更多 list endpoint, fetched as its script would ask; stops at a page with nothing new."""
    found: list[ListingEntry] = []
    for number in range(2, MAX_LISTING_PAGES):
        url, method, payload = more.request(number)
        result = await crawl.fetch_any(url, "listing", referrer=page_url, method=method, payload=payload)
        if not result.ok or result.body is None:
            break
        response = CapturedResponse(url, method, None, None, result.content_type,
                                    decode_page(result.body, result.content_type))
        fresh = [entry for entry in entries_from_response(response, page_url) if entry.url not in known]
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


def document_name(result: FetchResult, fallback: str | None) -> str | None:
    """The file name a document came with: its Content-Disposition, else the name it was linked by."""
    return disposition_filename(result.content_disposition) or fallback


async def read_report_entry(crawl: PortalCrawl, adapter: PlatformAdapter, column: ReportColumn, order: tuple[int, ...],
                            entry: ListingEntry, listing_url: str) -> None:
    """A listed report: a document (by extension, or by its bytes behind a download servlet), or an
    article page (its tables and attachments). An entry to verify is kept only when the document's
    own title or file name names a report, or, for a bare link in the report column, names nothing else.
    An entry that is a redirect shell is read where it leads."""
    if attachment_extension(entry.url) in IMAGE_EXTENSIONS:
        return   # a picture (图解) is never a report
    purpose = "attachment" if attachment_extension(entry.url) else "article"
    result = await crawl.fetch(entry.url, purpose, referrer=listing_url)
    if result is None or result.body is None:
        return
    if sniff_document(result.body, result.content_type):
        name = document_name(result, None)
        if entry.verify and name and not recognise_report_title(name) and (
                NOT_A_REPORT.search(name) or names_other_report(name) or "…" in entry.title or "..." in entry.title):
            return
        title = entry.title if not entry.verify or not name or not recognise_report_title(name) else name
        crawl.add_document(order, without_body(result), column=column, title=title, publisher=entry.publisher,
                           listing_url=listing_url, filename=name)
        return
    page = Page(url=result.final_url, text=decode_page(result.body, result.content_type))
    target = redirect_shell_target(page.text, page.url)
    if target is not None and target not in crawl.seen_urls:   # a 外链 entry: a script or meta redirect to the report
        crawl.seen_urls.add(target)
        await read_report_entry(crawl, adapter, column, order, replace(entry, url=target), listing_url)
        return
    await read_report_page(crawl, adapter, column, order, page, None if entry.verify else entry.title,
                           entry.publisher, result=without_body(result), listing_url=listing_url,
                           must_be_titled=entry.verify, may_be_list=True)


async def read_report_page(crawl: PortalCrawl, adapter: PlatformAdapter, column: ReportColumn, order: tuple[int, ...],
                           page: Page, title: str | None, publisher: str | None, *, result: FetchResult,
                           listing_url: str | None = None, must_be_titled: bool = False, may_be_list: bool = False) -> int:
    """Record an article page as a report; returns how many reports it recorded (1, or a list page's count).

    An article that links the report as a document yields the document (the article is its landing
    page, recorded as the document's listing URL); one whose body holds the report (tables, or no
    document at all) yields itself. Attachments named like decoys (解读, 图解, 指南, notices) are
    skipped. With `must_be_titled` (a column page that listed no reports, or a cut or bare link)
    the page counts only when its own title names a report — a Hanweb xxgkAnnualReport.jsp module
    page, or a registry entry that points at a report rather than a listing. With `may_be_list` (a listed
    report's page), a page that turns out to list reports is read as a sub-column instead.
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
    attachments = [a for a in dict.fromkeys(attachments) if not (a.name and NOT_A_REPORT.search(a.name))]
    documents = [a for a in attachments if attachment_extension(a.url) not in IMAGE_EXTENSIONS
                 and (not has_tables or recognise_report_title(a.name))]   # beside a report body, only the report's file
    images = [a for a in attachments if attachment_extension(a.url) in IMAGE_EXTENSIONS]
    kept: list[bool] = []
    unanswered: list[bool] = []   # documents whose fetch failed: the page is still only their landing page

    async def fetch_attachment(position: int, attachment: Attachment) -> None:
        fetched = await crawl.fetch(attachment.url, "attachment", referrer=page.url)
        if fetched is None or fetched.body is None:
            unanswered.append(True)
            return
        if attachment_extension(attachment.url) is None and not sniff_document(fetched.body, fetched.content_type):
            return   # a servlet-looking link that answered with a page
        kept.append(True)
        crawl.add_document(order + (position,), without_body(fetched), column=column, title=title, publisher=publisher,
                           listing_url=page.url, filename=document_name(fetched, attachment.name))

    await gather_all(crawl, [fetch_attachment(position, attachment)
                             for position, attachment in enumerate(documents, start=1)])
    if kept or unanswered or any(attachment_extension(a.url) for a in documents):
        return 1   # a landing page: its document is the report, even when that fetch failed
    if may_be_list and not has_tables and not documents and is_report_list(adapter, page):
        return (await read_column(crawl, replace(column, url=page.url), order[0], sub_column=True)).reports
    if has_tables or not images:
        crawl.add_document(order + (0,), result, column=column, title=title, publisher=publisher,
                           listing_url=listing_url, filename=None, continuations=continuations)
        return 1
    await gather_all(crawl, [fetch_attachment(position, image)   # a scanned report: its page images
                             for position, image in enumerate(images, start=len(documents) + 1)])
    return 1


REPORT_LIST_TEXT = 1000   # text outside links a report list page stays under; a report's own text is longer


def is_report_list(adapter: PlatformAdapter, page: Page) -> bool:
    """A page linked by a report's title that lists reports instead (the towns' reports of a year on a page of
    their own): two or more reports in its list block, and little text that is not a link."""
    listing = adapter.parse_listing(page)
    reports = [entry for entry in listing.entries
               if not entry.outside_list and entry.url != page.url and recognise_report_title(entry.title)]
    if len(reports) < 2:
        return False
    tree = HTMLParser(page.text)
    for node in tree.css("script, style, a"):
        node.decompose()
    return len(clean_text(tree.body.text() if tree.body else "")) < REPORT_LIST_TEXT


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
            read_column(crawl, ReportColumn(url=url), start + index, sub_column=True) for index, url in enumerate(urls))))
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


def recorded_columns(portal: Portal, memory: CrawlMemory) -> list[ReportColumn]:
    """The last published night's columns, keeping the registry's publisher details for URLs it names.

    When an editor has changed the portal's columns in the registry since, the registry wins.
    """
    by_url = {column.url: column for column in portal.report_columns}
    remembered = memory.columns.get(portal.portal_id)
    registry_urls = tuple(column.url for column in portal.report_columns)
    if remembered is None or not remembered.column_urls or (
            registry_urls and remembered.registry_column_urls != registry_urls):
        return list(portal.report_columns)
    return [by_url.get(url, ReportColumn(url=url)) for url in remembered.column_urls]


def render_detail(crawl: PortalCrawl) -> str:
    """What rendering cost a portal, and what would spare it next time (for the health detail)."""
    parts = []
    if crawl.rendered_pages:
        parts.append(f"rendered {crawl.rendered_pages} page(s) in a browser ({crawl.render_seconds:.1f} s)")
    if crawl.list_apis:
        parts.append(f"list API {crawl.list_apis[0]}: an adapter or a pinned column would spare the browser")
    parts += crawl.render_notes[:1]
    return "; ".join(parts)


PortalDone = Callable[[PortalHealth, int, int, int], None]
"""Called as each portal finishes: its health row, portals finished, portals in all, documents so far."""


async def crawl_portals(portals: Sequence[Portal], fetcher: Fetcher, *, run_id: str,
                        memory: CrawlMemory | None = None, on_portal_done: PortalDone | None = None,
                        renderer: BrowserRenderer | None = None) -> CrawlOutcome:
    """Crawl every portal concurrently; each gets exactly one health outcome.

    A health row's `documents_new` counts documents the last published night did not hold
    (`memory.known_sha256`), so a changed report counts, a report served again does not, and a
    rerun after a failed night still counts what that night found.
    """
    memory = memory or CrawlMemory()
    totals = RunTotals(known_sha256=memory.known_sha256)
    unique: dict[str, Portal] = {}
    for portal in portals:
        unique.setdefault(portal.portal_id, portal)   # one crawl and one health outcome per portal id
    documents: list[DocumentRecord] = []
    health: dict[str, PortalHealth] = {}
    columns_read: list[PortalColumns] = []
    gate = asyncio.Semaphore(MAX_CONCURRENT_PORTALS)

    async def one(portal: Portal) -> None:
        async with gate:
            crawl = PortalCrawl(portal, fetcher, totals, renderer=renderer)
            if not portal.platform:   # what an earlier night detected is tried first; a registry pin wins
                remembered = memory.columns.get(portal.portal_id)
                crawl.detected_platform = remembered.platform if remembered else None
            columns: list[ReportColumn] = []
            try:
                outcome, detail, columns = await crawl_portal(crawl, recorded_columns(portal, memory))
            except InfrastructureError:
                raise
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
            if on_portal_done:
                on_portal_done(health[portal.portal_id], len(health), len(unique), len(documents))
            if columns:
                columns_read.append(PortalColumns(
                    portal_id=portal.portal_id,
                    column_urls=tuple(column.url for column in columns),
                    registry_column_urls=tuple(column.url for column in portal.report_columns),
                    platform=portal.platform or crawl.detected_platform,
                    run_id=run_id,
                    list_apis=tuple(crawl.list_apis),
                ))

    try:
        async with asyncio.TaskGroup() as portals_crawling:   # an infrastructure failure cancels every portal
            for portal in unique.values():
                portals_crawling.create_task(one(portal))
    except ExceptionGroup as failed:   # one() lets only infrastructure errors through
        raise failed.exceptions[0] from None
    return CrawlOutcome(
        documents=documents,
        health=[health[portal_id] for portal_id in unique],
        requests=totals.requests,
        not_modified=totals.not_modified,
        bytes_downloaded=totals.bytes_downloaded,
        columns=sorted(columns_read, key=lambda read: read.portal_id),
    )


def run_crawl(portals: Sequence[Portal], *, archive_root, settings: FetchSettings, run_id: str,
              memory: CrawlMemory | None = None, on_portal_done: PortalDone | None = None,
              render: RenderSettings | None = None) -> CrawlOutcome:
    """Open the archive, last night's validators and this run's fetch log; crawl; close the log.

    `memory` is what the last published night knew (None: nothing, a first night). Script-shell
    columns are rendered in headless Chromium when one is installed (`render`; a browser is
    started only if some column needs it).

    Also writes `{archive_root}/state/health.json` for `gongkai portals health --from-json` when the
    archive is a local directory (an object-store archive keeps no operator files: the warehouse has the health).
    """
    archive = Archive(archive_root)
    validators = FetchLog.latest_validators(archive_root)
    log = FetchLog(archive_root, run_id)
    state_dir = Path(archive_root) / "state"

    async def crawl() -> CrawlOutcome:
        async with Fetcher(settings, archive, log, validators=validators) as fetcher:
            async with BrowserRenderer(fetcher, render) as renderer:
                outcome = await crawl_portals(portals, fetcher, run_id=run_id, memory=memory,
                                              on_portal_done=on_portal_done, renderer=renderer)
                return replace(outcome, rendered_pages=renderer.pages_rendered, render_seconds=renderer.seconds)

    try:
        outcome = asyncio.run(crawl())
    except BaseException:
        with contextlib.suppress(InfrastructureError):   # keep the log if the disk allows; report the crawl's error
            log.close()
        raise
    log.close()
    if not isinstance(archive_root, str) or "://" not in archive_root:
        write_health_json(outcome.health, state_dir / HEALTH_FILE, run_id=run_id)
    return outcome
