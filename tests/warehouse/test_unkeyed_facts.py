"""Fact tables carry no primary key (migration 0010); the load alone keeps one row per cell."""
import shutil

import duckdb
import polars as pl
import pytest

from pipeline.config import sql_dir
from pipeline.warehouse.migrate import migrate
from pipeline.warehouse.publish import connect_published
from tests.warehouse.nights import load_and_publish, night, report, standard_reports

FAMILIES = ("applications", "regulations", "licensing", "enforcement", "fees", "procurement", "review_litigation")
REPEATED_KEYS = " UNION ALL ".join(
    f"SELECT report_id, row_key, col_key, count(*) AS n FROM core_fact_{family} GROUP BY ALL HAVING n > 1"
    for family in FAMILIES
)


def facts(published):
    with connect_published(published) as con:
        assert con.execute(REPEATED_KEYS).fetchall() == []
        return con.execute("SELECT report_id, row_key, col_key, value FROM core_fact_applications ORDER BY ALL").fetchall()


def test_rerun_nights_and_changed_reports_never_duplicate_facts(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    first = facts(published)
    load_and_publish(published, night("night-1", standard_reports()))
    assert facts(published) == first
    changed = standard_reports()
    changed[0] = report("http://www.haiyan.gov.cn/a/2019.html", division="330424", publisher="海盐县人民政府", year=2019,
                        received=11, granted=11, sha="e" * 64)
    load_and_publish(published, night("night-2", changed))
    load_and_publish(published, night("night-2", changed))
    after = facts(published)
    assert len(after) == len(first)
    assert sorted(set(after) - set(first))[0][3] == 11.0
    load_and_publish(published, night("night-3", changed, parser_version="newer"))
    assert facts(published) == after


def test_a_night_whose_cells_repeat_a_key_is_refused(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    before = facts(published)
    record, parsed = report("http://www.zeku.gov.cn/nb/2021.html", division="632323", publisher="泽库县人民政府", year=2021,
                            received=5, granted=5)
    parsed.cells = pl.concat([parsed.cells, parsed.cells.head(1)])
    with pytest.raises(duckdb.Error, match="repeat a"):
        load_and_publish(published, night("night-2", [*standard_reports(), (record, parsed)]))
    assert facts(published) == before


def test_migration_drops_the_keys_and_keeps_rows_and_comments(tmp_path):
    older = tmp_path / "migrations"
    older.mkdir()
    for path in sorted((sql_dir() / "migrations").glob("*.sql"))[:9]:
        shutil.copy(path, older / path.name)
    con = duckdb.connect()
    migrate(con, older)
    con.execute("""INSERT INTO core_fact_fees VALUES
        ('r1', '2021', 'fees_collected', 'amount_yuan', 12000.0, 'yuan', '1.2万元', [], false, 'table 5', '万元')""")
    migrate(con)
    assert con.execute("SELECT * EXCLUDE (division_code) FROM core_fact_fees").fetchall() == [
        ("r1", "2021", "fees_collected", "amount_yuan", 12000.0, "yuan", "1.2万元", [], False, "table 5", "万元")]
    keyed = con.execute("SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                        "AND table_name LIKE 'core_fact_%'").fetchall()
    assert keyed == []
    comments = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name LIKE 'core_fact_%' AND comment IS NULL").fetchone()
    assert comments == (0,)
    assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'core_fact_fees'").fetchone()[0].startswith("二、")
