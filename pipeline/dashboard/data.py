"""The dashboard's data: the SQL files of `sql/dashboard/` run on the newest published night.

Every query goes through one `PublishedWarehouse`, which re-opens the file when a publish
replaced it, so the dashboard shows each new night on its next page load without a restart.
"""
from __future__ import annotations

import os
from functools import cache

import polars as pl

from pipeline.archive import Archive
from pipeline.warehouse import sqlfiles
from pipeline.warehouse.read import PublishedWarehouse

WAREHOUSE_ENV = "GONGKAI_WAREHOUSE"


@cache
def warehouse() -> PublishedWarehouse:
    return PublishedWarehouse(os.environ.get(WAREHOUSE_ENV) or None)


def query(name: str, **params) -> pl.DataFrame:
    """Run `sql/dashboard/<name>.sql` with its named parameters."""
    return warehouse().query(sqlfiles.query_text(f"dashboard/{name}.sql"), params or None)


def archived_copy(sha256: str) -> tuple[str, bytes] | None:
    """Where the report's archived bytes live and the bytes, or None when no archive holds them.

    The archive is $GONGKAI_ARCHIVE_ROOT (a directory or an fsspec URL such as s3://bucket/archive,
    as the night wrote it) or else the data dir's `archive/`.
    """
    data_dir = os.environ.get("GONGKAI_DATA_DIR")
    root = os.environ.get("GONGKAI_ARCHIVE_ROOT") or (os.path.join(data_dir, "archive") if data_dir else None)
    if not root or not sha256:
        return None
    archive = Archive(root)
    try:
        return archive.path_for(sha256), archive.get(sha256)
    except (KeyError, ValueError, OSError):
        return None
