"""Portal health for the operator: worst outcomes first, and the JSON file a crawl leaves behind.

The order says what needs a person soonest: a portal we cannot reach at all loses every report,
a blocked one needs a different approach, a moved column was already re-found but should be
recorded in the registry.
"""
from __future__ import annotations

import fcntl
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from pipeline.crawl.records import PortalHealth

# The same order as out_portal_health_latest.severity_rank in the warehouse.
OUTCOME_ORDER = (
    "unreachable", "blocked", "http_error", "robots_disallowed", "parse_error", "column_moved", "no_reports", "ok",
)
HEALTH_FIELDS = ("portal_id", "division_code", "outcome", "detail", "pages_fetched", "documents_found", "documents_new", "checked_at")


def severity(outcome: str) -> int:
    """0 for the worst outcome; unknown outcomes sort with the worst so they are never hidden."""
    return OUTCOME_ORDER.index(outcome) if outcome in OUTCOME_ORDER else -1


def worst_first(rows: Iterable[PortalHealth]) -> list[PortalHealth]:
    return sorted(rows, key=lambda row: (severity(row.outcome), -row.documents_found, row.portal_id))


def summary_line(rows: Sequence[PortalHealth]) -> str:
    counts = Counter(row.outcome for row in rows)
    parts = [f"{counts[outcome]} {outcome}" for outcome in sorted(counts, key=severity)]
    return f"{len(rows)} portals: " + ", ".join(parts) if rows else "no portal outcomes recorded"


def format_health(rows: Sequence[PortalHealth], *, limit: int | None = None) -> str:
    """A fixed-width table, worst first, ending with a one-line summary."""
    ordered = worst_first(rows)
    shown = ordered[:limit] if limit else ordered
    lines = [f"{'outcome':<18} {'portal':<22} {'division':<10} {'pages':>5} {'docs':>5} {'new':>4}  detail"]
    for row in shown:
        lines.append(
            f"{row.outcome:<18} {row.portal_id:<22} {row.division_code:<10} {row.pages_fetched:>5} "
            f"{row.documents_found:>5} {row.documents_new:>4}  {row.detail}"
        )
    if limit and len(ordered) > limit:
        lines.append(f"… {len(ordered) - limit} more")
    lines.append(summary_line(rows))
    return "\n".join(lines)


def write_health_json(rows: Sequence[PortalHealth], path: Path, *, run_id: str) -> None:
    """Write a run's outcomes atomically (the operator may be reading the previous file).

    Province runs crawl at the same time and each knows only its own portals, so the file is
    merged under a lock: tonight's rows replace those portals' rows, other portals keep their last.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)   # the lock is the directory's, so no lock file is left behind
    try:
        fcntl.flock(directory, fcntl.LOCK_EX)
        tonight = {row.portal_id for row in rows}
        kept = [row for row in _readable_health(path) if row.portal_id not in tonight]
        document = {
            "run_id": run_id,
            "health": [{**asdict(row), "checked_at": row.checked_at.isoformat()} for row in [*kept, *rows]],
        }
        temporary = path.with_suffix(path.suffix + ".tmp")
        try:
            temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    finally:
        os.close(directory)


def _readable_health(path: Path) -> list[PortalHealth]:
    """The rows an earlier run left, or none when there is no file or it cannot be read."""
    try:
        return read_health_json(path)
    except ValueError:
        return []


def read_health_json(path: Path) -> list[PortalHealth]:
    """Outcomes from a crawl's health file; raises ValueError saying what is wrong with it."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        return [
            PortalHealth(**{**{key: row[key] for key in HEALTH_FIELDS}, "checked_at": datetime.fromisoformat(row["checked_at"])})
            for row in document["health"]
        ]
    except FileNotFoundError:
        raise ValueError(f"{path}: no such health file; a crawl writes one to <archive>/state/health.json") from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: not a crawl health file ({exc})") from None


def read_health_warehouse(path: Path) -> list[PortalHealth]:
    """Each portal's latest outcome from the warehouse's core_portal_health table, opened read-only."""
    import duckdb

    if not Path(path).exists():
        raise ValueError(f"{path}: no such warehouse file")
    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            rows = connection.execute(
                f"select {', '.join(HEALTH_FIELDS)} from core_portal_health "
                "qualify row_number() over (partition by portal_id order by checked_at desc, run_id desc) = 1"
            ).fetchall()
    except duckdb.Error as exc:
        raise ValueError(f"{path}: cannot read core_portal_health ({exc})") from None
    return [PortalHealth(*row) for row in rows]
