"""Runs a daemon launched (no gongkai owner tags) whose run worker was SIGKILLed are failed by the
`clear_dead_runs` sensor, and their pool slots freed, so the next warehouse load is not wedged;
a run whose worker is alive is left alone."""
import os
import signal
import subprocess
import sys

import dagster as dg
from dagster._core.events import DagsterEvent

from pipeline.defs.recovery import clear_dead_runs
from pipeline.defs.warehouse.assets import DUCKDB_WRITER_POOL
from pipeline.orchestrate import recovery


def started_run(instance: dg.DagsterInstance, run_id: str, worker_pid: int) -> None:
    """A run as DefaultRunLauncher leaves it: STARTED, its RUN_START event written by its worker process."""
    instance.add_run(dg.DagsterRun(job_name="warehouse", run_id=run_id, status=dg.DagsterRunStatus.STARTED))
    instance.report_dagster_event(
        DagsterEvent(event_type_value=dg.DagsterEventType.RUN_START.value, job_name="warehouse", pid=worker_pid), run_id)


def test_a_sigkilled_daemon_run_is_failed_and_its_pool_slot_freed(dagster_home):
    instance = dg.DagsterInstance.get()
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    started_run(instance, "killed", worker.pid)
    started_run(instance, "alive", os.getpid())
    instance.event_log_storage.initialize_concurrency_limit_to_default(DUCKDB_WRITER_POOL)   # as a first claim does
    instance.event_log_storage.claim_concurrency_slot(DUCKDB_WRITER_POOL, "killed", "warehouse_tables")
    assert recovery.pool_holders(instance, DUCKDB_WRITER_POOL) == ["killed"]

    result = clear_dead_runs(dg.build_sensor_context(instance=instance))
    assert "run killed was left STARTED" in result.skip_message
    assert instance.get_run_by_id("killed").status == dg.DagsterRunStatus.FAILURE
    assert instance.get_run_by_id("alive").status == dg.DagsterRunStatus.STARTED
    assert recovery.pool_holders(instance, DUCKDB_WRITER_POOL) == []
    assert clear_dead_runs(dg.build_sensor_context(instance=instance)).skip_message == "no dead runs"
