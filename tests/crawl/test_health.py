from datetime import datetime, timezone

import pytest

from pipeline.crawl.health import (
    OUTCOME_ORDER, format_health, read_health_json, severity, summary_line, worst_first, write_health_json,
)
from pipeline.crawl.records import PortalHealth

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def row(portal_id, outcome, found=0):
    return PortalHealth(portal_id, "330424", outcome, f"{outcome} detail", 1, found, 0, AT)


def test_every_portal_outcome_has_a_place_in_the_order():
    from typing import get_args

    from pipeline.crawl.records import PortalOutcome

    assert set(get_args(PortalOutcome)) == set(OUTCOME_ORDER)


def test_worst_first_puts_lost_portals_before_recovered_ones_and_unknown_outcomes_on_top():
    rows = [row("a", "ok", 3), row("b", "column_moved"), row("c", "unreachable"), row("d", "blocked"),
            row("e", "mystery"), row("f", "ok", 9)]
    assert [r.portal_id for r in worst_first(rows)] == ["e", "c", "d", "b", "f", "a"]
    assert severity("mystery") < severity("unreachable") < severity("ok")


def test_format_shows_limit_and_summary():
    text = format_health([row("a", "ok"), row("b", "blocked"), row("c", "http_error")], limit=2)
    lines = text.splitlines()
    assert lines[1].startswith("blocked") and lines[2].startswith("http_error")
    assert lines[3] == "… 1 more" and lines[4] == summary_line([row("a", "ok"), row("b", "blocked"), row("c", "http_error")])
    assert summary_line([]) == "no portal outcomes recorded"


def test_health_json_round_trips(tmp_path):
    rows = [row("a", "ok", 2), row("b", "no_reports")]
    write_health_json(rows, tmp_path / "h.json", run_id="n1")
    assert read_health_json(tmp_path / "h.json") == rows


def test_a_broken_health_file_is_a_clear_error(tmp_path):
    (tmp_path / "h.json").write_text('{"health": [{"portal_id": "a"}]}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a crawl health file"):
        read_health_json(tmp_path / "h.json")


def test_province_runs_merge_their_portals_into_one_health_file(tmp_path):
    path = tmp_path / "h.json"
    write_health_json([row("zj-a", "ok", 2), row("zj-b", "blocked")], path, run_id="zhejiang")
    write_health_json([row("gd-a", "no_reports")], path, run_id="guangdong")
    write_health_json([row("zj-b", "ok", 3)], path, run_id="zhejiang-rerun")
    assert sorted(read_health_json(path), key=lambda r: r.portal_id) == [
        row("gd-a", "no_reports"), row("zj-a", "ok", 2), row("zj-b", "ok", 3)]


def test_an_unreadable_health_file_is_replaced_by_the_next_run(tmp_path):
    path = tmp_path / "h.json"
    path.write_text("{ not json", encoding="utf-8")
    write_health_json([row("a", "ok")], path, run_id="n1")
    assert read_health_json(path) == [row("a", "ok")]
