"""core_report_applications and core_report_application_rows (migrations 0011, 0013): table 三 condensed
once per report by the load. The views that read them must return what aggregating the fact rows
returns, after any night."""
import pytest

from pipeline.warehouse.publish import connect_published
from tests.demo_warehouse import demo_layout
from tests.warehouse.nights import load_and_publish, night, report, standard_reports

APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_organization",
              "legal_service_agency", "other_organization", "total")
GROUPS = {
    "new_received": "= 'new_received'", "carried_over": "= 'carried_over'", "granted": "= 'granted'",
    "partially_granted": "= 'partially_granted'", "denied": "LIKE 'denied%'", "unable": "LIKE 'unable%'",
    "not_processed": "LIKE 'not_processed%'", "other_processing": "LIKE 'other%'",
    "total_processed": "= 'total_processed'", "carried_forward": "= 'carried_forward'",
}
BY_REPORT_FROM_FACTS = f"""
WITH certain AS (SELECT * FROM core_fact_applications WHERE NOT is_uncertain AND value IS NOT NULL),
per_row AS (
    SELECT report_id, row_key,
        round(CASE WHEN count(*) FILTER (WHERE col_key = 'total') > 0 THEN max(value) FILTER (WHERE col_key = 'total')
                   ELSE sum(value) END) AS n
    FROM certain GROUP BY report_id, row_key
)
SELECT report_id, {", ".join(f"CAST(sum(n) FILTER (WHERE row_key {test}) AS BIGINT) AS {group}_count"
                             for group, test in GROUPS.items())}
FROM per_row GROUP BY report_id
"""
ROWS_FROM_FACTS = """
SELECT report_id, row_key,
    CAST(round(CASE WHEN count(*) FILTER (WHERE col_key = 'total') > 0 THEN max(value) FILTER (WHERE col_key = 'total')
                    ELSE sum(value) END) AS BIGINT)
FROM core_fact_applications WHERE NOT is_uncertain AND value IS NOT NULL GROUP BY report_id, row_key
"""
BY_APPLICANT_FROM_FACTS = f"""
SELECT report_id, any_value(template),
    {", ".join(f"CAST(max(value) FILTER (WHERE row_key = '{row}' AND col_key = '{col}') AS BIGINT)"
               for row in ("new_received", "total_processed") for col in APPLICANTS)}
FROM core_fact_applications WHERE NOT is_uncertain GROUP BY report_id
"""


def assert_views_match_facts(con):
    for view, expected_sql in (("out_application_rows", ROWS_FROM_FACTS), ("out_applications_by_report", BY_REPORT_FROM_FACTS),
                               ("out_applications_by_applicant", BY_APPLICANT_FROM_FACTS)):
        expected = sorted(con.execute(expected_sql).fetchall())
        assert expected, view
        assert sorted(con.execute(f"SELECT * FROM {view}").fetchall()) == expected, view


@pytest.mark.timeout(600)
def test_views_on_the_demo_warehouse_match_the_fact_rows():
    with connect_published(demo_layout().warehouse) as con:
        assert_views_match_facts(con)
        assert con.execute("SELECT count(*) FROM core_report_applications").fetchone()[0] > 0


def test_the_load_keeps_the_condensed_table_equal_to_the_facts(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    changed = standard_reports()
    changed[3] = report("http://www.zeku.gov.cn/nb/2020.html", division="632323", publisher="泽库县人民政府", year=2020,
                        received=900, granted=7, sha="d" * 64)
    load_and_publish(published, night("night-2", changed))
    load_and_publish(published, night("night-2", changed))
    with connect_published(published) as con:
        assert_views_match_facts(con)
        assert con.execute("SELECT count(*), count(DISTINCT report_id) FROM core_report_applications").fetchone() == (4, 4)
        assert con.execute("SELECT count(*) FROM (SELECT DISTINCT report_id, row_key FROM core_report_application_rows)").fetchone() == \
            con.execute("SELECT count(*) FROM core_report_application_rows").fetchone()
        zeku = con.execute("SELECT new_received_count, granted_count FROM out_applications_by_report a "
                           "JOIN core_report r USING (report_id) WHERE r.division_code = '632323'").fetchall()
        assert zeku == [(900, 7)]
        uncertain_left_out = con.execute("SELECT denied_count FROM out_applications_by_report a "
                                         "JOIN core_report r USING (report_id) WHERE r.division_code = '330424104'").fetchone()
        assert uncertain_left_out == (None,)


def test_region_year_coverage_counts_the_registry_counties_in_or_around_each_region():
    with connect_published(demo_layout().warehouse) as con:
        expected = con.execute("""
            SELECT g.report_year, g.division_code,
                (SELECT count(*) FROM out_registry_counties e
                 WHERE starts_with(e.county_code, g.division_code) OR starts_with(g.division_code, e.county_code))
            FROM (SELECT DISTINCT report_year, division_code FROM out_report_region r
                  WHERE report_id IN (SELECT report_id FROM out_applications_by_report)) g
            ORDER BY ALL""").fetchall()
        assert any(count for *_, count in expected)
        actual = con.execute("SELECT report_year, division_code, counties_expected_count "
                             "FROM out_applications_by_region_year ORDER BY ALL").fetchall()
        assert actual == expected
