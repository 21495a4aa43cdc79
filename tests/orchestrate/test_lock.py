"""The warehouse lock and the recovery of dead nights, without running a whole night."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import dagster as dg
import pytest

from pipeline.config import Paths, project_root
from pipeline.orchestrate import recovery
from pipeline.orchestrate.cli import EXIT_INTERRUPTED
from pipeline.orchestrate.lock import NightAlreadyRunning, ProcessIdentity, RunLock, process_start_ticks
from pipeline.orchestrate.runner import run_nightly
from tests.orchestrate.runs import started_run

HOLD_LOCK = """
import sys, time
from pathlib import Path
from pipeline.orchestrate.lock import RunLock
lock = RunLock(Path(sys.argv[1]), purpose="test")
lock.acquire("holder-run")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""


def hold_lock(path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def dead_process() -> ProcessIdentity:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return ProcessIdentity(int(finished.stdout), ProcessIdentity.current().host, None)


def test_a_held_lock_refuses_a_second_night_with_who_holds_it(tmp_path):
    holder = hold_lock(tmp_path / "w.duckdb.lock", 30)
    try:
        with pytest.raises(NightAlreadyRunning, match=rf"another night is running on test \(run holder-run, pid {holder.pid} on "):
            RunLock(tmp_path / "w.duckdb.lock", purpose="test").acquire("second")
        started = time.monotonic()
        with pytest.raises(NightAlreadyRunning, match=r"after waiting 0.5 s; let it finish, or pass --wait SECONDS"):
            RunLock(tmp_path / "w.duckdb.lock", purpose="test").acquire("second", wait_s=0.5)
        assert time.monotonic() - started >= 0.5
    finally:
        holder.kill()
        holder.wait()


def test_a_waiting_night_gets_the_lock_when_the_holder_finishes(tmp_path):
    holder = hold_lock(tmp_path / "w.duckdb.lock", 1.0)
    lock = RunLock(tmp_path / "w.duckdb.lock", purpose="test")
    assert lock.acquire("second", wait_s=60) is None  # released cleanly: no dead holder to report
    assert holder.wait() == 0
    assert '"run_id": "second"' in (tmp_path / "w.duckdb.lock").read_text()
    lock.release()
    assert (tmp_path / "w.duckdb.lock").read_text() == ""


def test_sigterm_while_waiting_for_the_lock_ends_the_night_at_once(tmp_path):
    holder = hold_lock(tmp_path / "gongkai.duckdb.lock", 120)
    config = tmp_path / "night.json"
    config.write_text(json.dumps({"data_dir": str(tmp_path / "data"), "warehouse": str(tmp_path / "gongkai.duckdb")}))
    try:
        waiting = subprocess.Popen([sys.executable, "-m", "tests.orchestrate.night_process", str(config), "600"],
                                   cwd=project_root(), stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster")})
        line = waiting.stderr.readline()
        assert re.search(r"waiting up to 600 s for the night running on \S+gongkai.duckdb \(run holder-run, pid \d+", line)
        waiting.send_signal(signal.SIGTERM)
        assert waiting.wait(timeout=30) == EXIT_INTERRUPTED
        assert waiting.stderr.read() == "gongkai: interrupted\n"
        assert '"run_id": "holder-run"' in (tmp_path / "gongkai.duckdb.lock").read_text()
        assert not (tmp_path / "dagster").exists()  # stopped before touching the Dagster instance
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_holder_frees_the_lock_and_is_reported(tmp_path):
    holder = hold_lock(tmp_path / "w.duckdb.lock", 30)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    lock = RunLock(tmp_path / "w.duckdb.lock", purpose="test")
    previous = lock.acquire("next")
    assert previous.run_id == "holder-run" and previous.pid == holder.pid and not previous.process.is_alive()
    lock.release()


def test_process_identity_tells_a_reused_pid_from_the_original():
    me = ProcessIdentity.current()
    assert me.is_alive() and me.start_ticks == process_start_ticks(os.getpid())
    assert not ProcessIdentity(me.pid, me.host, me.start_ticks + 1).is_alive()
    assert not dead_process().is_alive()
    assert ProcessIdentity(me.pid, "some-other-host", None).is_alive()  # cannot tell: assume alive


def test_recovery_fails_a_dead_nights_run_frees_its_slot_and_removes_its_working_file(dagster_home, tmp_path):
    paths = Paths(data_dir=tmp_path / "data", warehouse=tmp_path / "gongkai.duckdb")
    with dg.DagsterInstance.get() as instance:
        dead = started_run(instance, dead_process(), paths, holding_pool=True)
        alive = started_run(instance, ProcessIdentity.current(), paths, holding_pool=False)
        for run_id in (dead, alive):
            paths.working_warehouse(run_id).write_bytes(b"half a load")
        paths.warehouse.with_name("gongkai.building.duckdb").write_bytes(b"an older gongkai's working file")

        lines = recovery.recover(instance, paths, "tonight")

        assert lines[:2] == [
            f"recovery: run {dead} was left STARTED by pid {instance.get_run_by_id(dead).tags['gongkai/pid']}, "
            "which is gone: marked it failed",
            f"recovery: freed the concurrency slots held by finished run {dead}",
        ]
        assert sorted(lines[2:]) == sorted([
            "recovery: removed gongkai.building.duckdb, left by run of an older gongkai",
            f"recovery: removed gongkai.{dead}.building.duckdb, left by run {dead}",
        ])
        assert instance.get_run_by_id(dead).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(alive).status == dg.DagsterRunStatus.STARTED
        assert instance.event_log_storage.get_concurrency_run_ids() == set()
        assert list(paths.working_warehouses()) == [alive]
        assert recovery.recover(instance, paths, "tonight") == []


def test_a_night_does_not_start_while_a_live_run_holds_the_writer_pool(dagster_home, tmp_path):
    """Dagster's in-process executor would wait for the slot in a loop signals cannot stop; the night waits before it."""
    paths = Paths(data_dir=tmp_path / "data", warehouse=tmp_path / "gongkai.duckdb")
    with dg.DagsterInstance.get() as instance:
        holder = started_run(instance, ProcessIdentity.current(), paths, holding_pool=True)
    config = {"data_dir": str(paths.data_dir), "warehouse": str(paths.warehouse)}
    started = time.monotonic()
    with pytest.raises(NightAlreadyRunning, match=rf"the duckdb_writer pool of the Dagster instance at .* is held by run {holder}"):
        run_nightly(config, progress=False, wait_s=1.5)
    assert time.monotonic() - started >= 1.5
    with dg.DagsterInstance.get() as instance:
        assert [run.run_id for run in instance.get_runs()] == [holder]  # the refused night never created a run
    assert paths.lock_file.read_text() == ""


CREATE_INSTANCE = """
import sys
from pathlib import Path
from pipeline.config import Paths
from pipeline.orchestrate.runner import recovered_instance
paths = Paths(data_dir=Path(sys.argv[1]) / "data", warehouse=Path(sys.argv[1]) / f"{sys.argv[2]}.duckdb")
recovered_instance(paths, sys.argv[2])
"""


def test_nights_starting_at_once_on_a_new_dagster_home_do_not_collide(tmp_path):
    """Unserialized, one of three processes creating a new instance's SQLite storage fails ("already exists")."""
    home = tmp_path / "dagster"
    home.mkdir()
    shutil.copyfile(project_root() / "dagster.yaml", home / "dagster.yaml")
    nights = [subprocess.Popen([sys.executable, "-c", CREATE_INSTANCE, str(tmp_path), f"warehouse{index}"],
                               cwd=project_root(), env={**os.environ, "DAGSTER_HOME": str(home)},
                               stderr=subprocess.PIPE, text=True)
              for index in range(3)]
    errors = [night.communicate(timeout=300)[1] for night in nights]
    assert [night.returncode for night in nights] == [0, 0, 0], errors
