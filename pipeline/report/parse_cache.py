"""Parses kept across nights, keyed by parse key (the document's sha256) under the parser version.

The cache is Parquet parts, one per batch parsed: `<root>/parts/<parser version>/<part>/`
holding the batch's ParseOutput tables. A night finds its documents in the parts' key columns
and reads whole parts, so an unchanged night re-parses nothing and opens no file per document.
A changed parser version starts an empty directory. The cache of earlier gongkai versions
(one JSON file per document, `<root>/<parser version>/<key>.json`) is read for a document only
when the parts do not hold it, and what it held is written into a part.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import polars as pl

from pipeline.report.model import ParsedReport
from pipeline.report.parse_output import PARSE_KEY, ParseOutput

TABLES = ("documents", "cells", "checks")
PART = "cache_part"


class ParseCache:
    def __init__(self, root: Path, parser_version: str) -> None:
        self.directory = Path(root) / "parts" / parser_version
        self.legacy_directory = Path(root) / parser_version

    def parts(self) -> list[Path]:
        """Finished parts, oldest first (names start with the time they were written)."""
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.iterdir() if p.is_dir() and not p.name.startswith("."))

    def index(self) -> pl.DataFrame:
        """(parse_key, cache_part) for every cached parse; a key parsed twice is found in its newest part."""
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
            os.replace(staging, self.directory / f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}")
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def legacy(self, key: str, sha256: str) -> ParsedReport | None:
        """The parse an earlier gongkai cached as JSON for this document, if it did."""
        path = self.legacy_directory / f"{key}.json"
        if not path.is_file():
            return None
        return ParsedReport.from_contract(json.loads(path.read_text(encoding="utf-8")), sha256=sha256)
