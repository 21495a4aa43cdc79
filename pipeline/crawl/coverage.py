"""How much of the registry the crawler can read: verified columns, platform families, reports per portal.

The registry ships what editors know; each night's crawl learns more (the working columns and the
platform it detected, kept in the published warehouse's `core_portal_columns`, never written into
the registry). Coverage puts the two side by side with the last night's health, so the portals
that found nothing come first.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pipeline.crawl.health import severity
from pipeline.crawl.records import PortalColumns, PortalHealth
from pipeline.registry.model import Portal


VERIFYING_OUTCOMES = ("ok", "column_moved")   # the remembered columns answered and listed something


@dataclass(frozen=True)
class PortalCoverage:
    portal_id: str
    division_code: str
    platform: str | None        # the registry's pin, else what a night detected
    platform_source: str        # registry | learned | unknown
    verified_columns: int       # columns last night read reports or sub-columns from (0 when it failed)
    registry_columns: int
    outcome: str | None         # last night's health outcome (None: not crawled)
    reports: int                # documents found last night


def portal_coverage(portals: Iterable[Portal], learned: Mapping[str, PortalColumns],
                    health: Iterable[PortalHealth]) -> list[PortalCoverage]:
    """One row per registry portal, worst first: not crawled, then found none by outcome, then fewest reports."""
    by_portal = {row.portal_id: row for row in health}
    rows = []
    for portal in portals:
        columns = learned.get(portal.portal_id)
        night = by_portal.get(portal.portal_id)
        learned_platform = columns.platform if columns else None
        rows.append(PortalCoverage(
            portal_id=portal.portal_id, division_code=portal.division_code,
            platform=portal.platform or learned_platform,
            platform_source="registry" if portal.platform else "learned" if learned_platform else "unknown",
            verified_columns=len(columns.column_urls) if columns and night and night.outcome in VERIFYING_OUTCOMES else 0,
            registry_columns=len(portal.report_columns),
            outcome=night.outcome if night else None, reports=night.documents_found if night else 0,
        ))
    return sorted(rows, key=lambda r: (r.reports > 0, r.outcome is not None, severity(r.outcome or ""),
                                       r.reports, r.portal_id))


def format_coverage(rows: Sequence[PortalCoverage], *, limit: int | None = None) -> str:
    """Registry totals, platform families, and the portals that found no report last night, worst first."""
    verified = sum(1 for r in rows if r.verified_columns)
    families = Counter(r.platform or "unknown" for r in rows)
    crawled = [r for r in rows if r.outcome is not None]
    none_found = [r for r in rows if r.reports == 0]
    lines = [
        f"{len(rows)} portals in the registry; {verified} with a verified report column "
        f"({sum(1 for r in rows if r.registry_columns)} with a column in the registry)",
        "platform families: " + _counts(families),
        "platform known from: " + _counts(Counter(r.platform_source for r in rows)),
        f"last night: {len(crawled)} portals crawled, {sum(r.reports for r in rows)} reports found, "
        f"{len(none_found)} portals found none",
    ]
    if none_found:
        shown = none_found[:limit] if limit else none_found
        lines.append(f"{'outcome':<18} {'portal':<24} {'division':<10} {'platform':<10} {'columns':>7}")
        for row in shown:
            lines.append(f"{row.outcome or 'not crawled':<18} {row.portal_id:<24} {row.division_code:<10} "
                         f"{row.platform or '?':<10} {row.verified_columns:>7}")
        if limit and len(none_found) > limit:
            lines.append(f"… {len(none_found) - limit} more")
    return "\n".join(lines)


def _counts(counter: Counter) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counter.items(), key=lambda item: (-item[1], item[0])))
