import polars as pl

from pipeline.cli import main
from pipeline.config import project_root
from pipeline.warehouse import dictionary
from tests.warehouse.nights import load_and_publish, night, standard_reports


def published(tmp_path):
    path = tmp_path / "gongkai.duckdb"
    load_and_publish(path, night("night-1", standard_reports()))
    return path


def test_sql_answers_a_cross_region_query(tmp_path, capsys):
    path = published(tmp_path)
    code = main(["sql", "--warehouse", str(path),
                 "SELECT province_name, sum(new_received_count) AS received FROM out_applications_by_region_year "
                 "GROUP BY province_name ORDER BY received DESC"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["province_name", "received"]
    assert lines[2].split() == ["青海省", "887"] and lines[3].split() == ["浙江省", "27"]
    assert lines[-1] == "(2 rows)"


def test_sql_is_read_only(tmp_path, capsys):
    path = published(tmp_path)
    assert main(["sql", "--warehouse", str(path), "DELETE FROM core_report"]) == 1
    assert "read-only" in capsys.readouterr().err
    assert main(["sql", "--warehouse", str(path), "--format", "csv", "SELECT count(*) AS n FROM core_report"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "4"]


def test_sql_without_a_warehouse_says_what_to_do(tmp_path, capsys):
    assert main(["sql", "--warehouse", str(tmp_path / "missing.duckdb"), "SELECT 1"]) == 2
    assert "pass --warehouse warehouse/demo.duckdb" in capsys.readouterr().err


def test_export_writes_every_table_and_view(tmp_path):
    path = published(tmp_path)
    target = tmp_path / "export"
    assert main(["export", "--format", "parquet", str(target), "--warehouse", str(path)]) == 0
    names = {p.stem for p in target.glob("*.parquet")}
    assert {"core_report", "core_region", "core_fact_applications", "out_county_rankings",
            "out_applications_by_region_year", "out_reports_failing_checks"} <= names
    assert pl.read_parquet(target / "core_report.parquet").height == 4
    assert pl.read_parquet(target / "out_reports_failing_checks.parquet").height == 2


def test_data_dictionary_is_generated_not_hand_kept():
    committed = (project_root() / "warehouse" / "README.md").read_text(encoding="utf-8")
    assert committed == dictionary.render(), "warehouse/README.md is stale: run `gongkai warehouse-docs`"


def test_documented_minimum_duckdb_is_the_publish_setting_and_ci_tests_it():
    """The data dictionary's minimum DuckDB, the storage_compatibility_version publish writes with and the
    old DuckDB `.ci/run` opens the demo warehouse with must agree: the CI engine is at or above the minimum."""
    import re

    from pipeline.warehouse.publish import STORAGE_COMPATIBILITY

    minimum = STORAGE_COMPATIBILITY.removeprefix("v")
    assert f"**Minimum DuckDB: {minimum}.**" in dictionary.HEADER
    assert f"`storage_compatibility_version` {STORAGE_COMPATIBILITY}" in dictionary.HEADER
    ci = (project_root() / ".ci" / "run").read_text(encoding="utf-8")
    tested = re.search(r"pip install -q duckdb==([0-9.]+)", ci).group(1)
    assert f"tested in CI with {tested}" in dictionary.HEADER

    def version(text: str) -> tuple[int, ...]:
        return tuple(int(part) for part in text.split("."))

    assert version(minimum) <= version(tested), f"CI tests DuckDB {tested}, below the documented minimum {minimum}"
    assert version(tested)[:2] == version(minimum)[:2], f"CI should test the oldest supported line, {minimum[:3]}.x"
