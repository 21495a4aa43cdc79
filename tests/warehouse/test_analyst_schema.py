"""The analyst schema (migration 0008): typed counts and money, units as printed, Chinese labels,
wide views, coverage beside trends and rankings, like-for-like county year over year."""
from decimal import Decimal

from pipeline.report.contract import CELLS
from pipeline.warehouse.publish import connect_published
from tests.warehouse.nights import load_and_publish, night, report, standard_reports


def published_standard(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    return published


def column_types(con, view):
    return dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?", [view]).fetchall())


def test_counts_are_bigint_and_money_is_decimal_yuan_with_the_printed_unit(tmp_path):
    with connect_published(published_standard(tmp_path)) as con:
        money = con.execute(
            "SELECT amount_yuan, count_value, source_unit, raw_text FROM out_facts WHERE family = 'procurement' "
            "AND col_key = 'amount_yuan' ORDER BY report_id LIMIT 1").fetchone()
        assert money == (Decimal("3879510.00"), None, "万元", "387.951万元")
        stored_unit = con.execute("SELECT DISTINCT source_unit FROM core_fact_procurement").fetchall()
        assert stored_unit == [("万元",)]
        counts_total = con.execute("SELECT sum(count_value) FROM out_facts WHERE unit = 'count' AND family = 'applications' "
                                   "AND row_key = 'new_received' AND col_key = 'total'").fetchone()[0]
        assert counts_total == 10 + 14 + 3 + 887
        facts = column_types(con, "out_facts")
        assert facts["count_value"] == "BIGINT" and facts["amount_yuan"].startswith("DECIMAL")
        for view in ("out_applications_by_report", "out_applications_by_region_year", "out_county_rankings",
                     "out_applications_by_province_year", "out_county_year_over_year"):
            types = column_types(con, view)
            counts = {name: kind for name, kind in types.items() if name.endswith("_count")}
            assert counts and set(counts.values()) == {"BIGINT"}, (view, counts)
        procurement = column_types(con, "out_procurement_by_region_year")
        assert procurement["procurement_amount_yuan"].startswith("DECIMAL") and procurement["procurement_projects_count"] == "BIGINT"


def test_template_labels_are_in_the_warehouse(tmp_path):
    with connect_published(published_standard(tmp_path)) as con:
        assert con.execute("SELECT count(*) FROM core_cell").fetchone()[0] == len(CELLS)
        spec = next(c for c in CELLS if (c.template, c.table, c.row, c.col) == ("2019", "applications", "new_received", "natural_person"))
        assert con.execute(
            "SELECT row_label, col_label FROM out_facts WHERE row_key = 'new_received' AND col_key = 'natural_person' LIMIT 1"
        ).fetchone() == (spec.row_label, spec.col_label)
        assert con.execute("SELECT row_label, row_order FROM core_row_label WHERE template = '2019' AND table_name = 'applications' "
                           "AND row_key = 'new_received'").fetchone() == (spec.row_label, 1)
        assert con.execute("SELECT col_label FROM core_col_label WHERE template = '2019' AND table_name = 'applications' "
                           "AND col_key = 'natural_person'").fetchone() == (spec.col_label,)


def test_wide_views_have_one_row_per_report(tmp_path):
    with connect_published(published_standard(tmp_path)) as con:
        rows = con.execute("SELECT count(*), count(DISTINCT report_id), sum(new_received_natural_person_count) "
                           "FROM out_applications_by_applicant").fetchone()
        assert rows == (4, 4, 10 + 14 + 3 + 887)
        assert con.execute("SELECT centralized_procurement_amount_yuan, centralized_procurement_amount_source_unit "
                           "FROM out_procurement_by_report LIMIT 1").fetchone() == (Decimal("3879510.00"), "万元")
        for view in ("out_regulations_by_report", "out_licensing_by_report", "out_enforcement_by_report",
                     "out_fees_by_report", "out_review_litigation_by_report"):
            con.execute(f"SELECT * FROM {view}").fetchall()


def test_county_year_over_year_compares_the_same_publishers_and_says_coverage_changed(tmp_path):
    with connect_published(published_standard(tmp_path)) as con:
        row = con.execute(
            "SELECT prior_report_year, same_publishers_count, new_received_count, prior_new_received_count, "
            "all_prior_publishers_new_received_count, coverage_changed, coverage_note "
            "FROM out_county_year_over_year WHERE county_code = '330424' AND report_year = 2020").fetchone()
    assert row[:6] == (2019, 1, 14, 10, 13, True)   # the town reported only in 2019: 14 vs 10, not 14 vs 13
    assert "1 no longer reporting" in row[6]


def test_same_publishers_both_years_is_said_plainly(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    pairs = [report(f"http://x.gov.cn/{y}.html", division="330424", publisher="海盐县人民政府", year=y, received=r, granted=r)
             for y, r in ((2021, 5), (2022, 8))]
    load_and_publish(published, night("night-1", pairs))
    with connect_published(published) as con:
        assert con.execute("SELECT new_received_change_count, coverage_changed, coverage_note FROM out_county_year_over_year"
                           ).fetchall() == [(3, False, "same publishers both years")]


def test_trends_and_rankings_carry_coverage_and_shares(tmp_path):
    with connect_published(published_standard(tmp_path)) as con:
        province = con.execute(
            "SELECT reports_count, counties_reporting_count, counties_expected_count FROM out_applications_by_province_year "
            "WHERE province_code = '33' AND report_year = 2019").fetchone()
        assert province == (2, 1, 1)
        county = con.execute(
            "SELECT region_level, reports_count, publishers_count, granted_share, denied_share, province_counties_expected_count "
            "FROM out_county_rankings WHERE county_code = '330424' AND report_year = 2019").fetchone()
        assert county == ("county", 2, 2, 1.0, 0.0, 1)
        national = con.execute("SELECT reports_count, counties_expected_count FROM out_applications_by_year WHERE report_year = 2020").fetchone()
        assert national == (2, 2)


def test_every_analyst_column_is_described(tmp_path):
    with connect_published(published_standard(tmp_path)) as con:
        undescribed = con.execute(
            "SELECT table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE table_name LIKE 'out\\_%' ESCAPE '\\' AND (comment IS NULL OR comment = '') ORDER BY 1").fetchall()
        views = con.execute("SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'out\\_%' ESCAPE '\\' "
                            "AND (comment IS NULL OR comment = '')").fetchall()
    assert undescribed == [] and views == []
