"""Fresh reads: a long-running reader sees every new night without restarting."""
import threading
import time

import duckdb
import pytest

import gongkai
from pipeline.warehouse.read import PublishedWarehouse
from tests.warehouse.nights import load_and_publish, night, report, standard_reports

COUNT = "SELECT count(*) AS n FROM core_report"


def reports_for(nights_count: int):
    extra = [report(f"http://www.zeku.gov.cn/nb/{2000 + i}.html", division="632323", publisher="泽库县人民政府",
                    year=2000 + i, received=i, granted=i) for i in range(nights_count)]
    return standard_reports() + extra


def test_connect_reads_the_new_night_while_an_old_connection_stays_open(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", reports_for(0)))
    held = duckdb.connect(str(published), read_only=True)   # e.g. a dashboard's cached connection
    with gongkai.connect(published) as first:
        assert first.execute(COUNT).fetchone()[0] == 4
    load_and_publish(published, night("night-2", reports_for(1)))
    with gongkai.connect(published) as fresh:
        assert fresh.execute(COUNT).fetchone()[0] == 5
        assert fresh.execute("SELECT count(*) FROM out_county_rankings").fetchone()[0] > 0   # views resolve too
    assert held.execute(COUNT).fetchone()[0] == 4   # what a plain duckdb.connect(path) would have kept showing
    held.close()


def test_connect_says_what_to_do_without_a_warehouse(tmp_path):
    with pytest.raises(FileNotFoundError, match="gongkai demo"):
        gongkai.connect(tmp_path / "missing.duckdb")


def test_three_threads_querying_back_to_back_see_each_new_publish(tmp_path):
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-0", reports_for(0)))
    warehouse = PublishedWarehouse(published)
    seen: list[set[int]] = [set(), set(), set()]
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader(slot: int) -> None:
        try:
            while not stop.is_set():
                seen[slot].add(int(warehouse.query(COUNT)["n"][0]))
        except BaseException as problem:   # reported to the test below
            errors.append(problem)

    threads = [threading.Thread(target=reader, args=(slot,)) for slot in range(3)]
    for thread in threads:
        thread.start()
    try:
        for k in range(1, 5):
            load_and_publish(published, night(f"night-{k}", reports_for(k)))
            deadline = time.monotonic() + 10
            while not all(4 + k in s for s in seen) and time.monotonic() < deadline and not errors:
                time.sleep(0.02)
            assert not errors, errors
            assert all(4 + k in s for s in seen), f"night {k} not seen by every thread: {seen}"
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    assert all(max(s) == 8 for s in seen)
