"""Dimensions follow their sources by upsert: an unchanged night rewrites nothing, so the file stops growing."""
import dataclasses

import duckdb
import polars as pl
import pytest

from pipeline.warehouse import publish
from pipeline.warehouse.publish import connect_published
from tests.warehouse.nights import REGIONS, load_and_publish, night, standard_reports


@pytest.fixture(autouse=True)
def no_compaction(monkeypatch):
    """Rows are followed by rowid, which a compaction renumbers; without one the load alone must keep them."""
    monkeypatch.setattr(publish, "COMPACT_AT_FREE_SHARE", 1.0)


def test_repeated_unchanged_nights_leave_the_file_size_bounded(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    sizes = []
    for number in range(6):
        load_and_publish(published, night(f"night-{number}", standard_reports()))
        sizes.append(published.stat().st_size)
    assert max(sizes[3:]) <= max(sizes[1:3]), f"the file grew over unchanged nights: {sizes}"


def test_regions_are_updated_in_place_and_regions_the_registry_dropped_go(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    with connect_published(published) as con:
        untouched_before = con.execute("SELECT rowid FROM core_region WHERE division_code = '33'").fetchone()
    renamed = REGIONS.filter(pl.col("division_code") != "632323").with_columns(
        pl.when(pl.col("division_code") == "330424").then(pl.lit("海盐县（新）")).otherwise(pl.col("name")).alias("name"))
    load_and_publish(published, dataclasses.replace(night("night-2", standard_reports()), regions=renamed))
    with connect_published(published) as con:
        names = dict(con.execute("SELECT division_code, name FROM core_region").fetchall())
        untouched_after = con.execute("SELECT rowid FROM core_region WHERE division_code = '33'").fetchone()
    assert names["330424"] == "海盐县（新）" and "632323" not in names and len(names) == REGIONS.height - 1
    assert untouched_after == untouched_before, "an unchanged region keeps its row"


def test_the_cell_dictionary_is_not_rewritten_by_an_unchanged_night(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", standard_reports()))
    with connect_published(published) as con:
        before = con.execute("SELECT count(*), min(rowid), max(rowid) FROM core_cell").fetchone()
    load_and_publish(published, night("night-2", standard_reports()))
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT count(*), min(rowid), max(rowid) FROM core_cell").fetchone() == before
