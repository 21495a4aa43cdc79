"""`gongkai demo` and `gongkai run` (Dagster is imported only when they run, so other commands start fast)."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="run the whole pipeline offline against gongkai's loopback portals")
    demo.add_argument("--quiet", action="store_true", help="no progress lines")
    demo.set_defaults(func=run_demo_command)

    run = subparsers.add_parser("run", help="materialize the nightly Dagster job once (crawl → publish)")
    run.add_argument("--registry", type=Path, help="portal registry file (default: the one shipped with gongkai)")
    run.add_argument("--data-dir", type=Path, help="archive and stage outputs (default: $GONGKAI_DATA_DIR or ./data)")
    run.add_argument("--warehouse", type=Path, help="published DuckDB file (default: $GONGKAI_WAREHOUSE or warehouse/gongkai.duckdb)")
    run.add_argument("--no-render", action="store_true",
                     help="never start headless Chromium: script-shell columns are reported, not read")
    run.add_argument("--quiet", action="store_true", help="no progress lines")
    run.set_defaults(func=run_command)


def run_demo_command(args: argparse.Namespace) -> int:
    from pipeline.orchestrate.demo import DemoLayout, example_queries, run_demo

    layout = DemoLayout.default()
    result = run_demo(layout, progress=not args.quiet)
    print(result.render())
    if not layout.warehouse.exists():
        print("\nThe demo did not publish a warehouse; see the failed steps above.")
        return 1
    for query, rendered in example_queries(layout.warehouse):
        print(f"\n{query}\n\n{rendered}")
    print(f'\nQuery it yourself: gongkai sql --warehouse {layout.warehouse} "SELECT * FROM out_county_rankings"')
    return 0 if result.success else 1


def run_command(args: argparse.Namespace) -> int:
    from pipeline.orchestrate.runner import run_nightly

    config = {
        key: str(value)
        for key, value in {"registry_path": args.registry, "data_dir": args.data_dir, "warehouse": args.warehouse}.items()
        if value is not None
    }
    if args.no_render:
        config["render"] = False
    result = run_nightly(config, progress=not args.quiet)
    print(result.render())
    return 0 if result.success else 1
