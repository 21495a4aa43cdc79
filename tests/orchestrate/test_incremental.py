"""Incremental nights stay honest: a 304 keeps what the warehouse knew, and a night that crashed
after its crawl changes nothing its rerun reports. Stage functions over the loopback portals."""
import pytest

from pipeline.config import Paths
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.portal import FixtureServer
from pipeline.orchestrate import stages
from pipeline.registry.portals import portal_entry, write_registry
from pipeline.warehouse.publish import connect_published

pytestmark = pytest.mark.integration

SIGHTING_COLUMNS = ("run_id", "last_seen_at")   # the only document fields a night that saw nothing new changes


def publish_night(config, portals, run_id):
    stages.crawl(config, portals, run_id)
    stages.verify_archive(config)
    stages.parse(config)
    stages.load_warehouse(config, run_id)
    stages.publish_warehouse(config, run_id)


def crawl_health(config):
    return {row["portal_id"]: row for row in stages.read_health(config).iter_rows(named=True)}


def warehouse_health(config, run_id):
    with connect_published(config.paths.warehouse) as con:
        frame = con.sql("SELECT * FROM core_portal_health WHERE run_id = ?", params=[run_id]).pl()
    return {row["portal_id"]: row for row in frame.iter_rows(named=True)}


def documents(config):
    with connect_published(config.paths.warehouse) as con:
        frame = con.sql("SELECT * FROM core_document").pl()
    return {(row["document_sha256"], row["url"]): row for row in frame.iter_rows(named=True)}


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Night 1 crashes after its crawl and is rerun; a report changes; night 2 does the same."""
    tmp_path = tmp_path_factory.mktemp("incremental")
    with FixtureServer(slow_delay_s=0.05, huge_size_bytes=3 * 1024 * 1024, host_base="127.0.12.2") as server:
        registry = tmp_path / "registry.json"
        write_registry((portal_entry(p) for p in server.portals()), registry, version="test", about="fixture portals")
        config = stages.NightConfig(
            paths=Paths(data_dir=tmp_path / "data", warehouse=tmp_path / "gongkai.duckdb"),
            registry_path=registry,
            fetch=FetchSettings(allow_loopback=True, min_delay_s=0.01, jitter_s=0.0, retries=2, backoff_base_s=0.05,
                                max_bytes=1024 * 1024),
        )
        portals = stages.load_registry(config)
        result = {"expected": server.expected_outcomes()}
        stages.crawl(config, portals, "night-1")                  # ... and the night dies here
        result["crashed_1"] = crawl_health(config)
        publish_night(config, portals, "night-1-rerun")
        result["rerun_1"] = crawl_health(config)
        result["warehouse_1"] = warehouse_health(config, "night-1-rerun")
        result["documents_1"] = documents(config)
        result["changed"] = server.change_report("hanweb-haiyan")
        stages.crawl(config, portals, "night-2")                  # ... and this night dies here too
        result["crashed_2"] = crawl_health(config)
        publish_night(config, portals, "night-2-rerun")
        result["rerun_2"] = crawl_health(config)
        result["warehouse_2"] = warehouse_health(config, "night-2-rerun")
        result["documents_2"] = documents(config)
        result["crawled_2"] = stages.read_documents(config)
    return result


def test_a_rerun_after_a_crash_past_the_crawl_reports_what_changed_since_the_last_published_night(nights):
    moved = next(pid for pid, outcome in nights["expected"].items() if outcome == "column_moved")
    for night in ("crashed_1", "rerun_1", "warehouse_1"):
        health = nights[night]
        assert health[moved]["outcome"] == "column_moved", night
        readable = [row for pid, row in health.items() if nights["expected"][pid] in ("ok", "column_moved")]
        assert readable and all(row["documents_new"] == row["documents_found"] > 0 for row in readable), night
    for night in ("crashed_2", "rerun_2", "warehouse_2"):
        health = nights[night]
        assert health[moved]["outcome"] == "ok", night   # the published night-1 remembers the moved column
        assert {pid: row["documents_new"] for pid, row in health.items() if row["documents_new"]} == {"hanweb-haiyan": 1}
    assert {pid: (row["outcome"], row["documents_new"]) for pid, row in nights["warehouse_2"].items()} == {
        pid: (row["outcome"], row["documents_new"]) for pid, row in nights["rerun_2"].items()}


def test_not_modified_documents_keep_every_field_as_last_seen(nights):
    assert nights["crawled_2"] and all(record.not_modified for record in nights["crawled_2"])
    before, after = nights["documents_1"], nights["documents_2"]
    assert before and all(row["content_type"] for row in after.values())
    seen_tonight = {(record.sha256, record.url) for record in nights["crawled_2"]}
    assert [url for key, url in before if (key, url) not in seen_tonight] == [nights["changed"].url]
    for key, row in before.items():
        kept = after[key]
        if key not in seen_tonight:   # the replaced version of the changed report: untouched
            assert kept == row
            continue
        assert {k: v for k, v in kept.items() if k not in SIGHTING_COLUMNS} == {
            k: v for k, v in row.items() if k not in SIGHTING_COLUMNS}, key
        assert kept["run_id"] == "night-2-rerun" and kept["last_seen_at"] > row["last_seen_at"]
    changed = next(row for (sha, _), row in after.items() if sha == nights["changed"].sha256)
    assert changed["content_type"] == before[next(k for k in before if k[1] == changed["url"])]["content_type"]
