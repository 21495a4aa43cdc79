"""Facts are stored in region order with their report's division code (migration 0014), so one
region's question reads only its row groups; out_facts exposes the codes to filter on."""
import hashlib
import shutil

import duckdb

from pipeline.config import sql_dir
from pipeline.warehouse.migrate import migrate
from pipeline.warehouse.publish import connect_published
from tests.warehouse.nights import load_and_publish, night, report

REGIONS = [("653201", "和田市人民政府"), ("330424", "海盐县人民政府"), ("632323", "泽库县人民政府"), ("330424001", "武原街道办事处")]


def interleaved_reports():
    """Reports of several regions handed to the load out of region order."""
    urls = [(f"http://example.gov.cn/{division}/{year}.html", division, publisher, year)
            for year in (2021, 2022) for division, publisher in REGIONS]
    return [report(url, division=division, publisher=publisher, year=year, received=year - 2000, granted=1,
                   sha=hashlib.sha256(url.encode()).hexdigest()) for url, division, publisher, year in urls]


def test_facts_are_stored_in_region_order_and_out_facts_filters_by_region(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", interleaved_reports()))
    load_and_publish(published, night("night-2", interleaved_reports()[:1]))
    with connect_published(published) as con:
        stored = [code for (code,) in con.execute("SELECT division_code FROM core_fact_applications ORDER BY rowid").fetchall()]
        assert stored == sorted(stored) and set(stored) == {division for division, _ in REGIONS}
        by_view = con.execute("SELECT report_id, family, row_key, col_key, count_value FROM out_facts "
                              "WHERE county_code = '330424' ORDER BY ALL").fetchall()
        by_join = con.execute("SELECT f.report_id, f.family, f.row_key, f.col_key, f.count_value FROM out_facts f "
                              "JOIN core_report r USING (report_id) WHERE left(r.division_code, 6) = '330424' ORDER BY ALL").fetchall()
        assert by_view == by_join and len({row[0] for row in by_view}) == 4, "the county's and its town's reports"
        assert con.execute("SELECT count(*) FROM out_facts WHERE province_code = '33'").fetchone()[0] == len(by_view)
        assert con.execute("SELECT count(*) FROM out_facts WHERE division_code IS NULL").fetchone()[0] == 0


def test_migration_fills_the_codes_and_orders_existing_facts(tmp_path):
    older = tmp_path / "migrations"
    older.mkdir()
    for path in sorted((sql_dir() / "migrations").glob("*.sql"))[:13]:
        shutil.copy(path, older / path.name)
    con = duckdb.connect()
    migrate(con, older)
    for report_id, division in (("r-zj", "330424"), ("r-bj", "110101")):
        con.execute("INSERT INTO core_report (report_id, division_code, source_url, document_sha256, parse_status, "
                    "parser_version, cells_count, uncertain_cells_count, checks_count, failed_checks_count, run_id, loaded_at) "
                    "VALUES (?, ?, ?, ?, 'ok', 'test', 1, 0, 0, 0, 'n1', now())",
                    [report_id, division, f"http://{report_id}", report_id.ljust(64, "0")])
        con.execute("INSERT INTO core_fact_fees (report_id, template, row_key, col_key, value, unit, flags, is_uncertain) "
                    "VALUES (?, '2021', 'fees_collected', 'amount_yuan', 1, 'yuan', [], false)", [report_id])
    migrate(con)
    assert con.execute("SELECT report_id, division_code FROM core_fact_fees ORDER BY rowid").fetchall() == [
        ("r-bj", "110101"), ("r-zj", "330424")]
    assert con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'core_fact_fees' "
                       "AND column_name = 'division_code'").fetchone()[0].startswith("core_report.division_code")
    assert con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name LIKE 'core_fact_%' AND comment IS NULL").fetchone() == (0,)
