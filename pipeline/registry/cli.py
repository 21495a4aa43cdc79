"""`gongkai portals list|show|check|health`: look at the registry and at how portals fared."""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

from pipeline.registry.model import Portal
from pipeline.registry.portals import PORTALS_FILE, load_portals, portal_entry, registry_version
from pipeline.registry.regions import load_regions
from pipeline.registry.validate import PLATFORMS, RegistryError

DEFAULT_HEALTH_JSON = Path("archive/state/health.json")


def register(subparsers: argparse._SubParsersAction) -> None:
    portals = subparsers.add_parser("portals", help="list, show, check the portal registry; show portal health")
    portals.add_argument("--registry", type=Path, default=None, help=f"registry file (default: the shipped {PORTALS_FILE.name})")
    commands = portals.add_subparsers(dest="portals_command", metavar="SUBCOMMAND")
    portals.set_defaults(func=lambda args: (portals.print_help(), 2)[1])

    listing = commands.add_parser("list", help="one line per portal")
    listing.add_argument("--province", help="province name (浙江, 浙江省) or 2-digit code")
    listing.add_argument("--platform", help=f"one of {', '.join(PLATFORMS)}, or 'none' for auto-detect")
    listing.set_defaults(func=cmd_list)

    show = commands.add_parser("show", help="one portal's full entry, and what the last crawl learned of it")
    show.add_argument("portal_id")
    show.add_argument("--data-dir", type=Path, default=None,
                      help="where the crawl keeps its state (default: $GONGKAI_DATA_DIR or ./data)")
    show.set_defaults(func=cmd_show)

    check = commands.add_parser("check", help="validate the registry; --live also fetches home pages")
    check.add_argument("portal_ids", nargs="*", metavar="ID")
    check.add_argument("--live", action="store_true", help="fetch each home page and report status and platform")
    check.add_argument("--allow-loopback", action="store_true", help="let the live check reach 127.0.0.0/8 (the fixture portal)")
    check.add_argument("--min-delay", type=float, default=1.0, help="seconds between requests to one host (default 1.0)")
    check.set_defaults(func=cmd_check)

    health = commands.add_parser("health", help="latest outcome per portal, worst first")
    source = health.add_mutually_exclusive_group()
    source.add_argument("--warehouse", type=Path, help="DuckDB warehouse with core_portal_health (opened read-only)")
    source.add_argument("--from-json", type=Path, help=f"health file written by a crawl (default: {DEFAULT_HEALTH_JSON})")
    health.add_argument("--limit", type=int, default=None, help="show only the N worst portals")
    health.set_defaults(func=cmd_health)


def _load(args: argparse.Namespace) -> list[Portal] | None:
    try:
        return load_portals(args.registry)
    except RegistryError as exc:
        print(f"gongkai portals: {exc}", file=sys.stderr)
        return None


def _province_code(value: str) -> str | None:
    if value.isdigit():
        return value[:2]
    for region in load_regions():
        if region.level == "province" and region.name.startswith(value):
            return region.code
    return None


def cmd_list(args: argparse.Namespace) -> int:
    portals = _load(args)
    if portals is None:
        return 1
    if args.province:
        code = _province_code(args.province)
        if code is None:
            print(f"gongkai portals list: no province named {args.province!r}; use a name like 浙江 or a code like 33", file=sys.stderr)
            return 2
        portals = [p for p in portals if p.division_code.startswith(code)]
    if args.platform:
        wanted = None if args.platform == "none" else args.platform
        portals = [p for p in portals if p.platform == wanted]
    for portal in portals:
        print(f"{portal.portal_id:<20} {portal.division_code:<9} {portal.platform or '-':<7} "
              f"{len(portal.report_columns):>2} {portal.name}  {portal.home_urls[0]}")
    print(f"{len(portals)} portal(s)", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    portals = _load(args)
    if portals is None:
        return 1
    portal = next((p for p in portals if p.portal_id == args.portal_id), None)
    if portal is None:
        print(f"gongkai portals show: no portal {args.portal_id!r}; `gongkai portals list` shows the ids", file=sys.stderr)
        return 1
    print(json.dumps(portal_entry(portal), ensure_ascii=False, indent=2))
    for line in learned_lines(portal, args.data_dir):
        print(line)
    return 0


def learned_lines(portal: Portal, data_dir: Path | None) -> list[str]:
    """What the last crawl found for the portal, and the registry change that would make it cheaper."""
    from pipeline.config import Paths
    from pipeline.crawl.crawler import COLUMNS_FILE, load_column_state

    archive_root = (data_dir / "archive") if data_dir else Paths.default().archive_root
    learned = load_column_state(archive_root / "state").get(portal.portal_id)
    if not learned:
        return [f"(no crawl state for {portal.portal_id} under {archive_root / 'state' / COLUMNS_FILE})"]
    lines = [f"last crawl ({learned.get('run_id', '?')}): platform {learned.get('platform') or 'not detected'}; "
             f"working columns: {', '.join(learned.get('columns', [])) or 'none'}"]
    for api in learned.get("list_apis", []):
        lines.append(f"its report list was read by rendering the page in a browser; the list comes from {api}. "
                     "Suggested: an adapter for this list API, or pin the column in the registry with its platform, "
                     "so nights read it without a browser.")
    return lines


def cmd_check(args: argparse.Namespace) -> int:
    portals = _load(args)
    if portals is None:
        return 1
    if args.portal_ids:
        unknown = sorted(set(args.portal_ids) - {p.portal_id for p in portals})
        if unknown:
            print(f"gongkai portals check: unknown portal id(s) {', '.join(unknown)}", file=sys.stderr)
            return 1
        portals = [p for p in portals if p.portal_id in set(args.portal_ids)]
    print(f"registry {registry_version(args.registry)}: {len(portals)} portal(s) valid")
    if not args.live:
        return 0
    from pipeline.crawl.settings import FetchSettings

    # A quick look, not a crawl: one retry, short backoff.
    settings = FetchSettings(min_delay_s=args.min_delay, jitter_s=0.0, allow_loopback=args.allow_loopback,
                             retries=1, backoff_base_s=0.5, connect_timeout_s=5, read_timeout_s=15)
    rows = asyncio.run(_live_check(portals, settings))
    failed = 0
    for portal_id, url, outcome, status, platform in rows:
        failed += outcome not in ("ok", "not_modified")
        print(f"{portal_id:<20} {outcome:<18} {status if status is not None else '-':>4} {platform or '-':<7} {url}")
    print(f"{len(rows) - failed}/{len(rows)} home pages answered")
    return 0 if failed == 0 else 1


async def _live_check(portals: list[Portal], settings) -> list[tuple[str, str, str, int | None, str | None]]:
    """Each portal's first answering home page (else its last failure), fetched politely into a scratch archive."""
    from pipeline.archive import Archive, FetchLog
    from pipeline.crawl.discovery import decode_page
    from pipeline.crawl.fetcher import Fetcher
    from pipeline.crawl.platforms import detect_platform

    with tempfile.TemporaryDirectory(prefix="gongkai-check-") as scratch:
        log = FetchLog(scratch, "portals-check")
        async with Fetcher(settings, Archive(scratch), log) as fetcher:
            async def one(portal: Portal):
                result = None
                for url in portal.home_urls:
                    result = await fetcher.fetch(url, portal_id=portal.portal_id, purpose="home",
                                                 politeness=portal.politeness, extra_domains=portal.extra_domains)
                    if result.ok:
                        break
                assert result is not None
                platform = detect_platform(decode_page(result.body, result.content_type), result.final_url) if result.ok and result.body else None
                return portal.portal_id, result.final_url, result.outcome, result.status, platform

            return list(await asyncio.gather(*(one(portal) for portal in portals)))


def cmd_health(args: argparse.Namespace) -> int:
    from pipeline.crawl.health import format_health, read_health_json, read_health_warehouse

    try:
        if args.warehouse:
            rows = read_health_warehouse(args.warehouse)
        else:
            rows = read_health_json(args.from_json or DEFAULT_HEALTH_JSON)
    except ValueError as exc:
        print(f"gongkai portals health: {exc}", file=sys.stderr)
        return 1
    print(format_health(rows, limit=args.limit))
    return 0
