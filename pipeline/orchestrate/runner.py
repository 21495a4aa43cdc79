"""Run the nightly Dagster job in-process, with a progress display and a summary for the operator."""
from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipeline.config import project_root
from pipeline.defs.schedules import NIGHTLY_JOB_NAME
from pipeline.orchestrate import stages
from pipeline.orchestrate.stages import NightConfig
from pipeline.warehouse.load import warehouse_totals
from pipeline.warehouse.publish import connect_published


def dagster_instance() -> dg.DagsterInstance:
    """The persistent instance (run history, check results) under $GONGKAI_HOME/.dagster."""
    if not os.environ.get("DAGSTER_HOME"):
        home = project_root() / ".dagster"
        home.mkdir(parents=True, exist_ok=True)
        link = home / "dagster.yaml"
        if not link.exists():
            link.symlink_to(project_root() / "dagster.yaml")
        os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()


@dataclass(frozen=True)
class NightResult:
    success: bool
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
            f"{'nightly run ' + ('succeeded' if self.success else 'FAILED'):<24} {self.run_id}",
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


def run_nightly(resource_config: dict, *, progress: bool = True) -> NightResult:
    """Materialize every asset of the nightly job once, with its checks, through Dagster."""
    from pipeline.definitions import defs

    started = time.monotonic()
    logger = logging.getLogger("gongkai")
    handler = _ProgressHandler(started)
    if progress:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            job = defs().resolve_job_def(NIGHTLY_JOB_NAME)
            result = job.execute_in_process(
                run_config={
                    "resources": {"gongkai": {"config": resource_config}},
                    "loggers": {"console": {"config": {"log_level": "ERROR"}}},
                },
                instance=dagster_instance(),
                raise_on_error=False,
            )
    finally:
        logger.removeHandler(handler)
    return _summarize(result, resource_config, time.monotonic() - started)


def _summarize(result: dg.ExecuteInProcessResult, resource_config: dict, elapsed: float) -> NightResult:
    from pipeline.defs.resources import GongkaiResource

    config: NightConfig = GongkaiResource(**resource_config).night_config()
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
    return NightResult(
        success=result.success, run_id=result.run_id, elapsed_s=elapsed, portals=sum(outcomes.values()),
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
