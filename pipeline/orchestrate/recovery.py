"""Clear what dead nights left behind, so a crash never wedges the next night.

A night killed mid-run (SIGKILL, power loss, OOM killer) leaves its Dagster run STARTED and,
if it died in the warehouse stage, its slot in the `duckdb_writer` pool claimed; the next night
would wait for that slot forever. It also leaves its working warehouse file. Every night is
tagged with the process that runs it, so the next one can tell a dead night from a live one:
a run whose process is gone is marked failed, the pool slots of finished runs are freed, and
working files of runs that are not running are removed. Each action is reported as a line.

Nothing here depends on the instance's storage: runs are read and failed, and pool slots freed,
through DagsterInstance and its event log storage's concurrency API, which SQLite (./dagster.yaml)
and PostgreSQL (deploy/dagster.yaml) both implement; tests/deploy runs it on PostgreSQL. With a
shared PostgreSQL instance a run tagged by a process on another host counts as alive (its process
cannot be seen from here), so a machine only ever fails its own dead nights. Runs a daemon
launches carry no owner tags: `fail_dead_launched_runs` (the `clear_dead_runs` sensor) finds their
run worker by its RUN_START event when they run on this machine; on Kubernetes, Dagster's run
monitoring checks run pods itself.
"""
from __future__ import annotations

import socket
from pathlib import Path

import dagster as dg
from dagster._core.launcher import DefaultRunLauncher

from pipeline.config import Paths
from pipeline.orchestrate.lock import ProcessIdentity
from pipeline.warehouse.publish import discard_working

PID_TAG = "gongkai/pid"
HOST_TAG = "gongkai/host"
PROCESS_START_TAG = "gongkai/process_start"
WAREHOUSE_TAG = "gongkai/warehouse"

# Statuses of a run whose process should be alive (QUEUED and SUSPENDED runs have no process yet or any more).
RUNNING_STATUSES = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
                    dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


def owner_tags(identity: ProcessIdentity, warehouse: Path) -> dict[str, str]:
    """Run tags naming the process that runs the night, for `fail_abandoned_runs` of a later night."""
    return {
        PID_TAG: str(identity.pid),
        HOST_TAG: identity.host,
        PROCESS_START_TAG: "" if identity.start_ticks is None else str(identity.start_ticks),
        WAREHOUSE_TAG: str(warehouse),
    }


def run_owner(run: dg.DagsterRun) -> ProcessIdentity | None:
    """The process a run was tagged with, or None for runs gongkai did not start (the UI, the daemon)."""
    tags = run.tags
    if PID_TAG not in tags or HOST_TAG not in tags:
        return None
    start = tags.get(PROCESS_START_TAG)
    return ProcessIdentity(int(tags[PID_TAG]), tags[HOST_TAG], int(start) if start else None)


def recover(instance: dg.DagsterInstance, paths: Paths, run_id: str) -> list[str]:
    """Everything below, in order; the lines to show the operator."""
    return [*fail_abandoned_runs(instance, run_id), *free_slots_of_finished_runs(instance),
            *remove_dead_working_files(instance, paths)]


def fail_abandoned_runs(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """Mark failed every run still STARTED (or starting, or canceling) whose process is gone."""
    lines = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=RUNNING_STATUSES)):
        owner = run_owner(run)
        if owner is None or owner.is_alive():
            continue
        instance.report_run_failed(
            run, message=f"The process running this night (pid {owner.pid} on {owner.host}) is gone; "
                         f"marked failed by run {run_id} of gongkai.")
        lines.append(f"recovery: run {run.run_id} was left {run.status.value} by pid {owner.pid}, "
                     "which is gone: marked it failed")
    return lines


def fail_dead_launched_runs(instance: dg.DagsterInstance, by: str) -> list[str]:
    """Mark failed every STARTED run this machine's launcher started whose run worker is gone.

    DefaultRunLauncher starts each run in a process of its own and, unlike K8sRunLauncher, cannot
    tell Dagster's run monitoring that it died; the run's RUN_START event names that process. Only
    untagged runs are looked at (gongkai's own nights are `fail_abandoned_runs`'), and only when
    runs are launched on this machine.
    """
    if not isinstance(instance.run_launcher, DefaultRunLauncher):
        return []
    lines = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
        if run_owner(run) is not None:
            continue
        started = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.RUN_START, limit=1).records
        pid = started[0].event_log_entry.dagster_event.pid if started else None
        if pid is None or ProcessIdentity(pid, socket.gethostname(), None).is_alive():
            continue
        instance.report_run_failed(run, message=f"The process running this run (pid {pid}) is gone; marked failed by {by}.")
        lines.append(f"recovery: run {run.run_id} was left STARTED by pid {pid}, which is gone: marked it failed")
    return lines


def free_slots_of_finished_runs(instance: dg.DagsterInstance) -> list[str]:
    """Free concurrency-pool slots (claimed or pending) still held by runs that have finished.

    Dagster frees a run's slots as its steps end, and its daemon frees what a crashed run kept;
    `gongkai run` has no daemon, so this does the daemon's part.
    """
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    lines = []
    for held_by in sorted(storage.get_concurrency_run_ids()):
        run = instance.get_run_by_id(held_by)
        if run is not None and not run.is_finished:
            continue
        storage.free_concurrency_slots_for_run(held_by)
        lines.append(f"recovery: freed the concurrency slots held by finished run {held_by}")
    return lines


def remove_dead_working_files(instance: dg.DagsterInstance, paths: Paths) -> list[str]:
    """Remove working warehouse files whose run is not running (the caller holds the warehouse's lock)."""
    running = {run.run_id for run in instance.get_runs(filters=dg.RunsFilter(statuses=RUNNING_STATUSES))}
    lines = []
    for run_id, files in paths.working_warehouses().items():
        if run_id in running:
            continue
        working = files[0].with_name(files[0].name.removesuffix(".wal"))
        discard_working(working)
        lines.append(f"recovery: removed {working.name}, left by run {run_id or 'of an older gongkai'}")
    return lines


def pool_holders(instance: dg.DagsterInstance, pool: str) -> list[str]:
    """Runs holding every slot of `pool` (empty when a slot is free or the pool is unlimited)."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    info = storage.get_concurrency_info(pool)
    if info.limit is None or len(info.claimed_slots) < info.limit:
        return []
    return sorted(info.active_run_ids)


def end_run(instance: dg.DagsterInstance, run_id: str, reason: str) -> list[str]:
    """After a night's own process stops early: fail its run if still running and free its slots."""
    lines = []
    run = instance.get_run_by_id(run_id)
    if run is not None and not run.is_finished:
        instance.report_run_failed(run, message=reason)
        lines.append(f"run {run_id} marked failed: {reason}")
    if instance.event_log_storage.supports_global_concurrency_limits:
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
    return lines
