"""`gongkai portals list|show|check|health|coverage`: look at the registry and at how portals fared."""
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

HEALTH_JSON = Path("state") / "health.json"   # under the archive root, written by each crawl


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
    show.add_argument("--warehouse", type=Path, default=None,
                      help="published warehouse holding what the nights learned, opened read-only "
                           "(default: $GONGKAI_WAREHOUSE or warehouse/gongkai.duckdb)")
    show.set_defaults(func=cmd_show)

    check = commands.add_parser("check", help="validate the registry; --live also fetches home pages")
    check.add_argument("portal_ids", nargs="*", metavar="ID")
    check.add_argument("--live", action="store_true", help="fetch each home page and report status and platform")
    check.add_argument("--allow-loopback", action="store_true", help="let the live check reach 127.0.0.0/8 (the fixture portal)")
    check.add_argument("--min-delay", type=float, default=1.0, help="seconds between requests to one host (default 1.0)")
    check.set_defaults(func=cmd_check)

    health = commands.add_parser("health", help="latest outcome per portal, worst first")
    source = health.add_mutually_exclusive_group()
    source.add_argument("--warehouse", type=Path, help="DuckDB warehouse with core_portal_health (opened read-only; "
                        "default: $GONGKAI_WAREHOUSE when set)")
    source.add_argument("--from-json", type=Path, help="health file written by a crawl (default: "
                        f"$GONGKAI_DATA_DIR/archive/{HEALTH_JSON}, else the published warehouse)")
    health.add_argument("--limit", type=int, default=None, help="show only the N worst portals")
    health.set_defaults(func=cmd_health)

    coverage = commands.add_parser("coverage", help="verified columns, platform families and reports found, "
                                                    "portals that found none first")
    coverage.add_argument("--warehouse", type=Path, default=None,
                          help="published DuckDB warehouse holding the nights' columns and health, opened read-only "
                               "(default: $GONGKAI_WAREHOUSE or warehouse/gongkai.duckdb)")
    coverage.add_argument("--limit", type=int, default=None, help="list only the N worst portals")
    coverage.set_defaults(func=cmd_coverage)


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
    print(f"{'portal':<20} {'division':<9} {'platform':<8} {'columns':>7}  name  home page")
    for portal in portals:
        print(f"{portal.portal_id:<20} {portal.division_code:<9} {portal.platform or '-':<8} "
              f"{len(portal.report_columns):>7}  {portal.name}  {portal.home_urls[0]}")
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
    for line in learned_lines(portal, args.warehouse):   # commentary on stderr: stdout stays a registry entry
        print(f"# {line}", file=sys.stderr)
    return 0


def learned_lines(portal: Portal, warehouse: Path | None) -> list[str]:
    """What the last published night found for the portal, and the registry change that would make it cheaper."""
    import duckdb

    from pipeline.config import Paths
    from pipeline.warehouse.history import crawl_memory

    warehouse = warehouse or Paths.default().warehouse
    try:
        learned = crawl_memory(warehouse).columns.get(portal.portal_id)
    except duckdb.Error as exc:
        return [f"(cannot read what the nights learned from {warehouse}: {exc})"]
    if learned is None:
        return [f"(no night has read a column of {portal.portal_id} into {warehouse} yet)"]
    lines = [f"last crawl ({learned.run_id}): platform {learned.platform or 'not detected'}; "
             f"working columns: {', '.join(learned.column_urls) or 'none'}"]
    for api in learned.list_apis:
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


def _default_health_source() -> Path:
    """$GONGKAI_WAREHOUSE when set; else the last crawl's health file under $GONGKAI_DATA_DIR; else the warehouse."""
    import os

    from pipeline.config import Paths

    paths = Paths.default()
    if isinstance(paths.archive_root, str):   # an object-store archive holds no health file (see run_crawl)
        return paths.warehouse
    crawl_file = paths.archive_root / HEALTH_JSON
    if os.environ.get("GONGKAI_WAREHOUSE") or (paths.warehouse.exists() and not crawl_file.exists()):
        return paths.warehouse
    return crawl_file


def cmd_health(args: argparse.Namespace) -> int:
    from pipeline.crawl.health import format_health, read_health_json, read_health_warehouse

    try:
        source = args.warehouse or args.from_json or _default_health_source()
        rows = read_health_json(source) if source.suffix == ".json" else read_health_warehouse(source)
    except ValueError as exc:
        print(f"gongkai portals health: {exc}", file=sys.stderr)
        return 1
    print(format_health(rows, limit=args.limit))
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    import duckdb

    from pipeline.config import Paths
    from pipeline.crawl.coverage import format_coverage, portal_coverage
    from pipeline.warehouse.history import published_coverage

    portals = _load(args)
    if portals is None:
        return 1
    warehouse = args.warehouse or Paths.default().warehouse
    if not warehouse.exists():
        print(f"gongkai portals coverage: no published warehouse at {warehouse}; run `gongkai run` (or "
              "`gongkai demo`) first, or pass --warehouse", file=sys.stderr)
        print(format_coverage(portal_coverage(portals, {}, []), limit=args.limit))
        return 0
    try:
        rows = published_coverage(portals, warehouse)
    except (ValueError, duckdb.Error) as exc:
        print(f"gongkai portals coverage: {exc}; is another night still writing it? pass --warehouse "
              "with a published warehouse", file=sys.stderr)
        return 1
    print(format_coverage(rows, limit=args.limit))
    return 0

