"""The offline demo end to end: loopback portals → crawl → archive → parse → warehouse → publish."""
import pytest

from pipeline.cli import main
from pipeline.orchestrate.demo import DemoLayout, demo_coverage, example_queries, run_demo
from pipeline.warehouse.publish import connect_published

pytestmark = pytest.mark.integration

FACT_TABLES = ("applications", "regulations", "licensing", "enforcement", "fees", "procurement", "review_litigation")


def fact_tables(warehouse):
    with connect_published(warehouse) as con:
        return {
            family: con.execute(
                f"SELECT r.source_url, f.row_key, f.col_key, f.value, f.raw_text, f.flags "
                f"FROM core_fact_{family} f JOIN core_report r USING (report_id) ORDER BY ALL"
            ).fetchall()
            for family in FACT_TABLES
        }


def test_demo_publishes_a_warehouse_and_twice_gives_identical_facts(tmp_path, dagster_home, capsys):
    layout = DemoLayout(directory=tmp_path / "demo", warehouse=tmp_path / "demo.duckdb")
    first = run_demo(layout, progress=False)
    assert first.success, first.render()
    facts_first = fact_tables(layout.warehouse)
    with connect_published(layout.warehouse) as con:
        regions, reports, ok_reports = con.execute(
            "SELECT (SELECT count(*) FROM core_region), (SELECT count(*) FROM core_report), "
            "(SELECT count(*) FROM core_report WHERE parse_status = 'ok')").fetchone()
        outcomes = dict(con.execute("SELECT outcome, count(*) FROM core_portal_health GROUP BY ALL").fetchall())
    assert regions > 40000 and reports > 0 and ok_reports > 0
    assert sum(len(rows) for rows in facts_first.values()) > 500
    assert outcomes.get("ok", 0) >= 4 and set(outcomes) - {"ok"}, outcomes

    second = run_demo(layout, progress=False)
    assert second.success, second.render()
    assert fact_tables(layout.warehouse) == facts_first
    assert (second.reports, second.facts) == (first.reports, first.facts)

    assert [query for query, _ in example_queries(layout.warehouse)]
    coverage = demo_coverage(layout).splitlines()
    with connect_published(layout.warehouse) as con:
        portals, found_none = con.execute(
            "SELECT count(*), count(*) FILTER (documents_found = 0) FROM out_portal_health_latest").fetchone()
    assert coverage[0].startswith(f"{portals} portals in the registry; ")
    assert coverage[3].endswith(f"{found_none} portals found none") and len(coverage) == 5 + found_none
    code = main(["sql", "--warehouse", str(layout.warehouse),
                 "SELECT province_name, sum(new_received_count) AS received FROM out_applications_by_region_year "
                 "GROUP BY province_name ORDER BY received DESC"])
    assert code == 0
    out = capsys.readouterr().out
    assert "province_name" in out and "rows)" in out
