"""A night's parsed tables as Parquet parts, written batch by batch and replaced as a whole.

Parts land in a staging directory beside the night's; only a finished parse swaps it in, so a
crashed parse leaves the last night's parts for the load, never half of tonight's.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from pipeline.report.frames import ReportFrames

FRAME_FILES = ("reports", "cells", "checks")


class ParsedParts:
    """The parts of one or more parsed directories (one per province partition), by table."""

    def __init__(self, *directories: Path) -> None:
        self.directories = [Path(directory) for directory in directories]

    def files(self, name: str) -> list[Path]:
        found = sorted(path for directory in self.directories for path in (directory / name).glob("part-*.parquet"))
        if not found:
            where = ", ".join(str(directory / name) for directory in self.directories) or "no parsed directory"
            raise FileNotFoundError(f"no parsed {name} at {where}; run the parse stage first")
        return found

    def scan(self, name: str) -> pl.LazyFrame:
        return pl.scan_parquet(self.files(name))


class PartsWriter:
    """Writes parts into staging; on a clean exit the staging directory replaces `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.written = 0
        self.staging: Path | None = None

    def __enter__(self) -> PartsWriter:
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=self.directory.name + ".", dir=self.directory.parent))
        for name in FRAME_FILES:
            (self.staging / name).mkdir()
        return self

    def write(self, frames: ReportFrames) -> None:
        for name in FRAME_FILES:
            getattr(frames, name).write_parquet(self.staging / name / f"part-{self.written:05d}.parquet")
        self.written += 1

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        if not self.written:   # an empty night still hands the load a schema
            from pipeline.report.frames import ReportFrames
            self.write(ReportFrames.empty())
        retired = self.directory.with_name(self.directory.name + ".retired")
        shutil.rmtree(retired, ignore_errors=True)
        if self.directory.exists():
            os.replace(self.directory, retired)
        os.replace(self.staging, self.directory)
        shutil.rmtree(retired, ignore_errors=True)
