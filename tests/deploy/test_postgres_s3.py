"""One demo night on the production deployment's storage: the Dagster instance on PostgreSQL
(deploy/dagster.yaml) and the raw archive on S3 (GONGKAI_ARCHIVE_ROOT=s3://…, moto's server),
then a night killed with SIGKILL is cleared from the PostgreSQL instance by recovery.

Skipped, saying what is missing, unless PostgreSQL's server binaries and the `.[deploy]` extra
are installed; GONGKAI_REQUIRE_DEPLOY=1 (as .ci/run sets) turns the skip into a failure.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

import dagster as dg
import pytest
import yaml

from pipeline.config import Paths, project_root
from pipeline.defs.partitions import PROVINCES
from pipeline.defs.resources import GongkaiResource
from pipeline.defs.warehouse.assets import DUCKDB_WRITER_POOL
from pipeline.orchestrate import recovery, stages
from pipeline.orchestrate.demo import DemoLayout, run_demo
from pipeline.orchestrate.lock import ProcessIdentity, process_start_ticks
from pipeline.warehouse.publish import connect_published
from pipeline.fixtures.portal import FixtureServer
from pipeline.registry.portals import portal_entry, write_registry
from tests.deploy.servers import free_port, missing_tools, postgres_server, s3_server

pytestmark = pytest.mark.deploy

BUCKET = "gongkai"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """PostgreSQL and S3 up, DAGSTER_HOME holding deploy/dagster.yaml, the archive root on the bucket."""
    if missing := missing_tools():
        message = "the PostgreSQL + S3 deployment test needs " + "; ".join(missing)
        if os.environ.get("GONGKAI_REQUIRE_DEPLOY") == "1":
            pytest.fail(message)
        pytest.skip(message)
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copyfile(project_root() / "deploy" / "dagster.yaml", home / "dagster.yaml")
    with postgres_server() as postgres, s3_server(BUCKET) as s3, pytest.MonkeyPatch.context() as env:
        for name, value in {**postgres.env(), **s3.env(), "DAGSTER_HOME": str(home),
                            "GONGKAI_ARCHIVE_ROOT": f"s3://{BUCKET}/archive"}.items():
            env.setenv(name, value)
        yield postgres, s3


@pytest.fixture(scope="module")
def night(deployment, tmp_path_factory):
    """The demo's night, run as `gongkai demo` runs it (the nightly job in-process, over every province)."""
    layout = DemoLayout(directory=tmp_path_factory.mktemp("demo"), warehouse=tmp_path_factory.mktemp("w") / "demo.duckdb")
    result = run_demo(layout, progress=False, port=free_port())
    return layout, result


def test_the_night_runs_on_postgresql_and_archives_to_s3(night):
    import psycopg2
    import s3fs
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

    layout, result = night
    assert result.success, result.render()
    instance = dg.DagsterInstance.get()
    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert set(instance.get_materialized_partitions(dg.AssetKey("parsed_reports"))) == set(PROVINCES.get_partition_keys())

    pg = {key: os.environ[f"DAGSTER_PG_{key.upper()}"] for key in ("host", "port", "user")}
    with psycopg2.connect(dbname=os.environ["DAGSTER_PG_DB"], **pg) as con, con.cursor() as cursor:
        cursor.execute("SELECT pipeline_name, status FROM runs WHERE run_id = %s", (result.run_id,))
        assert cursor.fetchall() == [("nightly", "SUCCESS")]

    config = GongkaiResource(data_dir=str(layout.data_dir), warehouse=str(layout.warehouse)).night_config()
    assert config.paths.archive_root == f"s3://{BUCKET}/archive"
    blobs = {key.rsplit("/", 1)[-1] for key in s3fs.S3FileSystem().find(f"{BUCKET}/archive/blobs")}
    documents = stages.read_documents(config)
    assert documents and {record.sha256 for record in documents} <= blobs
    assert not (layout.data_dir / "archive").exists(), "nothing archived locally"

    with connect_published(layout.warehouse) as con:
        reports, facts = con.execute("SELECT (SELECT count(*) FROM core_report), "
                                     "(SELECT count(*) FROM core_fact_applications)").fetchone()
    assert reports == result.reports > 0 and facts > 0


def test_a_night_killed_with_sigkill_is_cleared_from_the_postgresql_instance(night, tmp_path):
    layout, _ = night
    instance = dg.DagsterInstance.get()
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = ProcessIdentity(killed.pid, socket.gethostname(), process_start_ticks(killed.pid))
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    instance.add_run(dg.DagsterRun(job_name="nightly", run_id="killed-night", status=dg.DagsterRunStatus.STARTED,
                                   tags=recovery.owner_tags(dead, layout.warehouse)))
    instance.event_log_storage.claim_concurrency_slot(DUCKDB_WRITER_POOL, "killed-night", "warehouse_tables")
    assert recovery.pool_holders(instance, DUCKDB_WRITER_POOL) == ["killed-night"]

    lines = recovery.recover(instance, Paths(data_dir=tmp_path, warehouse=layout.warehouse), "next-night")
    assert instance.get_run_by_id("killed-night").status == dg.DagsterRunStatus.FAILURE
    assert recovery.pool_holders(instance, DUCKDB_WRITER_POOL) == []
    assert any("killed-night" in line and "marked it failed" in line for line in lines), lines


def test_queued_province_runs_are_launched_by_the_daemon_each_in_a_process_of_its_own(night, tmp_path):
    """deploy/dagster.yaml's queue and launcher: two province runs submitted (as the schedule does),
    dequeued by `dagster-daemon` and each run by DefaultRunLauncher in a process of its own."""
    layout, _ = night
    bin_dir = os.path.dirname(sys.executable)
    location = ["-m", "pipeline.definitions", "-d", str(project_root())]
    with FixtureServer(port=free_port()) as server:
        registry = tmp_path / "registry.json"
        write_registry((portal_entry(p) for p in server.portals() if p.portal_id in ("hanweb-haiyan", "gkmlpt-huilai")),
                       registry, version="test", about="one fixture portal in each of two provinces")
        run_config = tmp_path / "run.yaml"
        run_config.write_text(yaml.safe_dump({"resources": {"gongkai": {"config": {
            "data_dir": str(layout.data_dir), "warehouse": str(layout.warehouse), "registry_path": str(registry),
            "allow_loopback": True, "min_delay_s": 0.02, "jitter_s": 0.01, "retries": 1, "backoff_base_s": 0.05,
            "render": False}}},
            # each run's steps in its run worker: the runs are the processes this checks, and step
            # processes would only load the code again
            "execution": {"config": {"in_process": {}}}}), encoding="utf-8")
        run_ids = {province: str(uuid.uuid4()) for province in ("33", "44")}
        for province, run_id in run_ids.items():
            launch = subprocess.run([os.path.join(bin_dir, "dagster"), "job", "launch", *location, "-j", "provinces",
                                     "-c", str(run_config), "--run-id", run_id,
                                     "--tags", f'{{"dagster/partition": "{province}"}}'],
                                    capture_output=True, text=True, cwd=project_root())
            assert launch.returncode == 0, launch.stderr[-3000:]
        run_ids = list(run_ids.values())
        instance = dg.DagsterInstance.get()
        assert {instance.get_run_by_id(run_id).status for run_id in run_ids} == {dg.DagsterRunStatus.QUEUED}

        daemon = subprocess.Popen([os.path.join(bin_dir, "dagster-daemon"), "run", *location], cwd=project_root(),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 240   # runs start as code loads; a loaded CI machine is slow
            while not all(instance.get_run_by_id(run_id).is_finished for run_id in run_ids):
                assert time.monotonic() < deadline, [instance.get_run_by_id(run_id).status for run_id in run_ids]
                time.sleep(1)
        finally:
            os.killpg(daemon.pid, signal.SIGTERM)
            daemon.wait(timeout=60)
    runs = [instance.get_run_by_id(run_id) for run_id in run_ids]
    assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS] * 2
    processes = {event.dagster_event.pid for run_id in run_ids for event in instance.all_logs(run_id) if event.is_dagster_event
                 and event.dagster_event.event_type == dg.DagsterEventType.RUN_START}
    assert len(processes) == 2 and os.getpid() not in processes, "each run in its own process"
    assert (layout.data_dir / "stages" / "crawl" / "44" / "documents.parquet").exists()
