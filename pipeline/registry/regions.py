"""China's 2023 statistical division codes, shipped with the project as one gzipped CSV.

`data/regions.csv.gz` holds one row per region (province → city → county → town) with columns
`division_code, name, level, province_code, city_code, county_code, parent_code`; `build.py`
regenerates it from the National Bureau of Statistics tables.
"""
from __future__ import annotations

import csv
import gzip
import io
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipeline.registry.model import Region

DATA_DIR = Path(__file__).parent / "data"
REGIONS_FILE = DATA_DIR / "regions.csv.gz"
REGION_COLUMNS = ("division_code", "name", "level", "province_code", "city_code", "county_code", "parent_code")
LEVEL_BY_CODE_LENGTH = {2: "province", 4: "city", 6: "county", 9: "town"}


def parent_code(code: str) -> str | None:
    """The code of the region one level up (None for a province)."""
    return {2: None, 4: code[:2], 6: code[:4], 9: code[:6]}[len(code)]


def region_row(code: str, name: str) -> dict[str, str | None]:
    """A regions-file row for a division code; its ancestors are read off the code's prefixes."""
    level = LEVEL_BY_CODE_LENGTH[len(code)]
    return {
        "division_code": code,
        "name": name,
        "level": level,
        "province_code": code[:2],
        "city_code": code[:4] if len(code) >= 4 else None,
        "county_code": code[:6] if len(code) >= 6 else None,
        "parent_code": parent_code(code),
    }


def write_regions_file(rows: list[dict[str, str | None]], path: Path = REGIONS_FILE) -> None:
    """Write rows deterministically (mtime 0) so a rebuild from the same sources gives the same bytes."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=REGION_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row[key] if row[key] is not None else "" for key in REGION_COLUMNS})
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.getvalue().encode("utf-8"))


@lru_cache(maxsize=4)
def _read_rows(path: Path) -> tuple[dict[str, str], ...]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def load_regions(path: Path | None = None) -> list[Region]:
    """Every region, provinces first, in code order within each level."""
    return [
        Region(
            code=row["division_code"],
            name=row["name"],
            level=row["level"],  # type: ignore[arg-type]
            province_code=row["province_code"],
            city_code=row["city_code"] or None,
            county_code=row["county_code"] or None,
        )
        for row in _read_rows(Path(path or REGIONS_FILE))
    ]


def regions_frame(path: Path | None = None) -> pl.DataFrame:
    """The regions as a Polars frame for the warehouse (all columns Utf8; nulls where a level is absent)."""
    rows = _read_rows(Path(path or REGIONS_FILE))
    return pl.DataFrame(
        {column: [row[column] or None for row in rows] for column in REGION_COLUMNS},
        schema={column: pl.Utf8 for column in REGION_COLUMNS},
    )
