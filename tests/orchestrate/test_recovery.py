"""Nights that recover by themselves: nights of the real pipeline (loopback portals, Dagster, a
process per night) killed at each stage, terminated, or started twice at once; the next night
publishes exactly what one clean night publishes."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.config import Paths, project_root
from pipeline.fixtures.portal import FixtureServer
from pipeline.orchestrate.cli import EXIT_INTERRUPTED, EXIT_NIGHT_ALREADY_RUNNING
from pipeline.orchestrate.lock import ProcessIdentity, process_start_ticks
from pipeline.registry.portals import portal_entry, write_registry
from tests.orchestrate.runs import started_run

pytestmark = pytest.mark.integration

# Two portals (28 reports in HTML, PDF and DOCX) keep each night short while every stage has work.
PORTALS = ("hanweb-haiyan", "trs-hukou")
NIGHT_TIMEOUT_S = 600
# Columns that differ between any two nights by design: when things happened and which run did them.
VOLATILE_COLUMNS = {"run_id"}
VOLATILE_TYPES = {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE"}
# A night after a finished crawl is incremental (304 Not Modified), and 304s still lose these two
# fields (issue 7 point 5, fixed separately): compared only where the killed night crawled nothing.
LOST_ON_NOT_MODIFIED = {("core_document", "content_type"), ("core_portal_health", "documents_new")}
STAGE_LINES = {
    "crawl": r"crawl: \d+ portals$",
    "parse": r"parse: \d+ documents \(",
    "warehouse load": r"warehouse: loading into ",
}


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    with FixtureServer(slow_delay_s=0.05) as server:
        path = tmp_path_factory.mktemp("portals") / "registry.json"
        write_registry((portal_entry(p) for p in server.portals() if p.portal_id in PORTALS), path,
                       version="test", about="two fixture portals")
        yield path


@dataclass(frozen=True)
class Deployment:
    """One gongkai deployment: its Dagster home, data directory and warehouse."""
    root: Path
    registry: Path

    @classmethod
    def create(cls, root: Path, registry: Path) -> "Deployment":
        (root / "dagster").mkdir(parents=True)
        shutil.copyfile(project_root() / "dagster.yaml", root / "dagster" / "dagster.yaml")
        deployment = cls(root, registry)
        (root / "night.json").write_text(json.dumps({
            "data_dir": str(root / "data"), "warehouse": str(deployment.paths.warehouse),
            "registry_path": str(registry), "allow_loopback": True, "min_delay_s": 0.01, "jitter_s": 0.0,
            "retries": 1, "backoff_base_s": 0.05,
        }), encoding="utf-8")
        return deployment

    @property
    def paths(self) -> Paths:
        return Paths(data_dir=self.root / "data", warehouse=self.root / "gongkai.duckdb")

    def start(self, *, wait_s: float = 0.0) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.orchestrate.night_process", str(self.root / "night.json"), str(wait_s)],
            cwd=project_root(), env={**os.environ, "DAGSTER_HOME": str(self.root / "dagster")},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def night(self) -> tuple[int, str]:
        """A night run to its end: (exit code, progress and summary)."""
        night = self.start()
        out, err = night.communicate(timeout=NIGHT_TIMEOUT_S)
        return night.returncode, err + out

    def instance(self) -> dg.DagsterInstance:
        return dg.DagsterInstance.from_config(str(self.root / "dagster"))


def stop_at(night: subprocess.Popen, line_pattern: str, signum: int) -> str:
    """Send `signum` to the night as soon as it prints a progress line matching `line_pattern`; its output."""
    lines = []
    for line in night.stderr:
        lines.append(line)
        if re.search(line_pattern, line):
            night.send_signal(signum)
            break
    else:
        pytest.fail(f"the night ended before printing {line_pattern!r}:\n{''.join(lines)}")
    out, err = night.communicate(timeout=NIGHT_TIMEOUT_S)
    return "".join(lines) + err + out


def published_contents(warehouse: Path, ignore: set[tuple[str, str]] = frozenset()) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without the columns that say when and by which run (nor `ignore`)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns: dict[str, list[str]] = {}
        for table, column, data_type in con.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "JOIN information_schema.tables USING (table_catalog, table_schema, table_name) "
                "WHERE table_type = 'BASE TABLE' ORDER BY table_name, ordinal_position").fetchall():
            if column not in VOLATILE_COLUMNS and data_type not in VOLATILE_TYPES and (table, column) not in ignore:
                columns.setdefault(table, []).append(f'"{column}"')
        return {table: con.execute(f"SELECT {', '.join(names)} FROM {table} ORDER BY ALL").fetchall()
                for table, names in columns.items()}


@pytest.fixture(scope="module")
def clean_night(registry, tmp_path_factory) -> Path:
    """The warehouse one uninterrupted night publishes."""
    deployment = Deployment.create(tmp_path_factory.mktemp("clean"), registry)
    code, output = deployment.night()
    assert code == 0, output
    return deployment.paths.warehouse


def assert_publishes_the_clean_night(deployment: "Deployment", clean_night: Path, *, after_a_crawl: bool) -> None:
    ignore = LOST_ON_NOT_MODIFIED if after_a_crawl else set()
    assert published_contents(deployment.paths.warehouse, ignore) == published_contents(clean_night, ignore)


def assert_left_nothing_running(deployment: Deployment) -> None:
    """No working file, no lock holder, no run still running, no pool slot held."""
    paths = deployment.paths
    assert paths.working_warehouses() == {}
    assert paths.lock_file.read_text() == ""
    instance = deployment.instance()
    assert [run.status for run in instance.get_runs() if not run.is_finished] == []
    assert instance.event_log_storage.get_concurrency_run_ids() == set()


@pytest.mark.parametrize("stage", list(STAGE_LINES))
def test_a_night_killed_during_a_stage_is_recovered_by_the_next(stage, registry, clean_night, tmp_path):
    deployment = Deployment.create(tmp_path, registry)
    killed = deployment.start()
    output = stop_at(killed, STAGE_LINES[stage], signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL, output
    [killed_run] = deployment.instance().get_runs()
    assert killed_run.status == dg.DagsterRunStatus.STARTED
    assert not deployment.paths.warehouse.exists()

    code, output = deployment.night()
    assert code == 0, output
    assert f"recovery: run {killed_run.run_id} was left STARTED by pid" in output
    assert "died without unlocking the warehouse" in output
    if stage == "warehouse load":
        assert f"freed the concurrency slots held by finished run {killed_run.run_id}" in output
    assert deployment.instance().get_run_by_id(killed_run.run_id).status == dg.DagsterRunStatus.FAILURE
    assert_left_nothing_running(deployment)
    assert_publishes_the_clean_night(deployment, clean_night, after_a_crawl=stage != "crawl")


@pytest.mark.parametrize(("signum", "stage"), [(signal.SIGTERM, "warehouse load"), (signal.SIGINT, "crawl")],
                         ids=["SIGTERM during the warehouse load", "Ctrl-C during the crawl"])
def test_sigterm_or_ctrl_c_ends_a_night_cleanly_and_the_next_night_publishes(signum, stage, registry, clean_night, tmp_path):
    deployment = Deployment.create(tmp_path, registry)
    terminated = deployment.start()
    output = stop_at(terminated, STAGE_LINES[stage], signum)
    assert terminated.returncode == EXIT_INTERRUPTED, output
    assert "nightly run INTERRUPTED" in output and "gongkai: interrupted" in output
    assert not deployment.paths.warehouse.exists()
    assert_left_nothing_running(deployment)
    [run] = deployment.instance().get_runs()
    assert run.status == dg.DagsterRunStatus.FAILURE

    code, output = deployment.night()
    assert code == 0, output
    assert "recovery:" not in output
    assert_publishes_the_clean_night(deployment, clean_night, after_a_crawl=stage != "crawl")


def test_two_nights_at_once_one_runs_and_the_other_says_why_it_did_not(registry, clean_night, tmp_path):
    deployment = Deployment.create(tmp_path, registry)
    nights = [deployment.start(), deployment.start()]
    outputs: list[str] = ["", ""]

    def finish(index: int) -> None:
        out, err = nights[index].communicate(timeout=NIGHT_TIMEOUT_S)
        outputs[index] = err + out

    waiters = [threading.Thread(target=finish, args=(index,)) for index in range(2)]
    for waiter in waiters:
        waiter.start()
    for waiter in waiters:
        waiter.join()
    codes = sorted(night.returncode for night in nights)
    assert codes == [0, EXIT_NIGHT_ALREADY_RUNNING], outputs
    refused = outputs[[night.returncode for night in nights].index(EXIT_NIGHT_ALREADY_RUNNING)]
    assert re.search(r"gongkai: not started: another night is running on \S+gongkai.duckdb \(run \S+, pid \d+", refused)
    assert refused.count("\n") == 1, refused
    assert_left_nothing_running(deployment)
    assert_publishes_the_clean_night(deployment, clean_night, after_a_crawl=False)


def test_a_pool_holder_dying_while_a_night_runs_does_not_wedge_it(registry, clean_night, tmp_path):
    """A night on another warehouse of the same instance holds the writer slot, then dies: this night still finishes."""
    deployment = Deployment.create(tmp_path, registry)
    night = deployment.start()
    lines = []
    for line in night.stderr:
        lines.append(line)
        if re.search(STAGE_LINES["crawl"], line):
            break
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    owner = ProcessIdentity(other.pid, ProcessIdentity.current().host, process_start_ticks(other.pid))
    other_paths = Paths(data_dir=tmp_path / "other", warehouse=tmp_path / "other.duckdb")
    holder = started_run(deployment.instance(), owner, other_paths, holding_pool=True)
    other.kill()
    other.wait()
    out, err = night.communicate(timeout=NIGHT_TIMEOUT_S)
    output = "".join(lines) + err + out
    assert night.returncode == 0, output
    assert f"recovery: run {holder} was left STARTED by pid {other.pid}, which is gone: marked it failed" in output
    assert f"recovery: freed the concurrency slots held by finished run {holder}" in output
    assert_left_nothing_running(deployment)
    assert_publishes_the_clean_night(deployment, clean_night, after_a_crawl=False)
