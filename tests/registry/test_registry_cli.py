import json
from datetime import datetime, timezone

import duckdb
import pytest

from pipeline.cli import main
from pipeline.crawl.health import write_health_json
from pipeline.crawl.records import PortalHealth
from pipeline.fixtures.http import LoopbackHTTPServer, Response
from pipeline.registry.portals import write_registry


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_filters_by_province_name_and_platform(capsys):
    code, out, err = run(capsys, "portals", "list", "--province", "浙江", "--platform", "hanweb")
    header, *lines = out.splitlines()
    assert header.split()[:3] == ["portal", "division", "platform"]
    assert code == 0 and lines and all(line.split()[1].startswith("33") and line.split()[2] == "hanweb" for line in lines)
    assert f"{len(lines)} portal(s)" in err


def test_list_rejects_an_unknown_province(capsys):
    code, _, err = run(capsys, "portals", "list", "--province", "火星")
    assert code == 2 and "no province named '火星'" in err


def test_show_prints_the_entry_and_unknown_ids_fail_clearly(capsys):
    code, out, err = run(capsys, "portals", "show", "330825", "--warehouse", "/nonexistent/gongkai.duckdb")
    assert code == 0 and json.loads(out)["report_columns"][0]["publisher"] == "湖镇镇人民政府"
    assert err.startswith("# (no night has read a column of 330825")
    code, _, err = run(capsys, "portals", "show", "nope")
    assert code == 1 and "no portal 'nope'" in err


def test_check_validates_the_shipped_registry(capsys):
    code, out, _ = run(capsys, "portals", "check")
    assert code == 0 and "portal(s) valid" in out


def test_check_names_the_bad_entry_of_a_broken_registry(tmp_path, capsys):
    path = tmp_path / "portals.json"
    write_registry([{"portal_id": "x", "division_code": "999999", "name": "X", "home_urls": ["http://x.gov.cn/"]}],
                   path, version="t", about="t")
    code, _, err = run(capsys, "portals", "--registry", str(path), "check")
    assert code == 1 and "portal 'x' (entry 0): division_code '999999'" in err


@pytest.fixture
def loopback_portal(tmp_path):
    server = LoopbackHTTPServer(log_requests=False)
    server.start()
    port = server.listen("127.0.5.9", 0, lambda request: Response(
        body='<html><head><title>海盐县人民政府</title></head><body><p>政府信息公开 政务公开 新闻中心 办事服务 互动交流</p>'
             '<div id="1"><script type="text/xml"><datastore></datastore></script></div></body></html>'.encode()))
    path = tmp_path / "portals.json"
    write_registry([
        {"portal_id": "live", "division_code": "330424", "name": "海盐县人民政府",
         "home_urls": [f"http://127.0.5.9:{port}/"], "extra_domains": ["127.0.5.9"]},
        {"portal_id": "dead", "division_code": "330424", "name": "海盐县人民政府",
         "home_urls": ["http://127.0.5.10:9/"], "extra_domains": ["127.0.5.10"]},
    ], path, version="t", about="t")
    yield path
    server.stop()


def test_live_check_reports_status_and_detected_platform(loopback_portal, capsys):
    code, out, _ = run(capsys, "portals", "--registry", str(loopback_portal), "check", "--live",
                       "--allow-loopback", "--min-delay", "0")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:-1]}
    assert rows["live"][1:4] == ["ok", "200", "hanweb"]
    assert rows["dead"][1] == "unreachable"
    assert code == 1 and "1/2 home pages answered" in out


def health_rows():
    at = datetime(2026, 1, 2, tzinfo=timezone.utc)
    return [
        PortalHealth("a", "330424", "ok", "3 report entries", 5, 3, 0, at),
        PortalHealth("b", "330425", "blocked", "Ruishu 412", 0, 0, 0, at),
        PortalHealth("c", "330426", "column_moved", "column moved: x → y", 4, 1, 1, at),
    ]


def test_health_from_json_prints_worst_first(tmp_path, capsys):
    path = tmp_path / "health.json"
    write_health_json(health_rows(), path, run_id="n1")
    code, out, _ = run(capsys, "portals", "health", "--from-json", str(path))
    outcomes = [line.split()[0] for line in out.splitlines()[1:-1]]
    assert code == 0 and outcomes == ["blocked", "column_moved", "ok"]
    assert out.splitlines()[-1] == "3 portals: 1 blocked, 1 column_moved, 1 ok"


def test_health_reads_the_latest_run_per_portal_from_the_warehouse(tmp_path, capsys):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute("create table core_portal_health (run_id varchar, portal_id varchar, division_code varchar, "
                   "outcome varchar, detail varchar, pages_fetched integer, documents_found integer, "
                   "documents_new integer, checked_at timestamptz)")
        db.execute("insert into core_portal_health values "
                   "('n1', 'a', '330424', 'unreachable', 'timeout', 0, 0, 0, '2026-01-01 00:00:00+00'),"
                   "('n2', 'a', '330424', 'ok', 'fine', 4, 2, 0, '2026-01-02 00:00:00+00'),"
                   "('n2', 'b', '330425', 'http_error', 'HTTP 500', 1, 0, 0, '2026-01-02 00:00:00+00')")
    code, out, _ = run(capsys, "portals", "health", "--warehouse", str(path))
    body = out.splitlines()[1:-1]
    assert code == 0 and [line.split()[:2] for line in body] == [["http_error", "b"], ["ok", "a"]]


def test_health_without_a_source_says_where_the_file_comes_from(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "portals", "health")
    assert code == 1 and "a crawl writes one to <archive>/state/health.json" in err
    (tmp_path / "bad.duckdb").write_bytes(b"not a database")
    code, _, err = run(capsys, "portals", "health", "--warehouse", str(tmp_path / "bad.duckdb"))
    assert code == 1 and "cannot read core_portal_health" in err
