"""Append-only log of every HTTP request the crawl made, one Parquet file per run.

The log is the evidence behind the archive (which URL served which bytes, when, and why a
fetch failed) and the memory the next night's crawl uses for conditional GETs. Each run
writes ``{archive root}/fetchlog/run=<run_id>.parquet`` once, at ``close()``: nothing is
ever rewritten.
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NamedTuple

import polars as pl

from pipeline.archive.store import Storage

Purpose = Literal["home", "column", "listing", "article", "attachment", "robots", "render"]  # render: a browser request
Outcome = Literal[
    "ok", "not_modified", "blocked", "robots_disallowed", "http_error", "unreachable",
    "too_large", "redirect_loop", "forbidden_host", "truncated",
    "redirect",  # an intermediate hop of a redirect chain (log rows only, never a FetchResult outcome)
]

FETCHLOG_DIR = "fetchlog"
_RUN_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


@dataclass(frozen=True)
class FetchEntry:
    """One HTTP request (one attempt of one hop) and what came of it."""
    url: str                          # the URL the caller asked for
    final_url: str                    # the URL this request went to (differs from url after a redirect)
    method: str
    status: int | None
    outcome: Outcome
    portal_id: str
    purpose: Purpose
    referrer: str | None
    fetched_at: datetime              # when the request started (UTC)
    elapsed_s: float
    run_id: str = ""                  # filled in by FetchLog.record
    attempt: int = 1                  # 1 for the first try, 2.. for retries
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_length: str | None = None
    retry_after: str | None = None
    location: str | None = None
    encoding: str | None = None
    sha256: str | None = None
    size: int | None = None
    error: str | None = None


FETCHLOG_SCHEMA: dict[str, pl.DataType] = {
    "url": pl.Utf8, "final_url": pl.Utf8, "method": pl.Utf8, "status": pl.Int32, "outcome": pl.Utf8,
    "portal_id": pl.Utf8, "purpose": pl.Utf8, "referrer": pl.Utf8,
    "fetched_at": pl.Datetime("us", "UTC"), "elapsed_s": pl.Float64, "run_id": pl.Utf8, "attempt": pl.Int32,
    "content_type": pl.Utf8, "etag": pl.Utf8, "last_modified": pl.Utf8, "content_length": pl.Utf8,
    "retry_after": pl.Utf8, "location": pl.Utf8, "encoding": pl.Utf8, "sha256": pl.Utf8,
    "size": pl.Int64, "error": pl.Utf8,
}


class Validators(NamedTuple):
    """What a conditional GET needs: the last validators a URL answered with and the body they cover.

    `content_type` is the header the body came with: a 304 rarely repeats it, and the document
    it confirms keeps its type.
    """
    etag: str | None
    last_modified: str | None
    sha256: str
    content_type: str | None = None


class FetchLog:
    """Collects a run's fetches in memory and writes them as one Parquet file on ``close()``."""

    def __init__(self, archive_root: str | os.PathLike, run_id: str) -> None:
        if not _RUN_ID.match(run_id):
            raise ValueError(
                f"run id {run_id!r} cannot name a log file: use 1-128 letters, digits, '_', '-', '.', ':'"
            )
        self._storage = Storage(archive_root)
        self._relpath = f"{FETCHLOG_DIR}/run={run_id}.parquet"
        if self._storage.exists(self._relpath):
            raise ValueError(
                f"a fetch log for run {run_id!r} already exists at {self._storage.location(self._relpath)}; "
                "logs are never rewritten, so start the run under a new run id"
            )
        self.run_id = run_id
        self._entries: list[dict] = []
        self._closed = False

    def record(self, entry: FetchEntry) -> None:
        if self._closed:
            raise RuntimeError(f"fetch log for run {self.run_id!r} is closed; record fetches before close()")
        row = dict(vars(entry))   # shallow: every field is a scalar; asdict's deep copy costs per request
        row["run_id"] = self.run_id
        self._entries.append(row)

    def __len__(self) -> int:
        return len(self._entries)

    def frame(self) -> pl.DataFrame:
        """This run's entries so far."""
        return pl.DataFrame(self._entries, schema=FETCHLOG_SCHEMA)

    def close(self) -> None:
        """Write the run's file (once; later calls do nothing). A run with no fetches writes an empty file."""
        if self._closed:
            return
        buffer = io.BytesIO()
        self.frame().write_parquet(buffer)
        self._storage.write_atomic(self._relpath, buffer.getvalue())
        self._closed = True

    def __enter__(self) -> FetchLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @staticmethod
    def read_all(archive_root: str | os.PathLike) -> pl.DataFrame:
        """Every run's entries, oldest run file first (empty frame with the log schema if none)."""
        return _read_runs(Storage(archive_root), list(FETCHLOG_SCHEMA))

    @staticmethod
    def latest_validators(archive_root: str | os.PathLike) -> dict[str, Validators]:
        """For each URL that served a body, the validators of its most recent successful GET.

        Keyed by the URL the body came from (``final_url``): the fetcher looks up every hop of a
        redirect chain, so a moved page still gets a conditional request at its new address.
        """
        log = _read_runs(Storage(archive_root), ["final_url", "method", "outcome", "fetched_at",
                                                 "etag", "last_modified", "sha256", "content_type"])
        latest = (
            log.filter(
                pl.col("outcome").is_in(["ok", "not_modified"])
                & (pl.col("method") == "GET")
                & pl.col("sha256").is_not_null()
            )
            .sort("fetched_at")
            .group_by("final_url")
            .agg(pl.col("etag").last(), pl.col("last_modified").last(), pl.col("sha256").last(),
                 pl.col("content_type").drop_nulls().last())
        )
        return {
            row["final_url"]: Validators(row["etag"], row["last_modified"], row["sha256"], row["content_type"])
            for row in latest.iter_rows(named=True)
        }


def _read_runs(storage: Storage, columns: list[str]) -> pl.DataFrame:
    """The named columns of every run file (only those are decoded: the log grows every night)."""
    schema = {name: FETCHLOG_SCHEMA[name] for name in columns}
    frames = [
        pl.read_parquet(io.BytesIO(storage.read(relpath)), columns=columns).cast(schema)
        for relpath in storage.list(FETCHLOG_DIR, ".parquet")
    ]
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames, how="vertical")
