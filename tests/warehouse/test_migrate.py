import duckdb
import pytest

from pipeline.warehouse.migrate import MigrationError, discover, migrate


def write(directory, name, sql):
    (directory / name).write_text(sql, encoding="utf-8")


def test_project_migrations_apply_once_and_record_checksums():
    con = duckdb.connect()
    applied = migrate(con)
    assert applied == [m.name for m in discover()]
    assert migrate(con) == []
    recorded = con.execute("SELECT name, checksum_sha256 FROM meta_schema_migration ORDER BY version").fetchall()
    assert recorded == [(m.name, m.checksum) for m in discover()]


def test_changed_applied_migration_is_refused(tmp_path):
    write(tmp_path, "0001_first.sql", "CREATE TABLE a (x INTEGER);")
    con = duckdb.connect()
    migrate(con, tmp_path)
    write(tmp_path, "0001_first.sql", "CREATE TABLE a (x BIGINT);")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        migrate(con, tmp_path)


def test_missing_applied_migration_is_refused(tmp_path):
    write(tmp_path, "0001_first.sql", "CREATE TABLE a (x INTEGER);")
    write(tmp_path, "0002_second.sql", "CREATE TABLE b (x INTEGER);")
    con = duckdb.connect()
    migrate(con, tmp_path)
    (tmp_path / "0002_second.sql").unlink()
    with pytest.raises(MigrationError, match="file is missing"):
        migrate(con, tmp_path)


def test_failing_migration_leaves_no_trace(tmp_path):
    write(tmp_path, "0001_first.sql", "CREATE TABLE a (x INTEGER);")
    write(tmp_path, "0002_broken.sql", "CREATE TABLE b (x INTEGER);\nSELECT * FROM no_such_table;")
    con = duckdb.connect()
    with pytest.raises(MigrationError, match="0002_broken.sql failed and was rolled back"):
        migrate(con, tmp_path)
    assert con.execute("SELECT version FROM meta_schema_migration").fetchall() == [(1,)]
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "b" not in tables


def test_badly_named_migration_is_refused(tmp_path):
    write(tmp_path, "first.sql", "SELECT 1;")
    with pytest.raises(MigrationError, match="NNNN_lowercase_name.sql"):
        discover(tmp_path)
