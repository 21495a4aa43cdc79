import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta


import duckdb
import polars as pl
import pytest

from pipeline.warehouse import sqlfiles
from pipeline.warehouse.publish import connect_published
from tests.warehouse.nights import load_and_publish, night, report, standard_reports

FACT_QUERY = """
SELECT 'applications' AS family, report_id, row_key, col_key, value, raw_text, flags FROM core_fact_applications
UNION ALL SELECT 'procurement', report_id, row_key, col_key, value, raw_text, flags FROM core_fact_procurement
UNION ALL SELECT 'review_litigation', report_id, row_key, col_key, value, raw_text, flags FROM core_fact_review_litigation
ORDER BY ALL
"""


def snapshot(published):
    with connect_published(published) as con:
        return {
            "facts": con.execute(FACT_QUERY).fetchall(),
            "reports": con.execute("SELECT report_id, document_sha256, report_year FROM core_report ORDER BY ALL").fetchall(),
            "checks": con.execute("SELECT report_id, check_name, ok FROM core_report_check ORDER BY ALL").fetchall(),
        }


def test_reloading_a_night_changes_nothing(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    first = load_and_publish(published, night("night-1", standard_reports()))
    before = snapshot(published)
    second = load_and_publish(published, night("night-1", standard_reports()))
    assert first.reports_loaded == 4 and second.reports_loaded == 0
    assert snapshot(published) == before
    assert first.facts_total == second.facts_total == 25


def test_changed_report_replaces_its_rows(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    changed = standard_reports()
    changed[1] = report("http://www.haiyan.gov.cn/a/2020.html", division="330424", publisher="海盐县人民政府", year=2020,
                        received=15, granted=15, sha="f" * 64)
    summary = load_and_publish(published, night("night-2", changed))
    assert summary.reports_loaded == 1
    with connect_published(published) as con:
        rows = con.execute("""
            SELECT f.value FROM core_fact_applications f JOIN core_report r USING (report_id)
            WHERE r.source_url = 'http://www.haiyan.gov.cn/a/2020.html' AND row_key = 'new_received' AND col_key = 'total'
        """).fetchall()
        assert rows == [(15.0,)]
        assert con.execute("SELECT count(*) FROM core_report").fetchone()[0] == 4


def test_same_document_under_two_urls_is_one_report(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    twins = [
        report("http://www.haiyan.gov.cn/a/copy-b.html", division="330424", publisher="海盐县人民政府", year=2019, received=1, granted=1, sha="a" * 64),
        report("http://www.haiyan.gov.cn/a/copy-a.html", division="330424", publisher="海盐县人民政府", year=2019, received=1, granted=1, sha="a" * 64),
    ]
    load_and_publish(published, night("night-1", twins))
    load_and_publish(published, night("night-2", list(reversed(twins))))
    with connect_published(published) as con:
        assert con.execute("SELECT source_url FROM core_report").fetchall() == [("http://www.haiyan.gov.cn/a/copy-a.html",)]


def test_facts_keep_raw_text_flags_units_and_provenance(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    with connect_published(published) as con:
        amount = con.execute("SELECT value, unit, raw_text, locator FROM core_fact_procurement LIMIT 1").fetchone()
        assert amount == (3879510.0, "yuan", "387.951万元", "table 1, row 4")
        uncertain = con.execute("SELECT row_key, is_uncertain FROM core_fact_applications WHERE is_uncertain").fetchall()
        assert uncertain == [("denied_state_secret", True)]
        assert con.execute("SELECT uncertain_cells_count FROM core_report WHERE uncertain_cells_count > 0").fetchall() == [(1,)]


def test_exception_midway_leaves_published_warehouse_unchanged(tmp_path, monkeypatch):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    before = snapshot(published)
    grown = standard_reports() + [report("http://www.zeku.gov.cn/nb/2019.html", division="632323", publisher="泽库县人民政府",
                                         year=2019, received=5, granted=5)]
    real_execute = sqlfiles.execute
    fact_statements = iter(range(100))

    def fail_after_half_the_facts(con, statement, params):
        if statement.startswith("INSERT INTO core_fact_") and next(fact_statements) == 3:
            raise RuntimeError("simulated crash after half the facts")
        return real_execute(con, statement, params)

    monkeypatch.setattr(sqlfiles, "execute", fail_after_half_the_facts)
    with pytest.raises(RuntimeError, match="simulated crash"):
        load_and_publish(published, night("night-2", grown))
    assert snapshot(published) == before
    monkeypatch.setattr(sqlfiles, "execute", real_execute)
    summary = load_and_publish(published, night("night-2", grown))
    assert summary.reports_loaded == 1 and summary.reports_total == 5
    assert len(snapshot(published)["reports"]) == 5


KILLED_LOADER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipeline.warehouse import sqlfiles
    from tests.warehouse.nights import load_and_publish, night, report, standard_reports

    real_execute = sqlfiles.execute
    seen = []

    def hang_after_half_the_facts(con, statement, params):
        if statement.startswith("INSERT INTO core_fact_"):
            seen.append(statement)
            if len(seen) == 4:
                print("halfway", flush=True)
                time.sleep(600)
        return real_execute(con, statement, params)

    sqlfiles.execute = hang_after_half_the_facts
    extra = report("http://www.zeku.gov.cn/nb/2019.html", division="632323", publisher="泽库县人民政府", year=2019, received=5, granted=5)
    load_and_publish(Path(sys.argv[1]), night("night-2", standard_reports() + [extra]))
""")


def test_process_killed_midway_leaves_published_warehouse_unchanged(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    before = snapshot(published)
    loader = subprocess.Popen([sys.executable, "-c", KILLED_LOADER, str(published)], stdout=subprocess.PIPE, text=True,
                              cwd=os.getcwd())
    try:
        assert loader.stdout.readline().strip() == "halfway"
        loader.send_signal(signal.SIGKILL)
        loader.wait(timeout=30)
    finally:
        if loader.poll() is None:
            loader.kill()
    assert snapshot(published) == before
    grown = standard_reports() + [report("http://www.zeku.gov.cn/nb/2019.html", division="632323", publisher="泽库县人民政府",
                                         year=2019, received=5, granted=5)]
    summary = load_and_publish(published, night("night-2", grown))
    assert summary.reports_total == 5


def test_published_file_is_written_for_duckdb_1_1_storage(tmp_path):
    """DuckDB 1.0 cannot read the primary-key indexes of files written by DuckDB >= 1.5 whatever the
    setting, so 1.1 is the honest minimum; tests/compat/old_duckdb.py opens it with 1.1.3 in CI."""
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    with duckdb.connect(str(published), read_only=True) as con:
        tags = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = 'gongkai'").fetchone()[0]
    assert tags["storage_version"].startswith("v1.0.0")   # the storage format DuckDB 1.0 and 1.1 share


def test_partial_reports_keep_their_completeness_and_stay_out_of_the_aggregates(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    reports = standard_reports()
    _, cut = reports[1]   # 海盐县 2020: received 14, granted 12, so its balance check fails
    cut.status, cut.completeness, cut.missing_rows, cut.notes = (
        "partial", 0.25, ["applications.granted"], ["truncated"])
    cut.error = "partial: 1 of 34 template rows not read (applications: granted); the document ends inside its tables"
    for _, whole in (reports[0], reports[2], reports[3]):
        whole.completeness = 1.0
    load_and_publish(published, night("night-1", reports))
    with connect_published(published) as con:
        kept = con.execute("SELECT parse_status, completeness, parse_notes, parse_error FROM core_report "
                           "WHERE source_url = 'http://www.haiyan.gov.cn/a/2020.html'").fetchone()
        assert kept == ("partial", 0.25, ["truncated"], cut.error)
        assert con.execute("SELECT count(*) FROM out_report_region").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM out_applications_by_region_year WHERE report_year = 2020 "
                           "AND division_code = '330424'").fetchone()[0] == 0, "the partial report is not summed"
        listed = con.execute("SELECT source_url, completeness, partial_reason FROM out_partial_reports").fetchall()
        assert listed == [("http://www.haiyan.gov.cn/a/2020.html", 0.25, cut.error)]
        failing = dict(con.execute("SELECT source_url, parse_status FROM out_reports_failing_checks").fetchall())
        assert failing["http://www.haiyan.gov.cn/a/2020.html"] == "partial"
        assert failing["http://www.zeku.gov.cn/nb/2020.html"] == "ok"



def test_a_province_not_crawled_tonight_keeps_one_health_row_per_crawl(tmp_path):
    """The load reads every province's latest crawl; one not crawled again is not recorded again."""
    zhejiang = report("http://www.haiyan.gov.cn/nb/2021.html", division="330424", publisher="海盐县人民政府", year=2021,
                      received=3, granted=3)
    qinghai = report("http://www.zeku.gov.cn/nb/2021.html", division="632323", publisher="泽库县人民政府", year=2021,
                     received=5, granted=5)
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", [zhejiang, qinghai]))
    tonight = night("night-2", [zhejiang, qinghai])
    recrawled = pl.col("portal_id") == "p-330424"
    health = tonight.health.with_columns(
        pl.when(recrawled).then(pl.col("checked_at") + timedelta(days=1)).otherwise(pl.col("checked_at")).alias("checked_at"))
    for _ in range(2):   # the night run twice
        load_and_publish(published, dataclasses.replace(tonight, health=health))
    with connect_published(published) as con:
        rows = con.execute("SELECT portal_id, run_id FROM core_portal_health ORDER BY ALL").fetchall()
    assert rows == [("p-330424", "night-1"), ("p-330424", "night-2"), ("p-632323", "night-1")]
