"""Faults of the machine a night runs on fail the night; they are never blamed on a portal."""
import builtins
import errno
import hashlib
import os

import pytest

from pipeline.archive import store
from pipeline.fixtures.portal import FixtureServer
from pipeline.orchestrate.runner import run_nightly
from pipeline.registry.portals import portal_entry, write_registry
from pipeline.warehouse.publish import connect_published

pytestmark = pytest.mark.integration


def full_disk(path, mode="r", *args, **kwargs):
    """`open` on a full disk: a file opened for writing is created empty, and writing to it fails."""
    handle = builtins.open(path, mode, *args, **kwargs)
    if "w" in mode:
        handle.close()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    return handle


def one_portal_night(tmp_path, server, **overrides):
    registry = tmp_path / "registry.json"
    write_registry((portal_entry(p) for p in server.portals() if p.portal_id == "hanweb-haiyan"), registry,
                   version="test", about="one fixture portal")
    return {"data_dir": str(tmp_path / "data"), "warehouse": str(tmp_path / "gongkai.duckdb"),
            "registry_path": str(registry), "allow_loopback": True, "min_delay_s": 0.01, "jitter_s": 0.0, **overrides}


def test_a_full_archive_disk_fails_the_night_and_leaves_no_temp_files_and_the_warehouse_as_it_was(
        tmp_path, dagster_home, monkeypatch):
    with FixtureServer(host_base="127.0.13.2") as server:
        config = one_portal_night(tmp_path, server)
        first = run_nightly(config, progress=False)
        assert first.success and first.portal_outcomes == {"ok": 1}
        published = hashlib.sha256((tmp_path / "gongkai.duckdb").read_bytes()).hexdigest()

        server.change_report("hanweb-haiyan")   # tonight's new bytes must go to the archive
        monkeypatch.setattr(store, "open", full_disk, raising=False)
        night = run_nightly(config, progress=False)

    assert not night.success and night.failed_steps == ["crawled_documents"]
    assert "No space left on device" in night.step_errors["crawled_documents"]
    assert "ArchiveWriteError: cannot write" in night.render() and "/blobs/" in night.render()
    assert night.portal_outcomes == {"ok": 1}, "the portal is not blamed (its last health stands)"
    assert hashlib.sha256((tmp_path / "gongkai.duckdb").read_bytes()).hexdigest() == published
    with connect_published(tmp_path / "gongkai.duckdb") as con:
        assert con.execute("SELECT DISTINCT outcome FROM core_portal_health").fetchall() == [("ok",)]
    leftovers = [path for path in (tmp_path / "data").rglob("*")   # the parse cache's lock file is empty by design
                 if path.is_file() and path.name != ".lock" and (path.name.endswith(".tmp") or path.stat().st_size == 0)]
    assert leftovers == []


def test_a_memory_limit_too_small_for_the_parser_fails_the_night_as_a_resource_error(tmp_path, dagster_home):
    with FixtureServer(host_base="127.0.14.2") as server:
        night = run_nightly(one_portal_night(tmp_path, server, parse_memory_mb=64), progress=False)
    assert not night.success and night.failed_steps == ["parsed_reports"]
    assert "WorkerStartupError" in night.step_errors["parsed_reports"]
    assert "64 MB memory limit" in night.render() and "Raise the limit" in night.render()
    assert not (tmp_path / "gongkai.duckdb").exists()
