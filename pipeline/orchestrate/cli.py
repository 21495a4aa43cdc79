"""`gongkai demo` and `gongkai run` (Dagster is imported only when they run, so other commands start fast)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_INTERRUPTED = 130
EXIT_NIGHT_ALREADY_RUNNING = 75


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="run the whole pipeline offline against gongkai's loopback portals")
    demo.add_argument("--quiet", action="store_true", help="no progress lines")
    demo.set_defaults(func=run_demo_command)

    run = subparsers.add_parser("run", help="materialize the nightly Dagster job once (crawl → publish)")
    run.add_argument("--registry", type=Path, help="portal registry file (default: the one shipped with gongkai)")
    run.add_argument("--data-dir", type=Path, help="archive and stage outputs (default: $GONGKAI_DATA_DIR or ./data)")
    run.add_argument("--warehouse", type=Path, help="published DuckDB file (default: $GONGKAI_WAREHOUSE or warehouse/gongkai.duckdb)")
    run.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                     help="when another night is running on the warehouse, wait up to this long for it (default: exit at once)")
    run.add_argument("--no-render", action="store_true",
                     help="never start headless Chromium: script-shell columns are reported, not read")
    run.add_argument("--quiet", action="store_true", help="no progress lines")
    run.set_defaults(func=run_command)


def run_demo_command(args: argparse.Namespace) -> int:
    from pipeline.orchestrate.demo import DemoLayout, demo_coverage, example_queries, run_demo

    layout = DemoLayout.default()
    result = run_demo(layout, progress=not args.quiet)
    print(result.render())
    if not layout.warehouse.exists():
        print("\nThe demo did not publish a warehouse; see the failed steps above.")
        return 1
    for query, rendered in example_queries(layout.warehouse):
        print(f"\n{query}\n\n{rendered}")
    print(f"\ngongkai portals --registry {layout.registry_path} coverage --warehouse {layout.warehouse}\n")
    print(demo_coverage(layout))
    print(f'\nQuery it yourself: gongkai sql --warehouse {layout.warehouse} "SELECT * FROM out_county_rankings"')
    print(f"Open the dashboard: pip install -e '.[dashboard]' && gongkai dashboard --warehouse {layout.warehouse} "
          f"--data-dir {layout.data_dir}   (then http://127.0.0.1:8501/)")
    return 0 if result.success else 1


def run_command(args: argparse.Namespace) -> int:
    from pipeline.registry.portals import load_portals
    from pipeline.registry.validate import RegistryError

    if args.registry and not args.registry.is_file():
        print(f"gongkai run: no registry file at {args.registry}; pass --registry with an existing file, "
              "or leave it out to use the registry shipped with gongkai", file=sys.stderr)
        return 2
    try:
        load_portals(args.registry)   # a bad registry is one line here, not a Dagster step failure
    except RegistryError as problem:
        print(f"gongkai run: {problem}", file=sys.stderr)
        return 2
    config = {
        key: str(value)
        for key, value in {"registry_path": args.registry, "data_dir": args.data_dir, "warehouse": args.warehouse}.items()
        if value is not None
    }
    if args.no_render:
        config["render"] = False
    return run_night(config, wait_s=args.wait, progress=not args.quiet)


def run_night(resource_config: dict, *, wait_s: float, progress: bool) -> int:
    """One night with the operator's output; the exit code says succeeded (0), failed (1),
    interrupted (130), or not started because another night is running (75, EX_TEMPFAIL)."""
    from pipeline.orchestrate.lock import NightAlreadyRunning
    from pipeline.orchestrate.runner import run_nightly

    try:
        result = run_nightly(resource_config, progress=progress, wait_s=wait_s)
    except NightAlreadyRunning as busy:
        print(f"gongkai: not started: {busy}", file=sys.stderr)
        return EXIT_NIGHT_ALREADY_RUNNING
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM before or after Dagster ran the steps
        print("gongkai: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(result.render())
    if result.interrupted:
        print("gongkai: interrupted; the published warehouse is the last complete night's", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0 if result.success else 1
