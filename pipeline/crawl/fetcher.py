"""The polite, incremental fetcher every crawl request goes through.

Politeness defaults (``FetchSettings``) and why:
- one request at a time per host (``per_host_concurrency=1``) and at least 1 s, plus up to
  0.5 s of jitter, between the starts of consecutive requests to a host, each start taken when
  the request goes on the wire (Scrapy's DOWNLOAD_DELAY also spaces starts, but stamps them
  before connecting); with one slot per host the next request also waits for the previous one
  to end: county portals run on small shared servers and some WAFs ban bursty clients;
- at most 16 requests in flight overall, so a 3,000-portal night stays a trickle;
- a truthful User-Agent naming the project and a contact URL;
- robots.txt fetched once per host per run and obeyed (see ``robots.py``), Crawl-delay included;
- retries only for transient failures (network errors, timeouts, 408, 429, 5xx), with
  exponential backoff and jitter; a body whose length disagrees with its ``Content-Length``
  (the connection ended or stalled short of it) is re-fetched once, and if it is short again
  the fetch ends as ``truncated``: one more try rarely helps a server that cuts its answers; ``Retry-After`` is honoured and also pauses the
  whole host; a server asking for more than ``max_retry_after_s`` is left alone this run;
- conditional GET (``If-None-Match``/``If-Modified-Since``) from last night's fetch log, so an
  unchanged page costs the portal a 304.

Safety: every hop of every redirect passes the URL guard (``urlguard.py``); bodies are capped
while streaming; anti-bot challenges are reported as ``blocked`` and never archived. Network
and HTTP problems never raise: they come back as a ``FetchResult`` with an outcome and error.
"""
from __future__ import annotations

import asyncio
import random
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urljoin, urlsplit

import httpcore
import httpx

from pipeline.archive.fetchlog import FetchEntry, FetchLog, Validators
from pipeline.archive.store import Archive
from pipeline.crawl.blocking import detect_block
from pipeline.crawl.robots import MAX_ROBOTS_BYTES, RobotsPolicy, policy_from_fetch, robots_url
from pipeline.crawl.settings import FetchSettings
from pipeline.crawl.urlguard import PinnedBackend, URLGuard
from pipeline.registry.model import Politeness

KEPT_HOST_POOLS = 256   # hosts whose idle keep-alive connections stay open; a night reaches thousands
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({408, 429})
_LATIN1_LABELS = frozenset({"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252"})
_GB_LABELS = frozenset({"gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "gb18030"})
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class RawBody:
    """A request body sent as given (a list API's JSON query), instead of form fields."""
    content: bytes
    content_type: str


RequestData = dict | RawBody | None


@dataclass(frozen=True)
class FetchResult:
    """The end of one fetch (after redirects and retries)."""
    url: str
    final_url: str
    status: int | None
    outcome: str
    content_type: str | None = None
    encoding: str | None = None
    sha256: str | None = None
    size: int | None = None
    body: bytes | None = None
    not_modified: bool = False
    error: str | None = None
    retry_count: int = 0
    content_disposition: str | None = None   # names the file a download servlet sends

    @property
    def ok(self) -> bool:
        """True when ``body`` holds the page (freshly fetched or unchanged since last run)."""
        return self.outcome in ("ok", "not_modified")


def normalize_encoding(label: str | None) -> str | None:
    """Lower-cased charset label; every GB label becomes gb18030, the superset that decodes them all."""
    if not label:
        return None
    label = label.strip().lower()
    return "gb18030" if label in _GB_LABELS else label


def detect_encoding(content_type_header: str | None, body: bytes | None) -> str | None:
    """Charset from the Content-Type header, or the page's ``<meta>`` when the header has none or claims Latin-1."""
    header_match = _HEADER_CHARSET.search(content_type_header or "")
    header = normalize_encoding(header_match.group(1)) if header_match else None
    meta = None
    if body and (header is None or header in _LATIN1_LABELS):
        meta_match = _META_CHARSET.search(body[:4096])
        meta = normalize_encoding(meta_match.group(1).decode("ascii", "replace")) if meta_match else None
    return meta or header


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _HostGate:
    """Per-host concurrency limit and minimum spacing between the starts of requests to the host.

    A request's start is stamped when it leaves the gate (holding a slot under the global cap
    too, so queueing for that cap never counts towards the delay) and again when its first byte
    goes on the wire: opening a connection, or the TLS handshake, never eats into the delay the
    host sees between two requests.
    """

    def __init__(self, limit: int, min_delay_s: float, jitter_s: float, rng: random.Random,
                 global_slots: asyncio.Semaphore) -> None:
        self.min_delay_s = min_delay_s
        self._jitter_s = jitter_s
        self._rng = rng
        self._slots = asyncio.Semaphore(limit)
        self._global_slots = global_slots
        self._queue = asyncio.Lock()      # first come, first served among this host's waiters
        self._next_start = 0.0

    async def acquire(self) -> float:
        """Wait for a host slot, the delay since the host's previous start, and a global slot; returns this gap.

        The gap (the delay plus this request's jitter) is what ``sent`` spaces the next start by.
        """
        loop = asyncio.get_running_loop()
        async with self._queue:
            await self._slots.acquire()
            try:
                while True:
                    while (wait := self._next_start - loop.time()) > 0:
                        await asyncio.sleep(wait)
                    await self._global_slots.acquire()
                    if self._next_start <= loop.time():
                        break
                    self._global_slots.release()   # a retry pause pushed the start back meanwhile
            except BaseException:
                self._slots.release()
                raise
            gap = self.min_delay_s + (self._rng.uniform(0, self._jitter_s) if self._jitter_s else 0.0)
            self._next_start = loop.time() + gap
            return gap

    def sent(self, gap: float) -> None:
        """The request is going on the wire now: the host's next request starts ``gap`` later at the earliest."""
        self._next_start = max(self._next_start, asyncio.get_running_loop().time() + gap)

    def release(self, pause_s: float = 0.0) -> None:
        """Free both slots; with ``pause_s`` (a retry's backoff or Retry-After) nothing starts before it has passed."""
        if pause_s:
            self._next_start = max(self._next_start, asyncio.get_running_loop().time() + pause_s)
        self._global_slots.release()
        self._slots.release()


class _HostPools(httpx.AsyncBaseTransport):
    """A keep-alive connection pool per host, the least recently used idle ones closed beyond ``KEPT_HOST_POOLS``.

    httpcore scans every connection of a pool on each request, and a single pool shared by all
    hosts (capped at the global limit) keeps closing one host's idle connection to open another's;
    a pool per host reuses each host's connection at the cost of a scan over that host's alone.
    """

    def __init__(self, backend: httpcore.AsyncNetworkBackend, max_connections: int) -> None:
        self._backend = backend       # connects only to addresses the URL guard vetted
        self._limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections,
                                    keepalive_expiry=30)
        self._ssl_context = httpx.create_ssl_context()   # built once: loading the CA bundle takes milliseconds
        self._pools: OrderedDict[tuple[bytes, bytes], httpx.AsyncHTTPTransport] = OrderedDict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.raw_scheme, request.url.netloc)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = httpx.AsyncHTTPTransport(verify=self._ssl_context, limits=self._limits, retries=0)
            pool._pool._network_backend = self._backend
            await self._close_idle_pools(keep=key)
        else:
            self._pools.move_to_end(key)
        return await pool.handle_async_request(request)

    async def _close_idle_pools(self, keep: tuple[bytes, bytes]) -> None:
        """Close the least recently used pools beyond the limit that have no request in flight (never ``keep``'s)."""
        excess = len(self._pools) - KEPT_HOST_POOLS
        if excess <= 0:
            return
        idle = []
        for key, pool in self._pools.items():   # least recently used first
            if len(idle) == excess or key == keep:
                break
            if all(connection.is_idle() for connection in pool._pool.connections):
                idle.append(key)
        closing = [self._pools.pop(key) for key in idle]   # taken out before any await: no request can pick them up
        for pool in closing:
            await pool.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()


@dataclass
class _Call:
    """One caller's fetch: who asked and under which limits."""
    url: str
    portal_id: str
    purpose: str
    referrer: str | None
    politeness: Politeness | None
    extra_domains: tuple[str, ...]
    max_bytes: int
    retries: int = 0
    refetched_short_body: bool = False


@dataclass
class _Answer:
    """What one HTTP request produced."""
    status: int | None = None
    outcome: str = ""                  # set by _exchange; empty until the answer is classified
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    error: str | None = None
    transient: bool = False
    elapsed_s: float = 0.0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    sha256: str | None = None          # archive key of ``body`` once stored (or of the copy a 304 confirmed)


class Fetcher:
    """Fetches URLs politely over one shared HTTP client; use as ``async with Fetcher(...) as fetcher``."""

    def __init__(
        self,
        settings: FetchSettings,
        archive: Archive,
        log: FetchLog,
        *,
        validators: dict[str, Validators] | None = None,
    ) -> None:
        self.settings = settings
        self.archive = archive
        self.log = log
        self.validators: dict[str, Validators] = dict(validators or {})
        self.guard = URLGuard(settings)
        self._rng = random.Random()
        self._hosts: dict[str, _HostGate] = {}
        self._robots: dict[str, asyncio.Task[RobotsPolicy]] = {}
        self._global: asyncio.Semaphore | None = None
        self._client: httpx.AsyncClient | None = None
        self._archive_writer: ThreadPoolExecutor | None = None

    async def __aenter__(self) -> Fetcher:
        settings = self.settings
        self._client = httpx.AsyncClient(
            transport=_HostPools(PinnedBackend(self.guard), settings.global_concurrency),
            follow_redirects=False,
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_s, read=settings.read_timeout_s,
                write=settings.read_timeout_s, pool=settings.total_timeout_s,
            ),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
            },
        )
        self._global = asyncio.Semaphore(settings.global_concurrency)
        self._archive_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gongkai-archive")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for task in self._robots.values():
            task.cancel()
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        if self._archive_writer is not None:
            self._archive_writer.shutdown(wait=True)   # a cancelled fetch's write still completes
            self._archive_writer = None

    async def fetch(
        self,
        url: str,
        *,
        portal_id: str,
        purpose: str,
        referrer: str | None = None,
        method: str = "GET",
        data: RequestData = None,
        politeness: Politeness | None = None,
        extra_domains: tuple[str, ...] = (),
    ) -> FetchResult:
        """Fetch ``url`` following redirects; the body is archived and returned when the outcome is ok."""
        if self._client is None:
            raise RuntimeError("Fetcher is not open: use it as `async with Fetcher(...) as fetcher`")
        call = _Call(url, portal_id, purpose, referrer, politeness, tuple(extra_domains),
                     MAX_ROBOTS_BYTES if purpose == "robots" else self.settings.max_bytes)
        check_robots = self.settings.obey_robots and purpose != "robots"
        return await self._follow(call, method.upper(), data, check_robots)

    async def _follow(self, call: _Call, method: str, data: RequestData, check_robots: bool) -> FetchResult:
        current = call.url
        seen = {current}
        for hop in range(self.settings.max_redirects + 1):
            verdict = await self.guard.check(current, call.extra_domains)
            if not verdict.allowed:
                return self._refuse(call, current, method, verdict.outcome, verdict.error)
            if check_robots:
                policy = await self._robots_policy(current, call)
                if not policy.allows(current, self.settings.product_token):
                    outcome = policy.refusal_outcome or "robots_disallowed"
                    error = policy.detail if policy.refusal_outcome else \
                        f"robots.txt of {urlsplit(current).netloc} disallows {current}"
                    return self._refuse(call, current, method, outcome, error)
            answer = await self._request_with_retries(call, current, method, data)
            if answer.outcome != "redirect":
                return self._finish(call, current, answer)
            try:
                target = urljoin(current, answer.headers["location"])
            except ValueError as exc:
                return self._refuse(call, current, method, "http_error",
                                    f"redirect to a malformed Location {answer.headers['location']!r}: {exc}",
                                    status=answer.status)
            if target in seen or hop == self.settings.max_redirects:
                why = f"redirect loop: {current} sends back to {target}" if target in seen else \
                    f"more than {self.settings.max_redirects} redirects (the last from {current} to {target})"
                return self._refuse(call, target, method, "redirect_loop", why, status=answer.status)
            seen.add(target)
            if answer.status == 303 or (answer.status in (301, 302) and method == "POST"):
                method, data = "GET", None
            current = target
        raise AssertionError("unreachable: the loop returns on its last hop")

    def _refuse(self, call: _Call, url: str, method: str, outcome: str, error: str,
                status: int | None = None) -> FetchResult:
        """A fetch that stops without a (further) request; logged so the log explains every URL."""
        self._record(call, url, method, _Answer(outcome=outcome, error=error), attempt=1)
        return FetchResult(url=call.url, final_url=url, status=status, outcome=outcome, error=error,
                           retry_count=call.retries)

    def _finish(self, call: _Call, url: str, answer: _Answer) -> FetchResult:
        content_type_header = answer.headers.get("content-type")
        content_type = content_type_header.split(";", 1)[0].strip().lower() if content_type_header else None
        ok = answer.outcome in ("ok", "not_modified")
        body = answer.body if ok else None
        return FetchResult(
            url=call.url, final_url=url, status=answer.status, outcome=answer.outcome,
            content_type=content_type,
            encoding=detect_encoding(content_type_header, body),
            sha256=answer.sha256 if ok else None,
            size=len(body) if body is not None else None,
            body=body, not_modified=answer.outcome == "not_modified",
            error=answer.error, retry_count=call.retries,
            content_disposition=answer.headers.get("content-disposition"),
        )

    async def _request_with_retries(self, call: _Call, url: str, method: str, data: RequestData) -> _Answer:
        attempt = 0
        conditional = True
        while True:
            attempt += 1
            answer = await self._attempt(call, url, method, data, conditional)
            if answer.outcome == "not_modified" and answer.body is None:
                conditional = False   # the archived copy is gone or damaged: ask for the full body again
                self._record(call, url, method, answer, attempt)
                continue
            if answer.outcome == "ok" and answer.body is not None:
                digest = answer.sha256 = await self._store(answer.body)
                if method == "GET" and (answer.headers.get("etag") or answer.headers.get("last-modified")):
                    self.validators[url] = Validators(
                        answer.headers.get("etag"), answer.headers.get("last-modified"), digest,
                        answer.headers.get("content-type"))
            self._record(call, url, method, answer, attempt)
            if not answer.transient:
                return answer
            retry_after = parse_retry_after(answer.headers.get("retry-after"))
            if retry_after is not None and retry_after > self.settings.max_retry_after_s:
                answer.error = (f"{answer.error}; the server asked to wait {retry_after:.0f}s (Retry-After), "
                                f"more than max_retry_after_s={self.settings.max_retry_after_s:.0f}: "
                                "not retried this run")
                return answer
            if call.retries >= self.settings.retries:
                answer.error = f"{answer.error} (gave up after {call.retries} retries)"
                return answer
            if answer.outcome == "truncated":
                if call.refetched_short_body:
                    answer.error = f"{answer.error}; short again after one re-fetch: recorded as truncated"
                    return answer
                call.refetched_short_body = True
            call.retries += 1

    def _backoff_s(self, retries_so_far: int) -> float:
        base = min(self.settings.backoff_max_s, self.settings.backoff_base_s * 2 ** retries_so_far)
        return base + self._rng.uniform(0, self.settings.backoff_base_s)

    async def _attempt(self, call: _Call, url: str, method: str, data: RequestData, conditional: bool) -> _Answer:
        gate = self._gate(url, call.politeness)
        gap = await gate.acquire()

        async def on_wire(event: str, info: dict) -> None:
            if event == "http11.send_request_headers.started":
                gate.sent(gap)

        answer: _Answer | None = None
        try:
            answer = await self._exchange(call, url, method, data, conditional, on_wire)
            return answer
        finally:
            pause = 0.0
            if answer is not None and answer.transient:
                retry_after = parse_retry_after(answer.headers.get("retry-after"))
                pause = max(self._backoff_s(call.retries), min(retry_after or 0.0, self.settings.max_retry_after_s))
            gate.release(pause)

    async def _exchange(self, call: _Call, url: str, method: str, data: RequestData, conditional: bool,
                        on_wire: Callable[[str, dict], Awaitable[None]]) -> _Answer:
        headers: dict[str, str] = {}
        if call.referrer:
            headers["Referer"] = _ascii_url(call.referrer)
        prior = self.validators.get(url) if method == "GET" and conditional else None
        if prior is not None and self.archive.has(prior.sha256):
            if prior.etag:
                headers["If-None-Match"] = prior.etag
            if prior.last_modified:
                headers["If-Modified-Since"] = prior.last_modified
        else:
            prior = None
        answer = _Answer()
        started = time.perf_counter()
        body_started = False
        declared: int | None = None
        received = 0
        form, content = (None, data.content) if isinstance(data, RawBody) else (data, None)
        if isinstance(data, RawBody):
            headers["Content-Type"] = data.content_type
        try:
            request = self._client.build_request(method, url, headers=headers, data=form, content=content,
                                                 extensions={"trace": on_wire})
            async with asyncio.timeout(self.settings.total_timeout_s):
                response = await self._client.send(request, stream=True)
                try:
                    answer.status = response.status_code
                    answer.headers = {k: response.headers[k] for k in _KEPT_HEADERS if k in response.headers}
                    if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                        answer.outcome = "redirect"
                        return answer
                    if response.status_code == 304:
                        return await self._not_modified(answer, prior, url)
                    declared = _content_length(response)
                    if declared is not None and declared > call.max_bytes:
                        return self._too_large(answer, call, declared)
                    chunks: list[bytes] = []
                    body_started = True
                    async for chunk in response.aiter_bytes():
                        received += len(chunk)
                        if received > call.max_bytes:
                            return self._too_large(answer, call, received)
                        chunks.append(chunk)
                    answer.body = b"".join(chunks)
                    received = response.num_bytes_downloaded   # as sent, before Content-Encoding is undone
                    if declared is not None and received != declared:
                        answer.outcome, answer.transient = "truncated", True
                        answer.error = _short_body(received, declared)
                finally:
                    await response.aclose()
        except httpx.InvalidURL as exc:
            answer.outcome, answer.error = "forbidden_host", f"malformed URL {url!r}: {exc}"
        except TimeoutError:
            answer.outcome, answer.transient = "unreachable", True
            answer.error = f"no complete answer within {self.settings.total_timeout_s:g}s"
        except httpx.TimeoutException as exc:
            answer.outcome, answer.transient = "unreachable", True
            answer.error = f"{type(exc).__name__}: timed out talking to {urlsplit(url).netloc}"
            if body_started and declared is not None:   # the server stalled part-way through the body
                answer.outcome = "truncated"
                answer.error = f"{answer.error}; {_short_body(response.num_bytes_downloaded, declared)}"
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.DecodingError) as exc:
            # h11 raises RemoteProtocolError when the connection ends short of Content-Length.
            answer.outcome, answer.transient = ("truncated" if body_started else "unreachable"), True
            answer.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            if body_started and declared is not None:
                answer.error = f"{answer.error}; {_short_body(response.num_bytes_downloaded, declared)}"
        except httpx.TransportError as exc:
            answer.outcome, answer.transient = "unreachable", True
            answer.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        finally:
            answer.elapsed_s = time.perf_counter() - started
        if answer.outcome:  # the request failed part-way
            answer.body = None
            return answer
        return self._classify(answer)

    def _classify(self, answer: _Answer) -> _Answer:
        status = answer.status
        block = detect_block(status, answer.body)
        if block:
            answer.outcome, answer.error, answer.body = "blocked", block, None
        elif 200 <= status < 300:
            answer.outcome = "ok"
        else:
            answer.outcome, answer.body = "http_error", None
            answer.transient = status in TRANSIENT_STATUSES or status >= 500
            answer.error = f"HTTP {status}"
        return answer

    async def _not_modified(self, answer: _Answer, prior: Validators | None, url: str) -> _Answer:
        if prior is None:
            answer.outcome, answer.error = "http_error", "HTTP 304 to a request that was not conditional"
            return answer
        answer.outcome = "not_modified"
        for header, value in (("etag", prior.etag), ("last-modified", prior.last_modified),
                              ("content-type", prior.content_type)):
            if value and header not in answer.headers:   # a 304 may omit headers that still hold
                answer.headers[header] = value
        try:
            answer.body = await asyncio.to_thread(self.archive.get, prior.sha256)
        except (KeyError, ValueError) as exc:
            answer.error = f"304 for {url} but the archived copy is unusable ({exc}); fetching it again"
            return answer
        answer.sha256 = prior.sha256
        return answer

    def _too_large(self, answer: _Answer, call: _Call, size: int) -> _Answer:
        answer.outcome, answer.body = "too_large", None
        answer.error = f"body larger than the {call.max_bytes}-byte limit (at least {size} bytes); discarded"
        return answer

    async def _store(self, body: bytes) -> str:
        """Hash and write the body on the archive thread: directory creation and file writes would stall the loop.

        One thread, not a pool: the writes wait on the file system anyway, and every extra thread
        competing for the GIL delays the event loop's timers (and so each host's next request).
        """
        return await asyncio.get_running_loop().run_in_executor(self._archive_writer, self.archive.put, body)

    def _gate(self, url: str, politeness: Politeness | None) -> _HostGate:
        """The host's gate, created with the politeness of the first fetch that reaches the host."""
        netloc = urlsplit(url).netloc.lower()
        gate = self._hosts.get(netloc)
        if gate is None:
            limit = (politeness and politeness.per_host_concurrency) or self.settings.per_host_concurrency
            delay = self.settings.min_delay_s
            if politeness is not None and politeness.min_delay_s is not None:
                delay = politeness.min_delay_s
            gate = _HostGate(limit, delay, self.settings.jitter_s, self._rng, self._global)
            self._hosts[netloc] = gate
        return gate

    async def _robots_policy(self, url: str, call: _Call) -> RobotsPolicy:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        task = self._robots.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load_robots(url, call))
            self._robots[key] = task
        return await asyncio.shield(task)

    async def _load_robots(self, url: str, call: _Call) -> RobotsPolicy:
        robots_call = _Call(robots_url(url), call.portal_id, "robots", None, call.politeness,
                            call.extra_domains, MAX_ROBOTS_BYTES)
        result = await self._follow(robots_call, "GET", None, check_robots=False)
        policy = policy_from_fetch(result.outcome, result.status, result.body)
        crawl_delay = policy.crawl_delay(self.settings.product_token)
        if crawl_delay is not None:
            gate = self._gate(url, call.politeness)
            gate.min_delay_s = max(gate.min_delay_s, crawl_delay)
        return policy

    def _record(self, call: _Call, url: str, method: str, answer: _Answer, attempt: int) -> None:
        headers = answer.headers
        stored = answer.outcome in ("ok", "not_modified") and answer.body is not None
        self.log.record(FetchEntry(
            url=call.url, final_url=url, method=method, status=answer.status, outcome=answer.outcome,
            portal_id=call.portal_id, purpose=call.purpose, referrer=call.referrer,
            fetched_at=answer.started_at, elapsed_s=answer.elapsed_s, attempt=attempt,
            content_type=headers.get("content-type"), etag=headers.get("etag"),
            last_modified=headers.get("last-modified"), content_length=headers.get("content-length"),
            retry_after=headers.get("retry-after"), location=headers.get("location"),
            encoding=detect_encoding(headers.get("content-type"), answer.body) if stored else None,
            sha256=answer.sha256 if stored else None,
            size=len(answer.body) if stored else None,
            error=answer.error,
        ))


_KEPT_HEADERS = ("content-type", "etag", "last-modified", "content-length", "retry-after", "location",
                 "content-disposition")


def _ascii_url(url: str) -> str:
    """``url`` percent-encoded so it fits in a header (portal links often carry raw Chinese)."""
    try:
        return str(httpx.URL(url))
    except httpx.InvalidURL:
        return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def _short_body(received: int, declared: int) -> str:
    return f"body of {received} bytes where Content-Length declares {declared}"


def _content_length(response: httpx.Response) -> int | None:
    """The declared length of the body as sent (before any Content-Encoding is undone)."""
    try:
        return int(response.headers["content-length"].strip())
    except (KeyError, ValueError):
        return None
