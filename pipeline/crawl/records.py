"""Records the crawl stage hands downstream (archive → extract → warehouse)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

PortalOutcome = Literal[
    "ok",               # column found, reports listed (or nothing new)
    "no_reports",       # column found but no report entries where some were expected
    "blocked",          # anti-bot challenge (412 $_ts, 521 __jsl, script stub)
    "unreachable",      # DNS/connect/timeout failures after retries
    "http_error",       # 4xx/5xx after retries
    "column_moved",     # the recorded report column no longer answers; re-discovery needed/done
    "robots_disallowed",
    "parse_error",      # pages fetched but the adapter could not read them
]


@dataclass(frozen=True)
class DocumentRecord:
    """One candidate report document found on a portal and stored in the archive."""
    portal_id: str              # registry id of the portal
    division_code: str          # the portal's region (county) code
    publisher: str | None       # publisher named by the column/listing, e.g. 通元镇人民政府
    publisher_level: str | None
    title: str | None           # listing or article title
    title_year: int | None      # year read from the title, if any
    url: str                    # final URL the bytes came from
    listing_url: str | None     # the page that linked to it
    sha256: str                 # archive key of the body
    content_type: str | None
    filename: str | None
    size_bytes: int
    fetched_at: datetime
    continuation_sha256: tuple[str, ...] = ()   # archived later pages of a split article (t…_1.html …), in order
    not_modified: bool = False  # the portal answered 304: content type, size and fetch time are last seen's


@dataclass(frozen=True)
class PortalHealth:
    portal_id: str
    division_code: str
    outcome: PortalOutcome
    detail: str
    pages_fetched: int
    documents_found: int
    documents_new: int
    checked_at: datetime
    rendered_pages: int = 0     # column pages read in headless Chromium (script shells no adapter reads)


@dataclass(frozen=True)
class PortalColumns:
    """The report columns a portal was read from, for the next night to re-read first."""
    portal_id: str
    column_urls: tuple[str, ...]
    registry_column_urls: tuple[str, ...]   # the registry's columns then: an editor's change wins over them
    platform: str | None
    run_id: str
    list_apis: tuple[str, ...] = ()   # list requests a rendered column's scripts made: material for an adapter


@dataclass(frozen=True)
class CrawlMemory:
    """What the last published night knew: each portal's columns and the documents already held.

    It comes from the published warehouse, never from an earlier crawl's files, so a night that
    failed before publishing does not become the next night's memory: its new documents still
    count as new, and a column that moved is still reported as moved.
    """
    columns: dict[str, PortalColumns] = field(default_factory=dict)
    known_sha256: frozenset[str] = frozenset()


@dataclass
class CrawlOutcome:
    """What one night's crawl produced: every document seen (unchanged ones too) and one health row per portal."""
    documents: list[DocumentRecord]
    health: list[PortalHealth]
    requests: int           # fetches made (each may include fetcher-level retries)
    not_modified: int       # conditional requests answered 304
    bytes_downloaded: int   # body bytes actually transferred (304s excluded)
    columns: list[PortalColumns] = field(default_factory=list)   # where each portal's reports were found tonight
    rendered_pages: int = 0         # column pages read in headless Chromium
    render_seconds: float = 0.0     # wall time spent rendering them (browser start included)
