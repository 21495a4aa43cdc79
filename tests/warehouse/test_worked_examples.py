"""The five worked examples of warehouse/README.md, run on the demo warehouse and checked against
the core tables they summarize."""
from decimal import Decimal
from pathlib import Path

import pytest

import gongkai
from pipeline.warehouse import dictionary, sqlfiles
from tests.demo_warehouse import demo_layout

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def con():
    with gongkai.connect(demo_layout().warehouse) as connection:
        yield connection


def run(con, name, **params):
    return con.sql(sqlfiles.query_text(f"queries/{name}"), params=params).pl() if params else con.sql(
        sqlfiles.query_text(f"queries/{name}")).pl()


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def test_examples_are_in_the_data_dictionary():
    examples = [p.name for p in sqlfiles.list_files("queries") if p.name.startswith("example_")]
    text = dictionary.render()
    assert len(examples) == 5 and all(f"sql/queries/{name}" in text for name in examples)


def test_denied_share_by_county(con):
    province, year = rows(con, "SELECT province_name, report_year FROM out_county_rankings GROUP BY ALL "
                               "ORDER BY count(*) DESC, report_year LIMIT 1")[0]
    result = run(con, "example_01_denied_share_by_county.sql", province=province, year=year)
    assert result.height >= 3
    expected = dict(rows(con, """
        SELECT rr.county_name, sum(a.denied_count) FILTER (WHERE a.total_processed_count > 0)
                              / sum(a.total_processed_count) FILTER (WHERE a.total_processed_count > 0)
        FROM core_report r JOIN core_region g ON g.division_code = r.division_code
        JOIN out_report_region rr USING (report_id) JOIN out_applications_by_report a USING (report_id)
        WHERE rr.province_name = ? AND r.report_year = ? AND r.parse_status = 'ok' GROUP BY rr.county_name""", [province, year]))
    for county, share in zip(result["county_name"], result["denied_share"]):
        assert share == pytest.approx(expected[county], abs=5e-5)
    shares = [s for s in result["denied_share"] if s is not None]
    assert shares == sorted(shares, reverse=True)


def test_county_year_over_year(con):
    province = rows(con, "SELECT province_name FROM out_county_year_over_year GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0][0]
    result = run(con, "example_02_county_year_over_year.sql", province=province)
    assert result.height >= 2
    for row in result.iter_rows(named=True):
        if row["same_publishers_count"]:
            assert row["new_received_change_count"] == row["new_received_count"] - row["prior_new_received_count"]
        assert row["coverage_note"]


def test_failing_checks_and_why(con):
    result = run(con, "example_03_failing_checks_and_why.sql")
    assert result.height == rows(con, "SELECT sum(failed_checks_count) FROM core_report")[0][0] > 0
    assert all(label for label in result["col_label"])   # Chinese column labels from the warehouse
    assert all(detail for detail in result["detail"])


def test_procurement_totals_by_region(con):
    result = run(con, "example_04_procurement_totals_by_region.sql")
    amount = rows(con, "SELECT sum(value) FROM core_fact_procurement f JOIN out_report_region USING (report_id) "
                       "WHERE col_key = 'amount_yuan' AND NOT is_uncertain")[0][0]
    projects = rows(con, "SELECT sum(value) FROM core_fact_procurement f JOIN out_report_region USING (report_id) "
                         "WHERE col_key = 'projects' AND NOT is_uncertain")[0][0]
    assert float(sum(result["amount_yuan"])) == pytest.approx(amount)
    assert sum(result["projects_count"]) == projects
    assert isinstance(result["amount_yuan"][0], Decimal)


def test_trace_a_fact_to_its_source(con):
    report_id, raw = rows(con, "SELECT report_id, raw_text FROM core_fact_procurement WHERE col_key = 'amount_yuan' "
                               "ORDER BY report_id LIMIT 1")[0]
    result = run(con, "example_05_trace_a_fact.sql", report_id=report_id, family="procurement",
                 row_key="centralized_procurement", col_key="amount_yuan")
    assert result.height == 1
    fact = result.row(0, named=True)
    assert fact["raw_text"] == raw and fact["locator"] and fact["source_url"].startswith("http://127.")
    assert fact["source_unit"] in raw or fact["source_unit"] == "万元"
    archived = Path(demo_layout().data_dir) / fact["archived_copy"]
    assert archived.is_file()
