import json

import pytest

from pipeline.registry.build import build, main
from pipeline.registry.portals import load_portals
from pipeline.registry.regions import load_regions

PROVINCES = 'code,name\n33,"浙江省"\n50,"重庆市"\n'
CITIES = 'code,name,provinceCode\n3304,"嘉兴市",33\n3311,"丽水市",33\n5001,"市辖区",50\n'
AREAS = ('code,name,cityCode,provinceCode\n330424,"海盐县",3304,33\n330402,"南湖区",3304,33\n'
         '331124,"松阳县",3311,33\n500107,"九龙坡区",5001,50\n')
STREETS = 'code,name,areaCode,provinceCode,cityCode\n330424102,"通元镇",330424,33,3304\n'
GOV_PORTALS = """depth,province,city,county,name,url
1,浙江省,,,浙江省,https://www.zj.gov.cn/
2,浙江省,嘉兴市,,嘉兴市,https://www.jiaxing.gov.cn/
3,浙江省,嘉兴市,海盐,海盐,http://www.haiyan.gov.cn/
3,浙江省,嘉兴市,南湖区,南湖区,http://www.jiaxing.gov.cn/
3,浙江省,丽水市,松阳县,松阳县,https://www.songyang.gov.cn/
2,重庆市,九龙坡区,,九龙坡区,https://www.cqjlp.gov.cn/
2,重庆市,两江新区,,两江新区,https://www.ljxq.gov.cn/
3,浙江省,嘉兴市,秀洲区,秀洲区,
1,台湾省,,,台湾省,https://example.tw/
"""
KNOWN = {"pages": [
    {"url": "https://www.songyang.gov.cn/art/2022/1/11/art_1229358718_4858173.html",
     "inferred_platform": "Hanweb jcms article", "admin_level": "town on county portal", "page_type": "annual report",
     "region": "浙江 丽水 松阳县"},
    {"url": "http://cqjlp.gov.cn/bmjz/zfxxgknb_97478/202301/t20230130_11545442.html", "inferred_platform": "TRS WCM",
     "admin_level": "street office", "page_type": "annual report", "region": "重庆 九龙坡区"},
    {"url": "http://www.haiyan.gov.cn/module/xxgk/xxgkAnnualReport.jsp?fbtime=2020&area=1",
     "inferred_platform": "Hanweb xxgk module", "admin_level": "town (通元镇) on county portal",
     "page_type": "annual report (module page)", "region": "浙江 嘉兴 海盐县"},
    {"url": "http://nowhere.gov.cn/info/1/2.htm", "inferred_platform": "?", "admin_level": "?",
     "page_type": "annual report", "region": "(locality not identified)"},
]}


@pytest.fixture
def source(tmp_path):
    root = tmp_path / "source"
    (root / "regions").mkdir(parents=True)
    (root / "portals").mkdir()
    for name, text in (("provinces", PROVINCES), ("cities", CITIES), ("areas", AREAS), ("streets", STREETS)):
        (root / "regions" / f"{name}.csv").write_text(text, encoding="utf-8")
    (root / "portals" / "gov-portals.csv").write_text(GOV_PORTALS, encoding="utf-8")
    (root / "portals" / "known-report-pages.json").write_text(json.dumps(KNOWN, ensure_ascii=False), encoding="utf-8")
    return root


def test_build_joins_names_to_codes_and_accounts_for_every_row(source, tmp_path):
    out = tmp_path / "out"
    figures = build(source, out)
    assert figures["regions"] == 2 + 3 + 4 + 1
    assert figures["matched_by_name"] == 5 and figures["source_portal_rows"] == 9
    assert [k["name"] for k in figures["kept_with_parent_code"]] == ["两江新区"]
    reasons = {r.get("county") or r.get("province") or r["url"]: r["reason"] for r in figures["rejected"]}
    assert "already listed for portal 3304" in reasons["南湖区"]
    assert reasons["秀洲区"] == "no usable home URL"
    assert "has no 2023 division code" in reasons["台湾省"]
    assert "no portal on this host" in reasons["http://nowhere.gov.cn/info/1/2.htm"]
    assert figures["report_columns"] == 3

    portals = {p.portal_id: p for p in load_portals(out / "portals.json")}
    assert portals["330424"].name == "海盐县人民政府"
    assert portals["330424"].home_urls == ("http://www.haiyan.gov.cn/", "https://www.haiyan.gov.cn/")
    assert portals["50-ljxq"].division_code == "50"
    [songyang] = portals["331124"].report_columns
    assert songyang.url == "https://www.songyang.gov.cn/col/col1229358718/index.html" and songyang.publisher_level == "town"
    assert portals["331124"].platform == "hanweb"
    [jlp] = portals["500107"].report_columns
    assert jlp.url == "http://cqjlp.gov.cn/bmjz/zfxxgknb_97478/" and jlp.publisher_level == "sub-district"
    assert portals["500107"].platform == "trs"
    [module] = portals["330424"].report_columns
    assert (module.publisher, module.division_code) == ("通元镇人民政府", "330424102")
    assert len(load_regions(out / "regions.csv.gz")) == figures["regions"]


def test_rebuilding_gives_identical_files(source, tmp_path):
    build(source, tmp_path / "a")
    build(source, tmp_path / "b")
    for name in ("portals.json", "regions.csv.gz", "build-report.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_missing_source_files_are_named(tmp_path, capsys):
    assert main(["--source", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "regions/provinces.csv" in capsys.readouterr().err
