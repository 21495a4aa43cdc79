"""National scale: memory, load time, file size and view latency of the parse-output → load → publish path.

    .venv/bin/python benchmarks/scale.py                      # 5,000 reports (a minute or two)
    .venv/bin/python benchmarks/scale.py --reports 50000      # a province's worth
    .venv/bin/python benchmarks/scale.py --reports 300000     # the nation (target: peak RSS <= 4 GB)

No crawl runs. The documents a crawl would have found are made up: each is a placeholder blob
in the archive whose parse is already in the parse cache, built from real parses of reports
rendered by pipeline.fixtures.documents (both templates, ~200 cells each) with their counts
varied per document and their region set to a county or town of the shipped registry. Then
each night runs the real parse stage (cache joins, or parsing for changed documents), the load
and the publish in a child process whose peak RSS is read from its rusage:

  first       the warehouse is empty
  unchanged   the same documents again: nothing may be re-parsed, and the load should be quick
  change N    `--change` of the documents (1%) replaced by new real text reports, parsed now
  fresh       the final night's parts loaded into an empty warehouse: the size an incremental
              history should stay near

Afterwards every out_* view is timed for one county, one province and a national ranking (the median
of three runs); `--time-views WAREHOUSE` times them alone on a kept warehouse.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import polars as pl

BATCH = 500
POOL = 64


def night_config(data_dir: Path, warehouse: Path):
    from pipeline.config import Paths
    from pipeline.orchestrate.stages import NightConfig

    memory = {"load_memory_mb": int(os.environ["SCALE_LOAD_MEMORY_MB"])} if os.environ.get("SCALE_LOAD_MEMORY_MB") else {}
    return NightConfig(paths=Paths(data_dir=data_dir, warehouse=warehouse), parse_batch_size=BATCH, parse_workers=2,
                       **memory)


# the made-up crawl ------------------------------------------------------------------------

def parsed_pool() -> list:
    """Real parses of rendered reports, both templates: the cell sets synthetic documents reuse."""
    from pipeline.extract.parse import parse_document
    from pipeline.fixtures.documents import render_text, sample_report

    pool = []
    for seed in range(POOL):
        meta, values = sample_report("2019" if seed % 2 else "2021", seed=seed)
        pool.append(parse_document(render_text(meta, values).encode(), source=f"pool-{seed}.txt"))
    return pool


def publishers(count: int) -> pl.DataFrame:
    """`count` publishers: a third county governments, the rest towns, spread over the registry."""
    from pipeline.registry import regions_frame

    regions = regions_frame().select("division_code", "name", "level")
    counties = regions.filter(pl.col("level") == "county").sample(fraction=1.0, shuffle=True, seed=1)
    towns = regions.filter(pl.col("level") == "town").sample(fraction=1.0, shuffle=True, seed=2)
    chosen = [counties.row(i % counties.height) if i % 3 == 0 else towns.row(i % towns.height) for i in range(count)]
    return pl.DataFrame(chosen, schema=["division_code", "name", "level"], orient="row")


def make_crawl(data_dir: Path, count: int) -> None:
    """Archive placeholders, seed the parse cache with their parses, write the crawl stage's files."""
    from pipeline.archive import Archive
    from pipeline.orchestrate.stages import COLUMNS_SCHEMA, CRAWL_DOCUMENT_SCHEMA, HEALTH_SCHEMA, parser_version
    from pipeline.report.parse_cache import ParseCache
    from pipeline.report.parse_output import PARSE_KEY, ParseOutput

    archive = Archive(data_dir / "archive")
    cache = ParseCache(data_dir / "parse-cache", parser_version())
    pool = ParseOutput.of((str(index), report) for index, report in enumerate(parsed_pool()))
    who = publishers(count)
    fetched = datetime(2025, 2, 1, 3, 0)
    documents = []
    for start in range(0, count, BATCH):
        batch = who.slice(start, BATCH).with_row_index("n", offset=start)
        keys = [archive.put(f"synthetic report {n}".encode()) for n in batch["n"]]
        batch = batch.with_columns(pl.Series(PARSE_KEY, keys), (pl.col("n") % POOL).cast(pl.Utf8).alias("pool"))
        cache.add(synthetic_parses(batch, pool))
        documents.append(batch.select(
            pl.col("n"), pl.col(PARSE_KEY).alias("sha256"), ("p-" + pl.col("division_code").str.slice(0, 6)).alias("portal_id"),
            pl.col("division_code"), (pl.col("name") + "人民政府").alias("publisher"), pl.col("level").alias("publisher_level"),
        ))
    crawl = pl.concat(documents).with_columns(
        ("http://www.gov.cn/" + pl.col("portal_id") + "/report-" + pl.col("n").cast(pl.Utf8) + ".html").alias("url"),
        pl.lit(None, pl.Utf8).alias("listing_url"), (pl.col("publisher") + "政府信息公开工作年度报告").alias("title"),
        pl.lit(None, pl.Int32).alias("title_year"), pl.lit("text/plain").alias("content_type"),
        pl.lit(1000, pl.Int64).alias("size_bytes"), pl.lit(fetched).alias("fetched_at"),
        pl.lit(False).alias("not_modified"), pl.lit(None, pl.Utf8).alias("filename"),
        pl.lit([], pl.List(pl.Utf8)).alias("continuation_sha256"),
    ).select(list(CRAWL_DOCUMENT_SCHEMA)).cast(CRAWL_DOCUMENT_SCHEMA)
    stage = data_dir / "stages" / "crawl" / "national"   # one stage folder for all provinces
    stage.mkdir(parents=True, exist_ok=True)
    crawl.write_parquet(stage / "documents.parquet")
    crawl.group_by("portal_id").len().select(
        "portal_id", pl.col("portal_id").str.slice(2).alias("division_code"), pl.lit("ok").alias("outcome"), pl.lit("").alias("detail"),
        pl.lit(3).alias("pages_fetched"), pl.col("len").alias("documents_found"), pl.lit(0).alias("documents_new"),
        pl.lit(fetched).alias("checked_at"), pl.lit(0).alias("rendered_pages"),
    ).cast(HEALTH_SCHEMA).write_parquet(stage / "health.parquet")
    pl.DataFrame(schema=COLUMNS_SCHEMA).write_parquet(stage / "columns.parquet")


def synthetic_parses(batch: pl.DataFrame, pool) -> object:
    """The pool's parses under the batch's keys, with the batch's regions and counts varied per document."""
    from pipeline.report.parse_output import PARSE_KEY, ParseOutput

    keys = batch.select(PARSE_KEY, "pool", "name")
    documents = keys.join(pool.documents.rename({PARSE_KEY: "pool"}), on="pool").with_columns(
        pl.col("name").alias("meta_region"), (pl.col("name") + "人民政府").alias("meta_publisher"),
    ).select(pool.documents.columns)
    varied = (pl.col(PARSE_KEY).hash() % 7).cast(pl.Float64)
    cells = keys.join(pool.cells.rename({PARSE_KEY: "pool"}), on="pool").with_columns(
        pl.when(pl.col("unit") == "count").then(pl.col("value") + varied).otherwise(pl.col("value")).alias("value"),
    ).select(pool.cells.columns)
    checks = keys.join(pool.checks.rename({PARSE_KEY: "pool"}), on="pool").select(pool.checks.columns)
    return ParseOutput(documents, cells, checks)


def change_documents(data_dir: Path, fraction: float, night: int) -> int:
    """Replace `fraction` of the documents with new real text reports, as if their portals had revised them."""
    from pipeline.archive import Archive
    from pipeline.fixtures.documents import render_text, sample_report

    path = data_dir / "stages" / "crawl" / "national" / "documents.parquet"
    crawl = pl.read_parquet(path)
    rng = random.Random(night)
    rows = rng.sample(range(crawl.height), max(1, round(crawl.height * fraction)))
    archive = Archive(data_dir / "archive")
    shas = crawl["sha256"].to_list()
    for row in rows:
        meta, values = sample_report("2021", seed=night * 10_000_000 + row)
        shas[row] = archive.put(render_text(meta, values).encode())
    crawl.with_columns(pl.Series("sha256", shas)).write_parquet(path)
    return len(rows)


# a night in a child process -------------------------------------------------------------

def child(data_dir: Path, warehouse: Path, run_id: str, parse: bool) -> dict:
    from pipeline.orchestrate import stages

    config = night_config(data_dir, warehouse)
    result = {"parsed": 0, "from_cache": 0, "parse_s": 0.0}
    started = time.perf_counter()
    if parse:
        summary = stages.parse(config)
        result.update(parsed=summary.parsed, from_cache=summary.from_cache, parse_s=time.perf_counter() - started)
    started = time.perf_counter()
    load = stages.load_warehouse(config, run_id)
    result.update(load_s=time.perf_counter() - started, reports_loaded=load.reports_loaded, facts=load.facts_total)
    started = time.perf_counter()
    stages.publish_warehouse(config, run_id)
    result["publish_s"] = time.perf_counter() - started
    return result


def run_child(data_dir: Path, warehouse: Path, run_id: str, *, parse: bool = True) -> dict:
    """One night in a fresh process; its peak RSS (and its parse workers') from the kernel's rusage."""
    command = [sys.executable, __file__, "--child", str(data_dir), "--warehouse", str(warehouse), "--run-id", run_id]
    if not parse:
        command.append("--no-parse")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"night {run_id} failed ({process.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    result["file_mb"] = warehouse.stat().st_size / 2**20
    return result


# view latency ---------------------------------------------------------------------------

def view_latencies(warehouse: Path) -> list[tuple[str, float, float, float, int]]:
    """(view, county s, province s, national ranking s, province rows) for every out_* view, on the published file."""
    from pipeline.warehouse.publish import connect_published

    with connect_published(warehouse) as con:
        county, province = con.execute(
            "SELECT left(division_code, 6), left(division_code, 2) FROM core_report "
            "GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchone()
        views = [name for (name,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'out\\_%' ESCAPE '\\' ORDER BY 1").fetchall()]
        timings = []
        for view in views:
            columns = [name for (name,) in con.execute(f'SELECT column_name FROM (DESCRIBE "{view}")').fetchall()]
            (county_s, _), (province_s, province_rows), (national_s, _) = (_timed(con, query, {"code": code}) for query, code in (
                (_regional_query(view, columns, "county_code", 6), county),
                (_regional_query(view, columns, "province_code", 2), province),
                (_ranking_query(view, columns), None)))
            timings.append((view, county_s, province_s, national_s, province_rows))
    return timings


def print_view_latencies(warehouse: Path) -> None:
    print(f"\n{'view':<36} {'county ms':>10} {'province ms':>12} {'national ms':>12} {'province rows':>14}")
    for view, county, province, national, province_rows in view_latencies(warehouse):
        print(f"{view:<36} {county * 1000:>10.1f} {province * 1000:>12.1f} {national * 1000:>12.1f} {province_rows:>14}")


def _regional_query(view: str, columns: list[str], code_column: str, length: int) -> str:
    """The view's rows for one region: by its own region column, else through its reports' region."""
    if code_column in columns:
        return f'SELECT * FROM "{view}" WHERE {code_column} = $code'
    if "division_code" in columns:
        return f'SELECT * FROM "{view}" WHERE left(division_code, {length}) = $code'
    if "report_id" in columns:
        return (f'SELECT v.* FROM "{view}" v JOIN core_report r USING (report_id) '
                f'WHERE left(r.division_code, {length}) = $code')
    return f'SELECT * FROM "{view}"'


def _ranking_query(view: str, columns: list[str]) -> str:
    """The view's top 20 nationally, by its rank or its first count."""
    order = next((c for c in columns if c == "national_rank"), None)
    if order:
        return f'SELECT * FROM "{view}" ORDER BY national_rank LIMIT 20'
    measure = next((c for c in columns if c.endswith("_count")), columns[0])
    return f'SELECT * FROM "{view}" ORDER BY "{measure}" DESC NULLS LAST LIMIT 20'


def _timed(con, query: str, params: dict, runs: int = 3) -> tuple[float, int]:
    """(median seconds of `runs`, rows) to answer the query as Arrow, the way a notebook or dashboard reads a result.

    Python tuples would time the driver instead: one province of out_facts is ~14 rows a report.
    The median of three runs is what an analyst repeating a question sees, one cold outlier aside.
    """
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = con.sql(query, params={k: v for k, v in params.items() if f"${k}" in query}).to_arrow_table().num_rows
        seconds.append(time.perf_counter() - started)
    return sorted(seconds)[runs // 2], rows


# the table ------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--nights", type=int, default=7, help="nights of change after the unchanged one")
    parser.add_argument("--change", type=float, default=0.01, help="share of documents changed each such night")
    parser.add_argument("--workdir", type=Path, help="kept afterwards; default a temporary directory")
    parser.add_argument("--load-memory-mb", type=int, help="DuckDB's memory limit for the loads (NightConfig's default)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--run-id", help=argparse.SUPPRESS)
    parser.add_argument("--no-parse", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--time-views", type=Path, metavar="WAREHOUSE",
                        help="only time the out_* views of an existing warehouse (e.g. a kept --workdir's gongkai.duckdb)")
    args = parser.parse_args()
    if args.time_views:
        print_view_latencies(args.time_views)
        return 0
    if args.child:
        print(json.dumps(child(args.child, args.warehouse, args.run_id, parse=not args.no_parse)))
        return 0
    if args.load_memory_mb:
        os.environ["SCALE_LOAD_MEMORY_MB"] = str(args.load_memory_mb)   # the night children read it
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gongkai-scale-"))
    data_dir, warehouse = workdir / "data", workdir / "gongkai.duckdb"
    started = time.perf_counter()
    make_crawl(data_dir, args.reports)
    print(f"{args.reports} synthetic documents made in {time.perf_counter() - started:.0f} s ({workdir})", flush=True)
    rows = [("first", run_child(data_dir, warehouse, "first"))]
    rows.append(("unchanged", run_child(data_dir, warehouse, "unchanged")))
    print(_table(rows), flush=True)
    for night in range(1, args.nights + 1):
        changed = change_documents(data_dir, args.change, night)
        rows.append((f"change {night} ({changed})", run_child(data_dir, warehouse, f"change-{night}")))
        print(_table(rows[-1:], header=False), flush=True)
    rows.append(("fresh", run_child(data_dir, workdir / "fresh.duckdb", "fresh", parse=False)))
    print()
    print(_table(rows))
    print(f"\nincremental file after {args.nights} changed nights: {rows[-2][1]['file_mb']:.1f} MB; "
          f"fresh load of the same final data: {rows[-1][1]['file_mb']:.1f} MB")
    print_view_latencies(warehouse)
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _table(rows: list[tuple[str, dict]], header: bool = True) -> str:
    lines = [f"{'night':<18} {'parsed':>7} {'cached':>8} {'parse s':>8} {'load s':>7} {'publish s':>9} "
             f"{'loaded':>8} {'peak RSS MB':>11} {'file MB':>8}"] if header else []
    lines += [f"{name:<18} {r['parsed']:>7} {r['from_cache']:>8} {r['parse_s']:>8.1f} {r['load_s']:>7.1f} "
              f"{r['publish_s']:>9.1f} {r['reports_loaded']:>8} {r['peak_rss_mb']:>11.0f} {r['file_mb']:>8.1f}"
              for name, r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
