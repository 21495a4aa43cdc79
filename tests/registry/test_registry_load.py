import json

import polars as pl
import pytest

from pipeline.registry import RegistryError, load_portals, load_regions, regions_frame, registry_version
from pipeline.registry.portals import PORTALS_FILE
from pipeline.registry.validate import PLATFORMS


def test_shipped_regions_cover_every_level():
    regions = load_regions()
    levels = {level: sum(1 for r in regions if r.level == level) for level in ("province", "city", "county", "town")}
    assert levels["province"] == 31 and levels["county"] == 2978 and levels["town"] == 41352
    haiyan = next(r for r in regions if r.code == "330424")
    assert (haiyan.name, haiyan.level, haiyan.province_code, haiyan.city_code) == ("海盐县", "county", "33", "3304")


def test_regions_frame_has_the_warehouse_columns_and_parents():
    frame = regions_frame()
    assert frame.columns == ["division_code", "name", "level", "province_code", "city_code", "county_code", "parent_code"]
    assert all(dtype == pl.Utf8 for dtype in frame.dtypes)
    town = frame.filter(pl.col("division_code") == "330424102").row(0, named=True)
    assert town["parent_code"] == "330424" and town["county_code"] == "330424" and town["level"] == "town"
    assert frame.filter(pl.col("level") == "province")["parent_code"].null_count() == 31
    codes = set(frame["division_code"])
    assert set(frame["parent_code"].drop_nulls()) <= codes


def test_shipped_portals_load_validated_and_versioned():
    portals = load_portals()
    assert len(portals) > 3000
    assert registry_version().startswith("2023-divisions.")
    assert len({p.portal_id for p in portals}) == len(portals)
    assert all(p.platform in (None, *PLATFORMS) for p in portals)
    assert all(any(u.startswith("http://") for u in p.home_urls) and any(u.startswith("https://") for u in p.home_urls) for p in portals)
    longyou = next(p for p in portals if p.portal_id == "330825")
    town_column = next(c for c in longyou.report_columns if c.publisher)
    assert (town_column.publisher, town_column.publisher_level, town_column.division_code) == ("湖镇镇人民政府", "town", "330825101")


def test_unmatched_portals_keep_the_parent_code_and_say_so():
    entries = json.loads(PORTALS_FILE.read_text(encoding="utf-8"))["portals"]
    liangjiang = next(e for e in entries if e["name"] == "两江新区")
    assert liangjiang["division_code"] == "50" and "no division named" in liangjiang["note"]


def test_missing_registry_file_says_how_to_fix(tmp_path):
    with pytest.raises(RegistryError, match="file not found"):
        load_portals(tmp_path / "nope.json")


def test_malformed_json_is_reported_not_crashed(tmp_path):
    path = tmp_path / "portals.json"
    path.write_text('{"portals": [', encoding="utf-8")
    with pytest.raises(RegistryError, match="not valid UTF-8 JSON"):
        load_portals(path)
