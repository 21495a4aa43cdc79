"""Parses kept across nights, keyed by parse key (the document's sha256) under the parser version.

The cache is Parquet parts, one per batch parsed: `<root>/parts/<parser version>/<part>/`
holding the batch's ParseOutput tables. A night finds its documents in the parts' key columns
and reads whole parts, so an unchanged night re-parses nothing and opens no file per document.
A changed parser version starts an empty directory. The cache of earlier gongkai versions
(one JSON file per document, `<root>/<parser version>/<key>.json`) is read for a document only
when the parts do not hold it, and what it held is written into a part.

Nights that change a few documents each leave a small part each, and a re-parsed document leaves
its old rows in an older part. `compact` merges such parts into one holding only the rows each
key's index entry points at, and removes the parts of other parser versions, so the cache stays
near the size of what it serves. Nights read under a shared lock and compaction takes the lock
exclusively without waiting: it never removes a part a night is reading, and skips a busy night.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from pipeline.report.model import ParsedReport
from pipeline.report.parse_output import PARSE_KEY, ParseOutput

TABLES = ("documents", "cells", "checks")
PART = "cache_part"
SMALL_PART_DOCUMENTS = 200     # a part with fewer documents is merged once there are several
MERGE_AFTER_PARTS = 8          # how many small or mostly stale parts wait before they are merged
STALE_FRACTION = 0.5           # a part whose documents are mostly parsed again in newer parts is merged


class ParseCache:
    def __init__(self, root: Path, parser_version: str) -> None:
        self.versions_directory = Path(root) / "parts"
        self.directory = self.versions_directory / parser_version
        self.legacy_directory = Path(root) / parser_version
        self._index: pl.DataFrame | None = None   # read once, then kept up to date by add: a night asks per province

    def parts(self) -> list[Path]:
        """Finished parts, oldest first (names start with the time they were written)."""
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.iterdir() if p.is_dir() and not p.name.startswith("."))

    def index(self) -> pl.DataFrame:
        """(parse_key, cache_part) for every cached parse; a key parsed twice is found in its newest part."""
        if self._index is None:
            self._index = self._read_index()
        return self._index

    def _read_index(self) -> pl.DataFrame:
        parts = self.parts()
        if not parts:
            return pl.DataFrame(schema={PARSE_KEY: pl.Utf8, PART: pl.Utf8})
        keys = pl.concat([
            pl.scan_parquet(part / "documents.parquet").select(PARSE_KEY).with_columns(pl.lit(part.name).alias(PART))
            for part in parts
        ])
        return keys.unique(PARSE_KEY, keep="last", maintain_order=True).collect()

    def read(self, part: str) -> ParseOutput:
        return ParseOutput(*(pl.read_parquet(self.directory / part / f"{table}.parquet") for table in TABLES))

    def add(self, output: ParseOutput) -> None:
        """Write a part atomically: a crash leaves no part or a whole one."""
        if not output.documents.height:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".part.", dir=self.directory))
        try:
            for table in TABLES:
                getattr(output, table).write_parquet(staging / f"{table}.parquet")
            part = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
            os.replace(staging, self.directory / part)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        if self._index is not None:
            keys = output.documents.select(PARSE_KEY).unique(maintain_order=True).with_columns(pl.lit(part).alias(PART))
            self._index = pl.concat([self._index.join(keys, on=PARSE_KEY, how="anti"), keys])

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Held while a night finds and reads parts, so compaction never removes one under it."""
        with self._lock(fcntl.LOCK_SH):
            yield

    def compact(self) -> int:
        """Merge small and mostly stale parts into one and drop other parser versions' parts.

        Returns the number of parts merged; 0 when there was nothing to do or a night holds the cache.
        """
        try:
            with self._lock(fcntl.LOCK_EX | fcntl.LOCK_NB):
                self._remove_other_versions()
                merged = self._merge_parts()
                self._index = None
                return merged
        except BlockingIOError:
            return 0

    def _merge_parts(self) -> int:
        index = self.index()
        live = index.group_by(PART).len("live")
        sizes = pl.DataFrame(
            [(part.name, pl.scan_parquet(part / "documents.parquet").select(pl.len()).collect().item())
             for part in self.parts()],
            schema={PART: pl.Utf8, "documents": pl.Int64}, orient="row",
        ).join(live, on=PART, how="left").fill_null(0)
        mergeable = sizes.filter(
            (pl.col("documents") < SMALL_PART_DOCUMENTS) | (pl.col("live") < pl.col("documents") * (1 - STALE_FRACTION))
        )[PART].to_list()
        if len(mergeable) < MERGE_AFTER_PARTS:
            return 0
        keys = index.filter(pl.col(PART).is_in(mergeable))
        merged = [pl.concat([
            getattr(self.read(part), table).join(keys.filter(pl.col(PART) == part).select(PARSE_KEY), on=PARSE_KEY)
            for part in mergeable
        ]) for table in TABLES]
        self.add(ParseOutput(*merged))
        for part in mergeable:
            shutil.rmtree(self.directory / part)
        return len(mergeable)

    def _remove_other_versions(self) -> None:
        for directory in self.versions_directory.iterdir():
            if directory.is_dir() and directory != self.directory:
                shutil.rmtree(directory)
        for directory in self.legacy_directory.parent.iterdir():
            if directory.is_dir() and directory not in (self.versions_directory, self.legacy_directory):
                shutil.rmtree(directory)

    @contextmanager
    def _lock(self, mode: int) -> Iterator[None]:
        self.versions_directory.mkdir(parents=True, exist_ok=True)
        with open(self.versions_directory / ".lock", "a+b") as handle:
            fcntl.flock(handle, mode)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def legacy(self, key: str, sha256: str) -> ParsedReport | None:
        """The parse an earlier gongkai cached as JSON for this document, if it did."""
        path = self.legacy_directory / f"{key}.json"
        if not path.is_file():
            return None
        return ParsedReport.from_contract(json.loads(path.read_text(encoding="utf-8")), sha256=sha256)
