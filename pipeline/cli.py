"""The `gongkai` command. Each stage registers its own subcommands; this module only composes them."""
from __future__ import annotations

import argparse
import importlib
import sys

from pipeline.errors import InfrastructureError

# Modules exposing register(subparsers): each adds its subcommands with set_defaults(func=...).
COMMAND_MODULES = (
    "pipeline.orchestrate.cli",   # demo, run
    "pipeline.extract.cli",       # parse
    "pipeline.registry.cli",      # portals list|show|check|health
    "pipeline.fixtures.cli",      # serve-fixtures
    "pipeline.warehouse.cli",     # sql, export
    "pipeline.dashboard.cli",     # dashboard
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gongkai",
        description="Open pipeline for 政府信息公开工作年度报告: crawl, archive, extract, warehouse.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except InfrastructureError as exc:   # the machine, not the input: say what to fix, no traceback
        print(f"gongkai: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("gongkai: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
