"""Run the nightly Dagster job in-process, with a progress display and a summary for the operator.

A night holds its warehouse's lock from start to end, first clears what dead nights left behind
(recovery.py), and ends the same way whether it succeeds, fails, or is stopped by Ctrl-C or SIGTERM.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import uuid
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipeline.config import Paths, project_root
from pipeline.defs.partitions import all_provinces_tags
from pipeline.defs.schedules import NIGHTLY_JOB_NAME
from pipeline.defs.warehouse.assets import DUCKDB_WRITER_POOL
from pipeline.orchestrate import recovery, stages
from pipeline.orchestrate.lock import NightAlreadyRunning, ProcessIdentity, RunLock
from pipeline.orchestrate.stages import NightConfig
from pipeline.warehouse.load import warehouse_totals
from pipeline.warehouse.publish import connect_published, discard_working

log = logging.getLogger("gongkai")
INSTANCE_LOCK_WAIT_S = 300.0  # instance creation and recovery take seconds; a longer wait means a stuck process
POOL_POLL_S = 1.0
RECOVERY_INTERVAL_S = 2.0


def dagster_home() -> Path:
    """$DAGSTER_HOME, or $GONGKAI_HOME/.dagster with the project's dagster.yaml linked into it."""
    if not os.environ.get("DAGSTER_HOME"):
        home = project_root() / ".dagster"
        home.mkdir(parents=True, exist_ok=True)
        try:
            (home / "dagster.yaml").symlink_to(project_root() / "dagster.yaml")
        except FileExistsError:
            pass
        os.environ["DAGSTER_HOME"] = str(home)
    return Path(os.environ["DAGSTER_HOME"])


def dagster_instance() -> dg.DagsterInstance:
    """The persistent instance (run history, check results, pool slots) under `dagster_home()`."""
    dagster_home()
    return dg.DagsterInstance.get()


@dataclass(frozen=True)
class NightResult:
    success: bool
    interrupted: bool       # by Ctrl-C or SIGTERM
    run_id: str
    elapsed_s: float
    portals: int
    portal_outcomes: dict[str, int]
    documents: int
    reports: int
    facts: int
    failed_checks: int
    failed_steps: list[str]
    check_failures: list[str]
    warehouse: Path
    step_errors: dict[str, str]   # failed step → what went wrong, for the operator

    def render(self) -> str:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(self.portal_outcomes.items())) or "none"
        lines = [
            f"{'nightly run ' + ('succeeded' if self.success else 'INTERRUPTED' if self.interrupted else 'FAILED'):<24} {self.run_id}",
            f"{'portals':<24} {self.portals} ({outcomes})",
            f"{'documents':<24} {self.documents}",
            f"{'reports':<24} {self.reports}",
            f"{'facts':<24} {self.facts}",
            f"{'failed template checks':<24} {self.failed_checks}",
            f"{'elapsed':<24} {self.elapsed_s:.1f} s",
            f"{'warehouse':<24} {self.warehouse}",
        ]
        lines += [f"{'failed step':<24} {step}: {self.step_errors.get(step, 'see the Dagster run log')}"
                  for step in self.failed_steps]
        lines += [f"{'asset check':<24} {failure}" for failure in self.check_failures]
        return "\n".join(lines)


class _ProgressHandler(logging.Handler):
    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started

    def emit(self, record: logging.LogRecord) -> None:
        print(f"[{time.monotonic() - self.started:7.1f}s] {record.getMessage()}", file=sys.stderr, flush=True)


@contextmanager
def _progress_output(enabled: bool, started: float):
    handler = _ProgressHandler(started)
    if enabled:
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.removeHandler(handler)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def _sigterm_as_ctrl_c():
    """SIGTERM ends a night the way Ctrl-C does, through the same cleanup (Dagster does the same while steps run)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_nightly(resource_config: dict, *, progress: bool = True, wait_s: float = 0.0) -> NightResult:
    """Materialize every asset of the nightly job once, with its checks, through Dagster: one run over
    every province partition (the crawl, archive and parse steps each cover all provinces at once).

    The night holds its warehouse's lock throughout: a second night on the same warehouse waits
    up to `wait_s` and then raises NightAlreadyRunning. Before starting it clears what dead nights
    left behind (pipeline/orchestrate/recovery.py); however it ends (failure, Ctrl-C, SIGTERM) it
    removes its working file, leaves its run finished with its pool slots free, and unlocks.
    """
    from pipeline.definitions import defs
    from pipeline.defs.resources import GongkaiResource

    started = time.monotonic()
    config = GongkaiResource(**resource_config).night_config()
    paths = config.paths
    run_id = str(uuid.uuid4())
    lock = RunLock(paths.lock_file, purpose=str(paths.warehouse))
    with _progress_output(progress, started), _sigterm_as_ctrl_c():
        previous = lock.acquire(run_id, wait_s=wait_s)
        instance = None
        try:
            if previous is not None and not previous.process.is_alive():
                log.warning("recovery: the night before (%s) died without unlocking the warehouse", previous.describe())
            instance = recovered_instance(paths, run_id)
            _wait_for_writer_pool(instance, run_id, deadline=started + wait_s)
            with warnings.catch_warnings(), _recovering_while_running(instance, run_id):
                warnings.simplefilter("ignore")
                result = defs().resolve_job_def(NIGHTLY_JOB_NAME).execute_in_process(
                    run_config={
                        "resources": {"gongkai": {"config": resource_config}},
                        "loggers": {"console": {"config": {"log_level": "ERROR"}}},
                    },
                    instance=instance,
                    run_id=run_id,
                    tags={**all_provinces_tags(), **recovery.owner_tags(ProcessIdentity.current(), paths.warehouse)},
                    raise_on_error=False,
                )
            return _summarize(result, config, time.monotonic() - started)
        finally:
            discard_working(paths.working_warehouse(run_id))
            if instance is not None:
                for line in recovery.end_run(instance, run_id, "gongkai run stopped before the night finished"):
                    log.warning(line)
            lock.release()


def recovered_instance(paths: Paths, run_id: str) -> dg.DagsterInstance:
    """The Dagster instance, created and cleared of dead nights under an instance-wide lock.

    Two processes creating a new instance's SQLite storage at once collide ("table
    secondary_indexes already exists"), so creation is serialized even across warehouses.
    """
    instance_lock = RunLock(dagster_home() / ".gongkai-instance.lock", purpose="the Dagster instance")
    instance_lock.acquire(run_id, wait_s=INSTANCE_LOCK_WAIT_S)
    try:
        instance = dagster_instance()
        for line in recovery.recover(instance, paths, run_id):
            log.warning(line)
    finally:
        instance_lock.release()
    return instance


def _wait_for_writer_pool(instance: dg.DagsterInstance, run_id: str, deadline: float) -> None:
    """Wait here, until `deadline`, while live runs (nights on other warehouses) hold the DuckDB writer pool.

    Dagster's in-process executor waits for a slot in a loop that Ctrl-C and SIGTERM cannot
    interrupt, so a night only starts once a slot is free; runs that die meanwhile are recovered.
    """
    announced = False
    while holders := recovery.pool_holders(instance, DUCKDB_WRITER_POOL):
        if time.monotonic() >= deadline:
            raise NightAlreadyRunning(
                f"the {DUCKDB_WRITER_POOL} pool of the Dagster instance at {dagster_home()} is held by "
                f"run {', '.join(holders)}; let it finish, or pass --wait SECONDS to wait for it")
        if not announced:
            log.warning("waiting for run %s to release the %s pool", ", ".join(holders), DUCKDB_WRITER_POOL)
            announced = True
        time.sleep(POOL_POLL_S)
        for line in recovery.fail_abandoned_runs(instance, run_id) + recovery.free_slots_of_finished_runs(instance):
            log.warning(line)


@contextmanager
def _recovering_while_running(instance: dg.DagsterInstance, run_id: str):
    """While the night runs, keep clearing runs that die holding a pool slot.

    When the holder of the `duckdb_writer` slot (a night on another warehouse sharing this
    instance) dies while this night waits for the slot, freeing it is what ends Dagster's wait.
    """
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(RECOVERY_INTERVAL_S):
            try:
                lines = recovery.fail_abandoned_runs(instance, run_id) + recovery.free_slots_of_finished_runs(instance)
            except Exception as problem:  # e.g. SQLite busy: the next round retries; the night goes on
                lines = [f"recovery check failed, retrying: {problem}"]
            for line in lines:
                log.warning(line)

    watcher = threading.Thread(target=watch, name="gongkai-recovery", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


def _summarize(result: dg.ExecuteInProcessResult, config: NightConfig, elapsed: float) -> NightResult:
    try:
        outcomes = dict(stages.read_health(config).group_by("outcome").len().iter_rows())
        documents = len(stages.read_documents(config))
    except FileNotFoundError:  # the run failed before the crawl wrote its records
        outcomes, documents = {}, 0
    reports = facts = failed = 0
    if config.paths.warehouse.exists():
        with connect_published(config.paths.warehouse) as con:
            reports, facts, failed = warehouse_totals(con)
    failures = [event for event in result.all_events if event.is_step_failure and event.step_key]
    failed_steps = [event.step_key for event in failures]
    step_errors = {event.step_key: _user_error(event.step_failure_data.error) for event in failures}
    check_failures = [
        f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name} ({evaluation.severity.value.lower()})"
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    ]
    interrupted = any(
        event.event_type == dg.DagsterEventType.RUN_FAILURE and event.job_failure_data.error is not None
        and event.job_failure_data.error.cls_name == "DagsterExecutionInterruptedError"
        for event in result.all_events
    )
    return NightResult(
        success=result.success, interrupted=interrupted, run_id=result.run_id, elapsed_s=elapsed, portals=sum(outcomes.values()),
        portal_outcomes=outcomes, documents=documents, reports=reports, facts=facts, failed_checks=failed,
        failed_steps=failed_steps, check_failures=check_failures, warehouse=config.paths.warehouse,
        step_errors=step_errors,
    )


def _user_error(error) -> str:
    """The exception the stage raised, not Dagster's wrapper around it (`ClassName: message`)."""
    while error is not None and error.cause is not None and error.cls_name.startswith("Dagster"):
        error = error.cause
    if error is None:
        return "see the Dagster run log"
    return error.message.strip()
