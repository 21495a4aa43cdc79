"""The portal column is the prior, the text the evidence: silence takes the prior, disagreement is recorded."""
import pytest

from pipeline.report.frames import build_frames
from pipeline.report.region_evidence import CHECK_NAME, weigh_region
from pipeline.warehouse.publish import connect_published
from tests.warehouse.nights import load_and_publish, night, report

HAIYAN = "330424"   # 浙江省嘉兴市海盐县; 通元镇 is one of its towns


@pytest.mark.parametrize("column_publisher, region", [
    (None, "海盐县"),
    ("海盐县人民政府", "海盐县"),
    ("通元镇人民政府", "通元镇"),
    ("海盐县通元镇人民政府", "通元镇"),
    ("海盐县财政局", "海盐县"),
])
def test_a_silent_text_takes_the_region_of_the_portal_column(column_publisher, region):
    assert weigh_region(None, HAIYAN, column_publisher).region_name == region
    assert weigh_region(None, HAIYAN, column_publisher).conflict is None


@pytest.mark.parametrize("text_region", ["海盐县", "通元镇", "海盐县通元镇", "浙江省", "嘉兴市海盐县", "益阳高新区"])
def test_text_naming_the_division_its_ancestors_its_towns_or_no_registered_region_agrees(text_region):
    evidence = weigh_region(text_region, HAIYAN, None)
    assert (evidence.region_name, evidence.conflict) == (text_region, None)


@pytest.mark.parametrize("text_region", ["泽库县", "青海省泽库县", "湖口县大垅乡"])
def test_text_naming_a_region_outside_the_division_is_a_recorded_conflict(text_region):
    evidence = weigh_region(text_region, HAIYAN, "海盐县人民政府")
    assert evidence.region_name == text_region, "the text is the evidence: it names what it reports on"
    assert f"the text names {text_region}, but the portal column serves 海盐县 (330424)" in evidence.conflict


def test_frames_take_the_prior_when_the_text_is_silent_and_record_a_conflict_as_a_failed_check():
    silent = report("http://www.haiyan.gov.cn/a/2020.html", division=HAIYAN, publisher="通元镇人民政府",
                    year=2020, received=3, granted=3)
    silent[1].meta.region = None
    agreeing = report("http://www.haiyan.gov.cn/a/2021.html", division=HAIYAN, publisher="海盐县人民政府",
                      year=2021, received=5, granted=5)
    conflicting = report("http://www.haiyan.gov.cn/a/2022.html", division=HAIYAN, publisher="海盐县人民政府",
                         year=2022, received=7, granted=7)
    conflicting[1].meta.region = "泽库县"
    frames = build_frames([silent, agreeing, conflicting], parser_version="test")
    assert frames.reports["region_name"].to_list() == ["通元镇", "海盐县", "泽库县"]
    recorded = frames.checks.filter(frames.checks["check"] == CHECK_NAME)
    assert recorded.height == 1 and recorded["ok"].to_list() == [False]
    assert recorded["report_id"].item() == frames.reports["report_id"][2]
    assert "the text names 泽库县" in recorded["detail"].item()
    assert frames.checks.filter(frames.checks["check"] != CHECK_NAME).height == 3, "each report keeps its own checks"


def test_a_conflict_reaches_the_analysts_view_of_failing_reports(tmp_path):
    conflicting = report("http://www.haiyan.gov.cn/a/2022.html", division=HAIYAN, publisher="海盐县人民政府",
                         year=2022, received=7, granted=7)
    conflicting[1].meta.region = "泽库县"
    published = tmp_path / "gongkai.duckdb"
    load_and_publish(published, night("night-1", [conflicting]))
    with connect_published(published) as con:
        region, failing = con.execute(
            "SELECT region_name, failed_checks FROM out_reports_failing_checks").fetchone()
    assert region == "泽库县" and failing.startswith(f"{CHECK_NAME} : the text names 泽库县")
