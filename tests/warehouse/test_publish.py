"""Readers of the published warehouse are never blocked by a night's load (two real processes)."""
import subprocess
import sys
import textwrap

import duckdb

from pipeline.warehouse import publish as publish_module
from pipeline.warehouse.publish import connect_published
from tests.warehouse.nights import load_and_publish, night, report, standard_reports

READER = textwrap.dedent("""
    import sys, time, duckdb
    path, seconds = sys.argv[1], float(sys.argv[2])
    held = duckdb.connect(path, read_only=True)   # held open through every publish
    held_reports = held.execute("SELECT count(*) FROM core_report").fetchone()[0]
    print("holding", held_reports, flush=True)
    deadline, queries = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        assert held.execute("SELECT count(*) FROM core_report JOIN core_fact_applications USING (report_id)").fetchone()[0] > 0
        queries += 1
        time.sleep(0.01)
    print("done", queries, held.execute("SELECT count(*) FROM core_report").fetchone()[0], flush=True)
""")


def test_reader_holding_published_file_is_never_blocked(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-0", standard_reports()))
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published), "5"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert reader.stdout.readline().split() == ["holding", "4"]
    reports = standard_reports()
    for n in range(1, 4):
        reports.append(report(f"http://www.haiyan.gov.cn/extra/{n}.html", division="330424", publisher="海盐县人民政府",
                              year=2020 + n, received=n, granted=n))
        summary = load_and_publish(published, night(f"night-{n}", reports))
        assert summary.reports_total == 4 + n
        with connect_published(published) as fresh:  # a new connection sees the night just published
            assert fresh.execute("SELECT count(*) FROM core_report").fetchone()[0] == 4 + n
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    done, queries, held_reports = out.split()
    assert done == "done" and int(queries) > 10
    assert held_reports == "4"  # the held connection kept reading its own snapshot, undisturbed


def test_migrations_run_under_the_load_memory_limit(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(publish_module, "migrate", lambda con: seen.append(
        con.execute("SELECT current_setting('memory_limit')").fetchone()[0]))
    publish_module.prepare_working(tmp_path / "gongkai.duckdb", tmp_path / "working.duckdb", 300)
    with duckdb.connect(config={"memory_limit": "300MB"}) as expected:
        assert seen == [expected.execute("SELECT current_setting('memory_limit')").fetchone()[0]]
