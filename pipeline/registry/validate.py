"""Checks on registry entries, so a bad edit fails on load with a message naming the entry.

The registry is hand-edited: every problem is collected (not just the first) and reported as
`portal <id> (entry N): what is wrong — what to do`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from pipeline.registry.model import Politeness, Portal, ReportColumn

PLATFORMS = ("hanweb", "jpaas", "trs", "gkmlpt", "generic", "hanweb_xxgk", "lonsun", "epoint", "truecms",
             "sitefactory")
PUBLISHER_LEVELS = ("province", "city", "county", "town", "sub-district", "department")
GENERIC_REQUIRED_PARAMS = ("list_selector",)
PORTAL_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
HOSTNAME_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
PORTAL_KEYS = {
    "portal_id", "division_code", "name", "home_urls", "platform", "report_columns",
    "params", "politeness", "extra_domains", "note",
}
COLUMN_KEYS = {"url", "publisher", "publisher_level", "division_code", "note"}


class RegistryError(ValueError):
    """The registry file cannot be used; `problems` lists every bad entry."""

    def __init__(self, source: str, problems: Sequence[str]):
        self.problems = list(problems)
        shown = "\n  ".join(self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(
            f"{source}: {len(self.problems)} problem(s) in the portal registry; fix these entries "
            f"and run `gongkai portals check` again:\n  {shown}{more}"
        )


def site_domain(host: str) -> str:
    """The host without a leading `www.`, so www.x.gov.cn and zwgk.x.gov.cn count as one site."""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def host_belongs_to(host: str, sites: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == site or host.endswith("." + site) for site in sites)


def url_problem(url: Any) -> str | None:
    """Why a URL cannot be fetched, or None when it is a well-formed http(s) URL."""
    if not isinstance(url, str) or not url:
        return "is empty or not text"
    if any(ch.isspace() for ch in url):
        return "contains whitespace"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    try:
        hostname = parts.hostname
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return "has a malformed host or port"
    if not hostname or not HOSTNAME_PATTERN.match(hostname):
        return "has no valid host name"
    return None


def _column_from_entry(raw: Any, where: str, problems: list[str], known_codes: Mapping[str, Any]) -> ReportColumn | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: a report column must be an object with a `url`")
        return None
    unknown = set(raw) - COLUMN_KEYS
    if unknown:
        problems.append(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(COLUMN_KEYS)}")
    bad = url_problem(raw.get("url"))
    if bad:
        problems.append(f"{where}: url {raw.get('url')!r} {bad}")
    level = raw.get("publisher_level")
    if level is not None and level not in PUBLISHER_LEVELS:
        problems.append(f"{where}: publisher_level {level!r} is not one of {', '.join(PUBLISHER_LEVELS)}")
    code = raw.get("division_code")
    if code is not None and str(code) not in known_codes:
        problems.append(f"{where}: division_code {code!r} is not a 2023 division code")
    return ReportColumn(
        url=str(raw.get("url")),
        publisher=raw.get("publisher"),
        publisher_level=level,
        division_code=str(code) if code is not None else None,
    )


def _politeness_from_entry(raw: Any, where: str, problems: list[str]) -> Politeness:
    if raw is None:
        return Politeness()
    if not isinstance(raw, Mapping) or set(raw) - {"per_host_concurrency", "min_delay_s"}:
        problems.append(f"{where}: politeness takes only per_host_concurrency and min_delay_s")
        return Politeness()
    concurrency, delay = raw.get("per_host_concurrency"), raw.get("min_delay_s")
    if concurrency is not None and (not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1):
        problems.append(f"{where}: per_host_concurrency must be a whole number ≥ 1, got {concurrency!r}")
        concurrency = None
    if delay is not None and (not isinstance(delay, (int, float)) or isinstance(delay, bool) or delay < 0):
        problems.append(f"{where}: min_delay_s must be a number of seconds ≥ 0, got {delay!r}")
        delay = None
    return Politeness(per_host_concurrency=concurrency, min_delay_s=float(delay) if delay is not None else None)


def portal_from_entry(
    raw: Any, index: int, known_codes: Mapping[str, Any], problems: list[str]
) -> Portal | None:
    """Build one Portal from its registry entry, appending every problem found to `problems`."""
    if not isinstance(raw, Mapping):
        problems.append(f"entry {index}: each portal must be an object")
        return None
    portal_id = raw.get("portal_id")
    where = f"portal {portal_id!r} (entry {index})"
    before = len(problems)
    if not isinstance(portal_id, str) or not PORTAL_ID_PATTERN.match(portal_id):
        problems.append(f"{where}: portal_id must be 1–64 letters, digits, '.', '_' or '-'")
    unknown = set(raw) - PORTAL_KEYS
    if unknown:
        problems.append(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(PORTAL_KEYS)}")
    code = str(raw.get("division_code", ""))
    if code not in known_codes:
        problems.append(f"{where}: division_code {code!r} is not a 2023 division code (2, 4, 6 or 9 digits)")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: name is missing")
    home_urls = raw.get("home_urls")
    if not isinstance(home_urls, list) or not home_urls:
        problems.append(f"{where}: home_urls must list at least one http(s) URL")
        home_urls = []
    for url in home_urls:
        bad = url_problem(url)
        if bad:
            problems.append(f"{where}: home URL {url!r} {bad}")
    platform = raw.get("platform")
    if platform is not None and platform not in PLATFORMS:
        problems.append(f"{where}: unknown platform {platform!r}; use one of {', '.join(PLATFORMS)} or null to auto-detect")
    params = raw.get("params") or {}
    if not isinstance(params, Mapping) or not all(isinstance(v, str) for v in params.values()):
        problems.append(f"{where}: params must map names to text values")
        params = {}
    if platform == "generic":
        missing = [key for key in GENERIC_REQUIRED_PARAMS if not params.get(key)]
        if missing:
            problems.append(f"{where}: platform 'generic' needs params {missing} (a CSS selector for the listing links)")
    extra_domains = raw.get("extra_domains") or []
    if not isinstance(extra_domains, list) or not all(
        isinstance(d, str) and HOSTNAME_PATTERN.match(d.lower()) for d in extra_domains
    ):
        problems.append(f"{where}: extra_domains must be a list of host names such as 'example.com'")
        extra_domains = []
    politeness = _politeness_from_entry(raw.get("politeness"), where, problems)
    sites = {site_domain(urlsplit(u).hostname or "") for u in home_urls if not url_problem(u)}
    sites |= {d.lower() for d in extra_domains}
    columns = []
    for position, column_raw in enumerate(raw.get("report_columns") or []):
        column = _column_from_entry(column_raw, f"{where} column {position}", problems, known_codes)
        if column is None:
            continue
        host = urlsplit(column.url).hostname or ""
        if sites and not url_problem(column.url) and not host_belongs_to(host, sites):
            problems.append(
                f"{where} column {position}: {column.url} is on a foreign host {host!r}; "
                f"columns must be on the portal's own site ({', '.join(sorted(sites))}) or in extra_domains"
            )
        columns.append(column)
    if len(problems) > before:
        return None
    return Portal(
        portal_id=portal_id,
        division_code=code,
        name=name.strip(),
        home_urls=tuple(home_urls),
        platform=platform,
        report_columns=tuple(columns),
        params=dict(params),
        politeness=politeness,
        extra_domains=tuple(d.lower() for d in extra_domains),
    )


def portals_from_entries(
    entries: Sequence[Any], known_codes: Mapping[str, Any]
) -> tuple[list[Portal], list[str]]:
    """All valid portals and the problems of the invalid ones (duplicate ids included)."""
    problems: list[str] = []
    portals: list[Portal] = []
    first_index: dict[str, int] = {}
    for index, raw in enumerate(entries):
        portal = portal_from_entry(raw, index, known_codes, problems)
        portal_id = raw.get("portal_id") if isinstance(raw, Mapping) else None
        if isinstance(portal_id, str):
            if portal_id in first_index:
                problems.append(
                    f"portal {portal_id!r} (entry {index}): duplicate portal_id, first used by entry "
                    f"{first_index[portal_id]}; give each portal its own id"
                )
                continue
            first_index[portal_id] = index
        if portal is not None:
            portals.append(portal)
    return portals, problems
