"""A crash midway through a night and a reader held open through it, at a size where the old fact
indexes mattered: 2,000 reports in CI, 50,000 with GONGKAI_SLOW=1 (`-m slow`)."""
import os
import subprocess
import sys

import pytest

from pipeline.warehouse import sqlfiles
from pipeline.warehouse.publish import connect_published
from tests.warehouse.nights import load_and_publish, scaled_night
from tests.warehouse.test_publish import READER
from tests.warehouse.test_unkeyed_facts import REPEATED_KEYS

STATE = """
SELECT (SELECT count(*) FROM core_report), (SELECT sum(hash(report_id, document_sha256)) FROM core_report),
       (SELECT count(*) FROM core_fact_applications), (SELECT sum(value) FROM core_fact_applications),
       (SELECT sum(new_received_count) FROM out_applications_by_report)
"""
SLOW = [pytest.mark.slow, pytest.mark.timeout(1800),
        pytest.mark.skipif(not os.environ.get("GONGKAI_SLOW"), reason="set GONGKAI_SLOW=1 for the 50,000-report night")]


def state(published):
    with connect_published(published) as con:
        assert con.execute(REPEATED_KEYS).fetchall() == []
        return con.execute(STATE).fetchone()


@pytest.mark.parametrize("reports", [2_000, pytest.param(50_000, marks=SLOW)])
def test_a_crashed_night_leaves_the_warehouse_and_its_reader_undisturbed(tmp_path, monkeypatch, reports):
    published, copies = tmp_path / "gongkai.duckdb", reports // 4
    load_and_publish(published, scaled_night("night-1", copies))
    before = state(published)
    assert before[0] == reports
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published), "3"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert reader.stdout.readline().split() == ["holding", str(reports)]

    real_execute, fact_inserts = sqlfiles.execute, iter(range(100))

    def crash_after_half_the_facts(con, statement, params):
        if statement.startswith("INSERT INTO core_fact_") and next(fact_inserts) == 3:
            raise RuntimeError("simulated crash after half the facts")
        return real_execute(con, statement, params)

    tonight = scaled_night("night-2", copies, changed=copies // 100)
    monkeypatch.setattr(sqlfiles, "execute", crash_after_half_the_facts)
    with pytest.raises(RuntimeError, match="simulated crash"):
        load_and_publish(published, tonight)
    assert state(published) == before
    monkeypatch.setattr(sqlfiles, "execute", real_execute)

    summary = load_and_publish(published, tonight)
    assert summary.reports_loaded == 4 * (copies // 100)
    after = state(published)
    assert after[0] == reports and after[2] == before[2]
    assert after[1] != before[1] and after[3] > before[3] and after[4] > before[4]
    assert [p.name for p in tmp_path.iterdir()] == ["gongkai.duckdb"]

    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    done, queries, held_reports = out.split()[-3:]
    assert done == "done" and int(queries) > 0 and int(held_reports) == reports
