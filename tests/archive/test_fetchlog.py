"""Fetch log: one Parquet file per run, never rewritten; validators for tomorrow's conditional GETs."""
from __future__ import annotations

import uuid
from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.archive import FetchEntry, FetchLog, Validators
from pipeline.archive.fetchlog import FETCHLOG_SCHEMA

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
SHA_A, SHA_B = "a" * 64, "b" * 64


def entry(url="http://www.a.gov.cn/list.html", *, minutes=0, outcome="ok", status=200, method="GET",
          sha256=SHA_A, etag='"e1"', last_modified=None, final_url=None, content_type=None) -> FetchEntry:
    return FetchEntry(
        url=url, final_url=final_url or url, method=method, status=status, outcome=outcome, portal_id="p1",
        purpose="listing", referrer=None, fetched_at=T0 + timedelta(minutes=minutes), elapsed_s=0.2,
        etag=etag, last_modified=last_modified, sha256=sha256, size=10, content_type=content_type,
    )


def test_schema_covers_every_entry_field():
    assert list(FETCHLOG_SCHEMA) == [f.name for f in fields(FetchEntry)]


def test_close_writes_one_parquet_file_per_run(tmp_path):
    for run_id, count in (("2026-03-01", 2), ("2026-03-02", 1)):
        log = FetchLog(tmp_path, run_id)
        for minute in range(count):
            log.record(entry(minutes=minute))
        log.close()
        log.close()  # idempotent
    files = sorted(p.name for p in (tmp_path / "fetchlog").iterdir())
    assert files == ["run=2026-03-01.parquet", "run=2026-03-02.parquet"]
    frame = FetchLog.read_all(tmp_path)
    assert frame.height == 3 and sorted(set(frame["run_id"])) == ["2026-03-01", "2026-03-02"]
    assert frame.schema["fetched_at"] == FETCHLOG_SCHEMA["fetched_at"]


def test_a_run_id_is_never_rewritten(tmp_path):
    FetchLog(tmp_path, "r1").close()
    with pytest.raises(ValueError, match="already exists"):
        FetchLog(tmp_path, "r1")


def test_recording_after_close_is_refused(tmp_path):
    log = FetchLog(tmp_path, "r1")
    log.close()
    with pytest.raises(RuntimeError, match="closed"):
        log.record(entry())


@pytest.mark.parametrize("run_id", ["", "../escape", "a/b", "x" * 200])
def test_run_ids_must_name_a_file(tmp_path, run_id):
    with pytest.raises(ValueError, match="run id"):
        FetchLog(tmp_path, run_id)


def test_context_manager_closes(tmp_path):
    with FetchLog(tmp_path, "r1") as log:
        log.record(entry())
    assert FetchLog.read_all(tmp_path).height == 1


def test_read_all_of_an_empty_archive_has_the_schema(tmp_path):
    frame = FetchLog.read_all(tmp_path)
    assert frame.height == 0 and frame.schema == FETCHLOG_SCHEMA


def test_latest_validators_use_the_most_recent_successful_get(tmp_path):
    with FetchLog(tmp_path, "night1") as log:
        log.record(entry(minutes=0, etag='"old"', sha256=SHA_A))
        log.record(entry("http://www.a.gov.cn/gone.html", minutes=0, outcome="http_error", status=404,
                         sha256=None, etag=None))
    with FetchLog(tmp_path, "night2") as log:
        log.record(entry(minutes=1440, etag='"new"', last_modified="Mon, 02 Mar 2026 01:00:00 GMT", sha256=SHA_B))
        log.record(entry(minutes=1441, outcome="http_error", status=503, sha256=None, etag=None))
        log.record(entry("http://www.a.gov.cn/post", method="POST", sha256=SHA_A))
        log.record(entry("http://www.a.gov.cn/old", final_url="http://www.a.gov.cn/new", etag='"moved"'))
    validators = FetchLog.latest_validators(tmp_path)
    assert validators["http://www.a.gov.cn/list.html"] == Validators('"new"', "Mon, 02 Mar 2026 01:00:00 GMT", SHA_B)
    assert validators["http://www.a.gov.cn/new"].etag == '"moved"', "keyed by the URL that served the body"
    assert "http://www.a.gov.cn/gone.html" not in validators and "http://www.a.gov.cn/post" not in validators


def test_fsspec_memory_root():
    root = f"memory://log-{uuid.uuid4().hex}"
    with FetchLog(root, "r1") as log:
        log.record(entry())
    assert FetchLog.read_all(root).height == 1
    assert FetchLog.latest_validators(root)["http://www.a.gov.cn/list.html"].sha256 == SHA_A


def test_validators_keep_the_last_content_type_a_304_did_not_repeat(tmp_path):
    with FetchLog(tmp_path, "night1") as log:
        log.record(entry(minutes=0, etag='"v1"', sha256=SHA_A, content_type="application/pdf"))
    with FetchLog(tmp_path, "night2") as log:
        log.record(entry(minutes=1440, etag='"v1"', sha256=SHA_A, outcome="not_modified", status=304))
    assert FetchLog.latest_validators(tmp_path)["http://www.a.gov.cn/list.html"].content_type == "application/pdf"
