"""`gongkai sql`, `gongkai export` and `gongkai warehouse-docs`: the analyst's side of the warehouse."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from pipeline.config import Paths
from pipeline.warehouse import console, dictionary, sqlfiles
from pipeline.warehouse.publish import connect_published


def register(subparsers: argparse._SubParsersAction) -> None:
    sql = subparsers.add_parser("sql", help="run a read-only SQL query on the published warehouse and print the result")
    sql.add_argument("query", help='e.g. "SELECT * FROM out_county_rankings LIMIT 10"')
    sql.add_argument("--warehouse", type=Path, help="published DuckDB file (default: $GONGKAI_WAREHOUSE or warehouse/gongkai.duckdb)")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table",
                     help="table: aligned text for people (default); csv: with a header row; json: one JSON object per line")
    sql.add_argument("--max-rows", type=int, default=100, help="rows shown in table format (default 100)")
    sql.add_argument("--allow-read", type=Path, action="append", default=[], metavar="FILE",
                     help="a local CSV or Parquet file the query may read, e.g. to join with the warehouse "
                          "(repeat for more files; no other file can be read or written)")
    sql.set_defaults(func=run_sql)

    export = subparsers.add_parser("export", help="write every table and view of the published warehouse to files")
    export.add_argument("directory", type=Path, help="folder to write <table or view>.parquet files into")
    export.add_argument("--format", choices=("parquet",), default="parquet",
                        help="file format; parquet (the only one) keeps types, BIGINT counts and DECIMAL yuan included")
    export.add_argument("--warehouse", type=Path, help="published DuckDB file (default: $GONGKAI_WAREHOUSE or warehouse/gongkai.duckdb)")
    export.set_defaults(func=run_export)

    docs = subparsers.add_parser("warehouse-docs", help="regenerate warehouse/README.md (the data dictionary) from the schema comments")
    docs.set_defaults(func=lambda args: print(dictionary.write()) or 0)


def _warehouse(args: argparse.Namespace) -> Path:
    return (args.warehouse or Paths.default().warehouse).resolve()


def run_sql(args: argparse.Namespace) -> int:
    """One read-only query; see pipeline.warehouse.console for what is refused and how."""
    try:
        query = console.check_query(args.query)
        allowed = console.readable_files(args.allow_read)
    except console.Refused as problem:
        print(f"gongkai sql: {problem}", file=sys.stderr)
        return 1
    try:
        con = console.connect_console(_warehouse(args), allowed)
    except (FileNotFoundError, duckdb.Error) as problem:
        print(f"gongkai sql: {problem}", file=sys.stderr)
        return 2
    with con:
        try:
            frame = con.sql(query).pl()
        except duckdb.PermissionException as problem:
            print(f"gongkai sql: {problem} (the console reads only the warehouse and the files named with --allow-read)",
                  file=sys.stderr)
            return 1
        except duckdb.Error as problem:
            print(f"gongkai sql: {problem}", file=sys.stderr)
            return 1
    if args.format == "csv":
        sys.stdout.write(frame.write_csv())
    elif args.format == "json":
        sys.stdout.write(frame.write_ndjson())
    else:
        print(format_table(frame, max_rows=args.max_rows))
    return 0


def format_table(frame, *, max_rows: int) -> str:
    """A plain grid that lines up Chinese text (wide characters count double)."""
    shown = frame.head(max_rows)
    header = list(shown.columns)
    rows = [["" if v is None else _cell(v) for v in row] for row in shown.iter_rows()]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    line = "  ".join
    out = [line(_pad(h, w) for h, w in zip(header, widths)), line("-" * w for w in widths)]
    out += [line(_pad(v, w) for v, w in zip(r, widths)) for r in rows]
    out.append(f"({frame.height} row{'s' if frame.height != 1 else ''}{f', {max_rows} shown' if frame.height > max_rows else ''})")
    return "\n".join(out)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def run_export(args: argparse.Namespace) -> int:
    try:
        con = connect_published(_warehouse(args))
    except FileNotFoundError as problem:
        print(f"gongkai export: {problem}", file=sys.stderr)
        return 2
    args.directory.mkdir(parents=True, exist_ok=True)
    with con:
        objects = con.execute(sqlfiles.query_text("queries/dictionary_objects.sql")).fetchall()
        for name, kind, _ in objects:
            relation = con.table(name) if kind == "table" else con.view(name)
            target = args.directory / f"{name}.parquet"
            relation.write_parquet(str(target))
            print(f"{kind:5} {name:40} → {target}")
    return 0
