"""Where gongkai keeps its files. Every path can be overridden by an environment variable.

    GONGKAI_HOME       project root (default: the checkout this package runs from, else the cwd)
    GONGKAI_DATA_DIR   archive, crawl state and stage outputs (default: $GONGKAI_HOME/data)
    GONGKAI_WAREHOUSE  the published DuckDB file readers open (default: $GONGKAI_HOME/warehouse/gongkai.duckdb)
    GONGKAI_ARCHIVE_ROOT  the raw archive: a directory or an fsspec URL such as s3://bucket/archive, with
                       the store's endpoint and keys from its own settings (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, …)
                       (default: $GONGKAI_DATA_DIR/archive)
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
WORKING_SUFFIX = ".building.duckdb"


def project_root() -> Path:
    if env := os.environ.get("GONGKAI_HOME"):
        return Path(env).resolve()
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").exists() and (checkout / "sql").is_dir():
        return checkout
    return Path.cwd()


def sql_dir() -> Path:
    """The project's `sql/` folder (migrations, load statements, example queries)."""
    path = project_root() / "sql"
    if not path.is_dir():
        raise FileNotFoundError(
            f"gongkai's SQL files were not found at {path}. Install gongkai from its checkout "
            "(pip install -e .) or set GONGKAI_HOME to the checkout."
        )
    return path


@dataclass(frozen=True)
class Paths:
    """The on-disk layout of one gongkai deployment (or one demo)."""
    data_dir: Path
    warehouse: Path
    archive: str | None = None      # the archive's directory or fsspec URL; None: under data_dir

    @classmethod
    def default(cls) -> Paths:
        root = project_root()
        data_dir = Path(os.environ.get("GONGKAI_DATA_DIR") or root / "data")
        warehouse = Path(os.environ.get("GONGKAI_WAREHOUSE") or root / "warehouse" / "gongkai.duckdb")
        return cls(data_dir=data_dir.resolve(), warehouse=warehouse.resolve(),
                   archive=os.environ.get("GONGKAI_ARCHIVE_ROOT") or None)

    @property
    def archive_root(self) -> Path | str:
        """A local directory, or an fsspec URL (str) for object storage, as pipeline.archive.Storage takes."""
        if not self.archive:
            return self.data_dir / "archive"
        return self.archive if "://" in self.archive else Path(self.archive).resolve()

    @property
    def stage_dir(self) -> Path:
        """Latest output of each stage (crawl records, parsed frames), replaced atomically per night."""
        return self.data_dir / "stages"

    @property
    def parse_cache_dir(self) -> Path:
        return self.data_dir / "parse-cache"

    def working_warehouse(self, run_id: str) -> Path:
        """The file run `run_id` builds before publishing it onto `warehouse`; one per run, so runs never share one."""
        return self.warehouse.with_name(f"{self.warehouse.stem}.{run_id}{WORKING_SUFFIX}")

    def working_warehouses(self) -> dict[str, list[Path]]:
        """Working files (and their WALs) next to the warehouse, by the run id in their name."""
        prefix = self.warehouse.stem + "."
        found: dict[str, list[Path]] = {}
        if not self.warehouse.parent.is_dir():
            return found
        for path in sorted(self.warehouse.parent.iterdir()):
            name = path.name.removesuffix(".wal")
            if name.startswith(prefix) and name.endswith(WORKING_SUFFIX):
                found.setdefault(name[len(prefix):-len(WORKING_SUFFIX)], []).append(path)
        return found

    @property
    def lock_file(self) -> Path:
        """Held by the night that is running on `warehouse` (see pipeline/orchestrate/lock.py)."""
        return self.warehouse.with_name(self.warehouse.name + ".lock")
