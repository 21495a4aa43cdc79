"""The dashboard's data: the SQL files of `sql/dashboard/` run on the newest published night.

Every query goes through one `PublishedWarehouse`, which re-opens the file when a publish
replaced it, so the dashboard shows each new night on its next page load without a restart.
"""
from __future__ import annotations

import os
from functools import cache

import polars as pl

from pipeline.warehouse import sqlfiles
from pipeline.warehouse.read import PublishedWarehouse

WAREHOUSE_ENV = "GONGKAI_WAREHOUSE"


@cache
def warehouse() -> PublishedWarehouse:
    return PublishedWarehouse(os.environ.get(WAREHOUSE_ENV) or None)


def query(name: str, **params) -> pl.DataFrame:
    """Run `sql/dashboard/<name>.sql` with its named parameters."""
    return warehouse().query(sqlfiles.query_text(f"dashboard/{name}.sql"), params or None)


def archived_copy(sha256: str) -> str | None:
    """The archived bytes' path when the archive sits beside the warehouse's data dir, else None."""
    data_dir = os.environ.get("GONGKAI_DATA_DIR")
    if not data_dir or not sha256:
        return None
    path = os.path.join(data_dir, "archive", "blobs", sha256[:2], sha256[2:4], sha256)
    return path if os.path.isfile(path) else None
