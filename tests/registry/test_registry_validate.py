import json

import pytest

from pipeline.registry import RegistryError, load_portals
from pipeline.registry.portals import portal_entry, write_registry
from pipeline.registry.model import Politeness, Portal, ReportColumn


def good_entry(**changes):
    entry = {
        "portal_id": "330424", "division_code": "330424", "name": "海盐县人民政府",
        "home_urls": ["http://www.haiyan.gov.cn/", "https://www.haiyan.gov.cn/"], "platform": "hanweb",
        "report_columns": [{"url": "http://www.haiyan.gov.cn/col/col1/index.html", "publisher": "通元镇人民政府",
                            "publisher_level": "town", "division_code": "330424102"}],
    }
    entry.update(changes)
    return entry


def write(tmp_path, entries):
    path = tmp_path / "portals.json"
    write_registry(entries, path, version="test.1", about="test")
    return path


def problems_for(tmp_path, entries):
    with pytest.raises(RegistryError) as caught:
        load_portals(write(tmp_path, entries))
    return caught.value.problems


def test_a_good_entry_round_trips(tmp_path):
    portal = Portal("p1", "330424", "海盐县人民政府", ("http://www.haiyan.gov.cn/",), "generic",
                    (ReportColumn("http://zwgk.haiyan.gov.cn/nb/", "通元镇人民政府", "town", "330424102"),),
                    {"list_selector": "ul li a"}, Politeness(2, 0.5), ("example.com",))
    loaded = load_portals(write(tmp_path, [portal_entry(portal, note="edited by hand")]))
    assert loaded == [portal] and loaded[0].params == {"list_selector": "ul li a"}


def test_the_file_is_one_portal_per_line_with_a_version_header(tmp_path):
    path = write(tmp_path, [good_entry(), good_entry(portal_id="x2")])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('{"registry_version": "test.1"')
    assert json.loads(lines[1].rstrip(","))["portal_id"] == "330424"


@pytest.mark.parametrize("changes, message", [
    ({"division_code": "339999"}, "division_code '339999' is not a 2023 division code"),
    ({"platform": "wordpress"}, "unknown platform 'wordpress'"),
    ({"home_urls": ["ftp://www.haiyan.gov.cn/"]}, "must start with http:// or https://"),
    ({"home_urls": ["http://www.haiyan .gov.cn/"]}, "contains whitespace"),
    ({"home_urls": []}, "home_urls must list at least one"),
    ({"portal_id": "has space"}, "portal_id must be"),
    ({"name": ""}, "name is missing"),
    ({"report_columns": [{"url": "http://spam.example.com/nb/"}]}, "foreign host 'spam.example.com'"),
    ({"report_columns": [{"url": "http://www.haiyan.gov.cn/nb/", "publisher_level": "village"}]}, "publisher_level 'village'"),
    ({"report_columns": [{"url": "http://www.haiyan.gov.cn/nb/", "division_code": "1"}]}, "division_code '1'"),
    ({"politeness": {"per_host_concurrency": 0}}, "per_host_concurrency must be a whole number"),
    ({"politeness": {"min_delay_s": -1}}, "min_delay_s must be a number"),
    ({"platform": "generic"}, "platform 'generic' needs params ['list_selector']"),
    ({"colour": "red"}, "unknown key(s) ['colour']"),
])
def test_each_problem_names_the_entry(tmp_path, changes, message):
    problems = problems_for(tmp_path, [good_entry(portal_id="ok-one"), good_entry(**changes)])
    assert len(problems) == 1
    assert "(entry 1)" in problems[0] and message in problems[0]


def test_extra_domains_admit_a_column_on_another_host(tmp_path):
    entry = good_entry(report_columns=[{"url": "http://www.zjzwfw.gov.cn/nb/"}], extra_domains=["zjzwfw.gov.cn"])
    assert load_portals(write(tmp_path, [entry]))[0].extra_domains == ("zjzwfw.gov.cn",)


def test_duplicate_ids_are_reported_with_both_entries(tmp_path):
    problems = problems_for(tmp_path, [good_entry(), good_entry()])
    assert problems == ["portal '330424' (entry 1): duplicate portal_id, first used by entry 0; give each portal its own id"]


def test_all_problems_are_collected_and_the_message_says_what_to_do(tmp_path):
    with pytest.raises(RegistryError) as caught:
        load_portals(write(tmp_path, [good_entry(platform="x", division_code="1")]))
    assert len(caught.value.problems) == 2
    assert "gongkai portals check" in str(caught.value)
