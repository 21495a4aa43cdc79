"""The one resource every asset uses: where the deployment keeps its files and how it fetches."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import dagster as dg

from pipeline.config import Paths
from pipeline.crawl.render import RenderSettings
from pipeline.crawl.settings import FetchSettings
from pipeline.orchestrate.stages import NightConfig


class GongkaiResource(dg.ConfigurableResource):
    """Paths and crawl settings; unset fields fall back to GONGKAI_* environment variables and polite defaults."""

    data_dir: str | None = None
    warehouse: str | None = None
    registry_path: str | None = None
    archive_root: str | None = None     # a directory or fsspec URL (s3://bucket/archive); default $GONGKAI_ARCHIVE_ROOT
    allow_loopback: bool = False
    extra_domains: list[str] = []
    min_delay_s: float | None = None
    jitter_s: float | None = None
    retries: int | None = None
    backoff_base_s: float | None = None
    max_bytes: int | None = None
    parse_workers: int = 1
    parse_timeout_s: float = 120.0
    parse_memory_mb: int = 2048
    parse_batch_size: int = 500         # documents parsed per Parquet part: bounds the parse's memory
    load_memory_mb: int = 2048          # DuckDB's memory limit for the load
    render: bool = True                 # read script-shell columns in headless Chromium when one is installed
    render_max_pages: int = 50

    def night_config(self) -> NightConfig:
        defaults = Paths.default()
        paths = Paths(
            data_dir=Path(self.data_dir).resolve() if self.data_dir else defaults.data_dir,
            warehouse=Path(self.warehouse).resolve() if self.warehouse else defaults.warehouse,
            archive=self.archive_root or defaults.archive,
        )
        overrides = {
            name: value
            for name, value in {
                "min_delay_s": self.min_delay_s, "jitter_s": self.jitter_s, "retries": self.retries,
                "backoff_base_s": self.backoff_base_s, "max_bytes": self.max_bytes,
            }.items()
            if value is not None
        }
        fetch = replace(FetchSettings(), allow_loopback=self.allow_loopback,
                        extra_domains=tuple(self.extra_domains), **overrides)
        return NightConfig(
            paths=paths,
            registry_path=Path(self.registry_path) if self.registry_path else None,
            fetch=fetch,
            parse_workers=self.parse_workers,
            parse_timeout_s=self.parse_timeout_s,
            parse_memory_mb=self.parse_memory_mb,
            parse_batch_size=self.parse_batch_size,
            load_memory_mb=self.load_memory_mb,
            render=RenderSettings(enabled=self.render, max_pages_per_night=self.render_max_pages),
        )


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"gongkai": GongkaiResource()})
