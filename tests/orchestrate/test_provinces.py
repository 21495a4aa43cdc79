"""Province partitions: fixed from the shipped registry; one province runs (and reruns) alone without
touching the others' outputs; the one warehouse load reads every province's latest outputs; the
schedule fans a night out per province and the sensor loads once they have all finished."""
import dataclasses
import os
from datetime import datetime

import dagster as dg
import polars as pl
import pytest

from pipeline.archive import Archive
from pipeline.config import Paths
from pipeline.crawl.records import DocumentRecord
from pipeline.definitions import defs
from pipeline.defs.partitions import PROVINCES, all_provinces_tags, described
from pipeline.defs.schedules import NIGHT_TAG, PROVINCES_JOB_NAME, WAREHOUSE_JOB_NAME, load_after_provinces, nightly_crawl
from pipeline.fixtures.portal import FixtureServer
from pipeline.orchestrate import stages
from pipeline.registry import load_portals
from pipeline.registry.portals import portal_entry, write_registry
from pipeline.warehouse.publish import connect_published

PORTALS = {"hanweb-haiyan": "33", "gkmlpt-huilai": "44", "generic-zeku": "63"}


def test_partitions_are_the_provinces_of_the_shipped_registry():
    keys = PROVINCES.get_partition_keys()
    assert keys == stages.registry_provinces(load_portals()) and len(keys) == 31
    assert described(["11", "44"]) == "11 北京市, 44 广东省"
    assert all_provinces_tags() == {"dagster/asset_partition_range_start": "11", "dagster/asset_partition_range_end": "65"}


def record(sha: str, url: str, *, not_modified: bool) -> dict:
    return dataclasses.asdict(DocumentRecord(
        portal_id="p-330424", division_code="330424", publisher="海盐县", publisher_level="county", title="报告",
        title_year=2024, url=url, listing_url=None, sha256=sha, content_type="text/plain", filename=None,
        size_bytes=5, fetched_at=datetime(2025, 2, 1), not_modified=not_modified))


def test_verify_archive_reads_back_only_documents_fetched_tonight(tmp_path, monkeypatch):
    config = stages.NightConfig(paths=Paths(data_dir=tmp_path / "data", warehouse=tmp_path / "w.duckdb"))
    archive = Archive(config.paths.archive_root)
    fresh, unchanged, lost = archive.put(b"new!!"), archive.put(b"older"), archive.put(b"gone!")
    os.remove(archive.path_for(lost))
    folder = config.paths.stage_dir / "crawl" / "33"
    folder.mkdir(parents=True)
    pl.DataFrame([record(fresh, "http://a/1", not_modified=False), record(unchanged, "http://a/2", not_modified=True),
                  record(lost, "http://a/3", not_modified=True)],
                 schema=stages.CRAWL_DOCUMENT_SCHEMA).write_parquet(folder / "documents.parquet")
    read = []
    original = Archive.get
    monkeypatch.setattr(Archive, "get", lambda self, sha: read.append(sha) or original(self, sha))

    summary = stages.verify_archive(config, ["33"])
    assert read == [fresh], "an unchanged document is checked by its size, not read back"
    assert (summary.documents, summary.verified, summary.hashed, summary.missing) == (3, 2, 1, [lost])
    assert summary.archive_bytes == 10


@pytest.fixture
def fixture_registry(tmp_path):
    with FixtureServer() as server:
        registry = tmp_path / "registry.json"
        write_registry((portal_entry(p) for p in server.portals() if p.portal_id in PORTALS), registry,
                       version="test", about="three fixture portals in three provinces")
        yield registry


def resource_config(tmp_path, registry) -> dict:
    return {"data_dir": str(tmp_path / "data"), "warehouse": str(tmp_path / "w.duckdb"), "registry_path": str(registry),
            "allow_loopback": True, "min_delay_s": 0.01, "jitter_s": 0.0, "retries": 1, "backoff_base_s": 0.05,
            "render": False}


def materialized_partitions(instance: dg.DagsterInstance, asset: str) -> set[str]:
    return set(instance.get_materialized_partitions(dg.AssetKey(asset)))


@pytest.mark.integration
def test_a_province_runs_alone_and_the_load_reads_every_province(tmp_path, dagster_home, fixture_registry):
    instance = dg.DagsterInstance.get()
    run_config = {"resources": {"gongkai": {"config": resource_config(tmp_path, fixture_registry)}}}
    provinces, warehouse = defs().resolve_job_def(PROVINCES_JOB_NAME), defs().resolve_job_def(WAREHOUSE_JOB_NAME)
    for province in ("33", "44"):
        assert provinces.execute_in_process(run_config=run_config, instance=instance, partition_key=province).success
    stage = tmp_path / "data" / "stages"
    assert sorted(p.name for p in (stage / "crawl").iterdir()) == ["33", "44"]
    assert sorted(p.name for p in (stage / "parsed").iterdir()) == ["33", "44"]
    assert materialized_partitions(instance, "parsed_reports") == {"33", "44"}
    guangdong = (stage / "crawl" / "44" / "documents.parquet").stat().st_mtime_ns

    assert warehouse.execute_in_process(run_config=run_config, instance=instance).success
    with connect_published(tmp_path / "w.duckdb") as con:
        loaded = dict(con.execute("SELECT left(division_code, 2), count(*) FROM core_report GROUP BY ALL").fetchall())
    assert set(loaded) == {"33", "44"} and all(loaded.values())

    assert provinces.execute_in_process(run_config=run_config, instance=instance, partition_key="33").success
    assert (stage / "crawl" / "44" / "documents.parquet").stat().st_mtime_ns == guangdong, "a rerun touches its province only"
    assert warehouse.execute_in_process(run_config=run_config, instance=instance).success
    with connect_published(tmp_path / "w.duckdb") as con:
        again = dict(con.execute("SELECT left(division_code, 2), count(*) FROM core_report GROUP BY ALL").fetchall())
    assert again == loaded


def test_the_schedule_fans_out_per_province_and_the_sensor_loads_once_all_have_finished():
    tick = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 12, 2, 2, 0))
    requests = nightly_crawl(tick)
    assert [r.partition_key for r in requests] == PROVINCES.get_partition_keys()
    assert {r.tags[NIGHT_TAG] for r in requests} == {"2026-12-02"}

    with dg.instance_for_test() as instance:
        assert isinstance(load_after_provinces(dg.build_sensor_context(instance=instance)), dg.SkipReason)
        for index, province in enumerate(PROVINCES.get_partition_keys()):
            status = dg.DagsterRunStatus.STARTED if index == 0 else dg.DagsterRunStatus.FAILURE if index == 1 \
                else dg.DagsterRunStatus.SUCCESS
            instance.add_run(dg.DagsterRun(job_name=PROVINCES_JOB_NAME, run_id=f"run-{province}", status=status,
                                           tags={NIGHT_TAG: "2026-12-02", "dagster/partition": province}))
        waiting = load_after_provinces(dg.build_sensor_context(instance=instance))
        assert isinstance(waiting, dg.SkipReason) and "30 of 31" in waiting.skip_message
        instance.report_run_failed(instance.get_run_by_id("run-11"))
        load = load_after_provinces(dg.build_sensor_context(instance=instance))
        assert isinstance(load, dg.RunRequest) and load.run_key == "2026-12-02/warehouse", \
            "a failed province does not hold the load back: it keeps its last outputs"


def test_the_load_reads_finished_province_outputs_only(tmp_path):
    config = stages.NightConfig(paths=Paths(data_dir=tmp_path, warehouse=tmp_path / "w.duckdb"))
    for folder in ("33", "44.k2x9_staging", "44.retired", "63"):
        (config.paths.stage_dir / "parsed" / folder / "reports").mkdir(parents=True)
    (config.paths.stage_dir / "parsed" / "11").mkdir()   # a province whose parse never finished
    assert stages.parsed_provinces(config) == ["33", "63"]
