"""`gongkai sql` cannot write: every refused statement, the connection that refuses by itself, --allow-read."""
import hashlib
import subprocess
import sys
import textwrap

import duckdb
import pytest

from pipeline.cli import main
from pipeline.warehouse.console import Refused, check_query, connect_console, readable_files
from pipeline.warehouse.publish import prepare_working
from tests.warehouse.nights import load_and_publish, night, standard_reports


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A published warehouse, a second DuckDB file beside it, and a CSV an analyst might join."""
    root = tmp_path_factory.mktemp("console")
    published = root / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    other = root / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE kept AS SELECT 1 AS n")
    population = root / "population.csv"
    population.write_text("division_code,population\n330424,380000\n632323,80000\n", encoding="utf-8")
    secret = root / "secret.csv"
    secret.write_text("password\nhunter2\n", encoding="utf-8")
    return root


# (statement, words the refusal must contain); {root} is the directory holding the files above.
REFUSED = [
    ("ATTACH '{root}/other.duckdb' AS other (READ_ONLY false)", "ATTACH is refused"),
    ("ATTACH '{root}/gongkai.duckdb' AS again", "ATTACH is refused"),
    ("DETACH gongkai", "DETACH is refused"),
    ("COPY core_report TO '{root}/out.csv'", "COPY is refused"),
    ("COPY (SELECT 1) TO '{root}/out.parquet' (FORMAT parquet)", "COPY is refused"),
    ("COPY core_region FROM '{root}/population.csv'", "COPY is refused"),
    ("COPY FROM DATABASE gongkai TO other", "PRAGMA is refused"),
    ("EXPORT DATABASE '{root}/exported'", "EXPORT DATABASE is refused"),
    ("IMPORT DATABASE '{root}/exported'", "PRAGMA is refused"),
    ("INSTALL httpfs", "INSTALL and LOAD are refused"),
    ("LOAD httpfs", "INSTALL and LOAD are refused"),
    ("SET enable_external_access = true", "SET, RESET, USE and SET VARIABLE are refused"),
    ("RESET lock_configuration", "SET, RESET, USE and SET VARIABLE are refused"),
    ("USE memory", "SET, RESET, USE and SET VARIABLE are refused"),
    ("SET VARIABLE x = 1", "SET, RESET, USE and SET VARIABLE are refused"),
    ("PRAGMA enable_profiling", "PRAGMA is refused"),
    ("PRAGMA table_info('core_report')", "pragma_table_info"),
    ("CREATE SECRET leaked (TYPE s3, KEY_ID 'k', SECRET 's')", "read-only"),
    ("CREATE PERSISTENT SECRET kept (TYPE s3, KEY_ID 'k', SECRET 's')", "read-only"),
    ("CREATE TABLE scratch AS SELECT 1", "read-only"),
    ("CREATE TEMP TABLE scratch AS SELECT 1", "read-only"),
    ("CREATE MACRO twice(x) AS x * 2", "read-only"),
    ("DELETE FROM core_report", "read-only"),
    ("DROP TABLE core_report", "read-only"),
    ("UPDATE core_report SET year = 0", "read-only"),
    ("INSERT INTO core_region VALUES ('99', '假', 'province', NULL)", "read-only"),
    ("ALTER TABLE core_report RENAME TO gone", "read-only"),
    ("VACUUM", "read-only"),
    ("CHECKPOINT", "CALL is refused"),
    ("CALL pragma_version()", "CALL is refused"),
    ("PREPARE p AS SELECT 1", "PREPARE is refused"),
    ("EXECUTE p", "EXECUTE is refused"),
    ("BEGIN TRANSACTION", "transaction statements are refused"),
    ("EXPLAIN ANALYZE COPY core_report TO '{root}/out.csv'", "EXPLAIN is allowed only of a query"),
    ("SELECT 1; DELETE FROM core_report", "2 statements given"),
    ("SELECT 1; SELECT 2; SELECT 3", "3 statements given"),
    ("", "no statement given"),
    ("SELEC * FROM core_report", "syntax error"),
]


def untouched_state(root):
    """Hashes of every file in the site, and the names present: a refused statement changes neither."""
    return {p.name: sha256(p) for p in sorted(root.iterdir()) if p.is_file()}


@pytest.mark.parametrize(("statement", "reason"), REFUSED, ids=[s[:40] or "empty" for s, _ in REFUSED])
def test_console_refuses_with_a_clear_message_and_changes_nothing(site, capsys, statement, reason):
    before = untouched_state(site)
    code = main(["sql", "--warehouse", str(site / "gongkai.duckdb"), statement.format(root=site)])
    err = capsys.readouterr().err
    assert code == 1
    assert reason in err, err
    assert untouched_state(site) == before


# Statements the pre-check refuses, run straight on the console's connection: DuckDB must refuse them too.
WRITES = [
    "ATTACH '{root}/other.duckdb' AS other (READ_ONLY false)",
    "ATTACH '{root}/fresh.duckdb' AS fresh",
    "COPY core_report TO '{root}/out.csv'",
    "COPY (SELECT 1) TO '{root}/out.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{root}/exported'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET allowed_directories = ['/']",
    "RESET lock_configuration",
    "PRAGMA enable_profiling",
    "CREATE PERSISTENT SECRET kept (TYPE s3, KEY_ID 'k', SECRET 's')",
    "CREATE TABLE scratch AS SELECT 1",
    "DELETE FROM core_report",
    "DROP TABLE core_report",
    "UPDATE core_report SET year = 0",
    "EXPLAIN ANALYZE COPY core_report TO '{root}/out.csv'",
    "SELECT * FROM read_csv('{root}/secret.csv')",
    "SELECT * FROM read_text('{root}/secret.csv')",
    "SELECT * FROM glob('{root}/*')",
    "SELECT * FROM sniff_csv('{root}/secret.csv')",
]


@pytest.mark.parametrize("statement", WRITES, ids=[s[:40] for s in WRITES])
def test_console_connection_refuses_what_a_precheck_might_miss(site, statement):
    before = untouched_state(site)
    with connect_console(site / "gongkai.duckdb") as con:
        with pytest.raises(duckdb.Error):
            relation = con.sql(statement.format(root=site))
            if relation is not None:  # some table functions touch files only when their rows are read
                relation.fetchall()
        assert con.execute("SELECT count(*) FROM core_report").fetchone()[0] == 4
    assert untouched_state(site) == before


def test_console_reads_queries_of_every_shape(site, capsys):
    warehouse = ["sql", "--warehouse", str(site / "gongkai.duckdb"), "--format", "csv"]
    assert main([*warehouse, "WITH r AS (SELECT * FROM core_report) SELECT count(*) AS n FROM r;"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "4"]
    assert main([*warehouse, "FROM core_region SELECT name WHERE division_code = '632323'"]) == 0
    assert capsys.readouterr().out.splitlines() == ["name", "泽库县"]
    assert main([*warehouse, "DESCRIBE core_region"]) == 0
    assert "division_code" in capsys.readouterr().out
    assert main([*warehouse, "EXPLAIN SELECT count(*) FROM core_report"]) == 0
    assert "physical_plan" in capsys.readouterr().out
    assert check_query("EXPLAIN ANALYZE SELECT 1") == "EXPLAIN ANALYZE SELECT 1"


def test_console_reads_only_the_files_named_with_allow_read(site, capsys):
    before = untouched_state(site)
    warehouse = ["sql", "--warehouse", str(site / "gongkai.duckdb"), "--format", "csv"]
    join = (f"SELECT r.name, p.population FROM core_region r JOIN read_csv('{site}/population.csv') p "
            "ON r.division_code = CAST(p.division_code AS VARCHAR) ORDER BY p.population DESC")
    assert main([*warehouse, "--allow-read", str(site / "population.csv"), join]) == 0
    assert capsys.readouterr().out.splitlines() == ["name,population", "海盐县,380000", "泽库县,80000"]

    assert main([*warehouse, join]) == 1
    assert "--allow-read" in capsys.readouterr().err
    assert main([*warehouse, "--allow-read", str(site / "population.csv"), f"SELECT * FROM '{site}/secret.csv'"]) == 1
    assert "Permission Error" in capsys.readouterr().err
    assert main([*warehouse, "--allow-read", str(site / "population.csv"),
                 f"COPY (SELECT 0) TO '{site}/population.csv' (USE_TMP_FILE false)"]) == 1
    assert "COPY is refused" in capsys.readouterr().err
    assert untouched_state(site) == before


def test_allow_read_names_existing_csv_or_parquet_files_only(site, capsys):
    with pytest.raises(Refused, match="only CSV or Parquet"):
        readable_files([site / "other.duckdb"])
    with pytest.raises(Refused, match="no such file"):
        readable_files([site / "missing.csv"])
    with pytest.raises(Refused, match="no such file"):
        readable_files([site])
    assert readable_files([site / "population.csv"]) == [str((site / "population.csv").resolve())]
    assert main(["sql", "--warehouse", str(site / "gongkai.duckdb"), "--allow-read", str(site / "other.duckdb"),
                 "SELECT 1"]) == 1
    assert "only CSV or Parquet" in capsys.readouterr().err


LOADING_NIGHT = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])          # a night holding its working file, mid-load
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM core_fact_applications")
    print("loading", flush=True)
    sys.stdin.read()
    con.execute("ROLLBACK")
""")


def test_console_cannot_touch_the_working_file_of_a_loading_night(tmp_path, capsys):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    working = tmp_path / "gongkai.building.duckdb"
    prepare_working(published, working)
    night_process = subprocess.Popen([sys.executable, "-c", LOADING_NIGHT, str(working)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert night_process.stdout.readline().strip() == "loading"
        before = {path.name: sha256(path) for path in (published, working)}
        for statement in (f"ATTACH '{working}' AS w (READ_ONLY false)", "DELETE FROM core_report"):
            assert main(["sql", "--warehouse", str(published), statement]) == 1
            assert main(["sql", "--warehouse", str(working), statement]) == 1
        assert main(["sql", "--warehouse", str(working), "SELECT count(*) FROM core_report"]) == 2
        assert "lock" in capsys.readouterr().err.lower()
        with connect_console(published) as con, pytest.raises(duckdb.PermissionException):
            con.sql(f"ATTACH '{working}' AS w (READ_ONLY false)")
        assert {path.name: sha256(path) for path in (published, working)} == before
    finally:
        night_process.communicate("", timeout=60)
    assert night_process.returncode == 0
