"""`gongkai parse [--format jsonl|table] FILE...`: read local documents into the report contract.

jsonl prints one JSON object per file (the shared contract), table a readable grid per table
with flags and the check results. Documents are parsed by `isolate.parse_many` (a worker process
with a time and memory limit), so a pathological file cannot hang or kill the command. A file
that cannot be read still gets its line (or block) and the command goes on with the next file;
the exit status is 1 when any file failed (a `partial` report was read: it is no failure).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.extract.isolate import parse_many
from pipeline.report.contract import cells_for_template
from pipeline.report.model import READ_STATUSES, ParsedReport


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "parse", help="read local report documents (html, pdf, docx, doc, text…) into contract cells",
        description="Read annual-report documents and print their cells, metadata and checks. Each document "
                    "is parsed in a worker process under a time and memory limit.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="documents to parse")
    parser.add_argument("--format", choices=("jsonl", "table"), default="jsonl",
                        help="jsonl: one JSON object per file (the contract); table: a grid per table for people")
    parser.add_argument("--timeout", type=float, default=60, metavar="SECONDS",
                        help="stop parsing a document after this long (default 60)")
    parser.add_argument("--memory-mb", type=int, default=2048, metavar="MB",
                        help="memory limit of the parser process (default 2048)")
    parser.add_argument("--workers", type=int, default=1, help="documents parsed in parallel (default 1)")
    parser.set_defaults(func=run_parse)


def run_parse(args: argparse.Namespace) -> int:
    failures = 0
    items = [(path, Path(path), Path(path).name, None) for path in args.files]
    for report in parse_many(items, timeout_s=args.timeout, memory_mb=args.memory_mb, workers=args.workers):
        failures += report.status not in READ_STATUSES
        if args.format == "jsonl":
            sys.stdout.write(json.dumps(report.to_contract(), ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(render_table(report) + "\n")
        sys.stdout.flush()
    return 1 if failures else 0


def render_table(report: ParsedReport) -> str:
    """A person-readable rendering: metadata, one grid per table (values, `?` for uncertain), checks."""
    if report.status not in READ_STATUSES:
        return f"== {report.source}\n   {report.status}: {report.error}\n"
    meta = report.meta
    lines = [
        f"== {report.source}",
        f"   {meta.title or '(no title)'}",
        f"   region {meta.region or '-'} · publisher {meta.publisher or '-'} · year {meta.year or '-'} · "
        f"template {meta.template} · level {meta.level or '-'} · format {report.format} · read by {report.parse_route}",
        f"   {report.status} · completeness {report.completeness:.0%}" + (f" · {report.error}" if report.error else ""),
    ]
    by_key = {(c["table"], c["row"], c["col"]): c for c in report.cells.iter_rows(named=True)}
    specs = cells_for_template(meta.template)
    for table in dict.fromkeys(s.table for s in specs):
        table_specs = [s for s in specs if s.table == table]
        columns = list(dict.fromkeys(s.col for s in table_specs))
        rows = list(dict.fromkeys(s.row for s in table_specs))
        width = min(max(len(c) for c in columns), 12) + 2
        lines.append(f"\n   [{table}]")
        lines.append("   " + " " * 34 + "".join(c[:width - 1].rjust(width) for c in columns))
        for row in rows:
            rendered = []
            for col in columns:
                cell = by_key.get((table, row, col))
                rendered.append(_render_cell(cell).rjust(width))
            lines.append("   " + row[:33].ljust(34) + "".join(rendered))
    flagged = [c for c in report.cells.iter_rows(named=True) if c["flags"]]
    if flagged:
        lines.append("\n   flags:")
        for c in flagged:
            lines.append(f"     {c['table']}.{c['row']}.{c['col']}: {c['raw']!r} {','.join(c['flags'])} ({c['locator']})")
    lines.append("\n   checks:" if report.checks.height else "\n   checks: none applicable")
    for c in report.checks.iter_rows(named=True):
        where = ".".join(x for x in (c["row"], c["col"]) if x)
        lines.append(f"     {'ok  ' if c['ok'] else 'FAIL'} {c['check']} {where}: {c['detail']}")
    return "\n".join(lines)


def _render_cell(cell: dict | None) -> str:
    if cell is None or cell["value"] is None:
        return "?" if cell is not None and "uncertain" in (cell["flags"] or []) else "·"
    value = cell["value"]
    text = str(int(value)) if float(value).is_integer() else f"{value:g}"
    return text + ("?" if "uncertain" in (cell["flags"] or []) else "")
