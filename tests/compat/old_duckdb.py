"""Open a published warehouse with an old DuckDB and read every view.

BI tools bundle older DuckDB engines (duckdb-engine asks only duckdb>=0.5, so a Superset image or
a pinned environment may carry a 1.x). `.ci/run` runs this
script in a side virtualenv with duckdb==1.1.3 against the demo warehouse; it needs nothing but
duckdb, so it does not import gongkai.

    python tests/compat/old_duckdb.py warehouse/demo.duckdb
"""
from __future__ import annotations

import sys

import duckdb


def main(path: str) -> int:
    con = duckdb.connect(path, read_only=True)
    objects = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
    ).fetchall()
    views = [name for name, kind in objects if kind == "VIEW"]
    tables = [name for name, kind in objects if kind != "VIEW"]
    failures = []
    for name in tables + views:
        try:
            rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            con.execute(f'SELECT * FROM "{name}" LIMIT 5').fetchall()
        except duckdb.Error as problem:
            failures.append(f"{name}: {problem}")
            continue
        if name.startswith(("core_report", "core_fact_applications", "out_facts")) and rows == 0:
            failures.append(f"{name}: no rows (the warehouse under test should be the demo's)")
    print(f"duckdb {duckdb.__version__} read {len(tables)} tables and {len(views)} views of {path}")
    for failure in failures:
        print(f"  FAILED {failure}")
    return 1 if failures or not views else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: old_duckdb.py WAREHOUSE.duckdb")
    sys.exit(main(sys.argv[1]))
