"""`gongkai dashboard`: serve the Streamlit dashboard over the published warehouse."""
from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

INSTALL_HINT = "pip install -e '.[dashboard]'"


def register(subparsers: argparse._SubParsersAction) -> None:
    dashboard = subparsers.add_parser(
        "dashboard", help=f"serve the dashboard (overview, regions, reports, portal health); needs {INSTALL_HINT}")
    dashboard.add_argument("--warehouse", type=Path,
                           help="published DuckDB file (default: $GONGKAI_WAREHOUSE or warehouse/gongkai.duckdb)")
    dashboard.add_argument("--data-dir", type=Path,
                           help="data dir whose archive holds the documents, for the report page's archived copy "
                                "(default: $GONGKAI_DATA_DIR; an archive on object storage is read from $GONGKAI_ARCHIVE_ROOT)")
    dashboard.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    dashboard.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    dashboard.set_defaults(func=run_dashboard)


def run_dashboard(args: argparse.Namespace) -> int:
    from pipeline.config import Paths

    if importlib.util.find_spec("streamlit") is None:
        print(f"gongkai dashboard: Streamlit is not installed; install the extra with {INSTALL_HINT}", file=sys.stderr)
        return 2
    warehouse = (args.warehouse or Paths.default().warehouse).resolve()
    if not warehouse.exists():
        print(f"gongkai dashboard: no published warehouse at {warehouse}; run `gongkai demo` and pass "
              "--warehouse warehouse/demo.duckdb, or `gongkai run`", file=sys.stderr)
        return 2
    env = {**os.environ, "GONGKAI_WAREHOUSE": str(warehouse)}
    if args.data_dir:
        env["GONGKAI_DATA_DIR"] = str(args.data_dir.resolve())
    app = Path(__file__).with_name("app.py")
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
               "--server.address", args.host, "--server.port", str(args.port), "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
    print(f"gongkai dashboard: http://{args.host}:{args.port}/ reading {warehouse} (each new night shows on the next page load)")
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
