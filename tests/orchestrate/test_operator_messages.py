"""What the operator meets first: one clear line for a missing registry, a schedule that runs,
headers and help text, and portal health read from where the deployment keeps it."""
from datetime import datetime

import duckdb

from pipeline.cli import build_parser, main
from pipeline.crawl.health import OUTCOME_ORDER, write_health_json
from pipeline.crawl.records import PortalHealth
from pipeline.definitions import defs
from pipeline.warehouse.migrate import migrate


def test_run_with_a_missing_registry_prints_one_line(tmp_path, capsys):
    code = main(["run", "--registry", str(tmp_path / "nowhere.json"), "--data-dir", str(tmp_path / "data"),
                 "--warehouse", str(tmp_path / "w.duckdb")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "no registry file at" in err and "Traceback" not in err


def test_nightly_schedule_ships_running():
    import dagster as dg

    schedule = next(s for s in defs().schedules if s.name == "nightly_crawl")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_format_options_have_help_text():
    parser = build_parser()
    actions = {name: choice for name, choice in parser._subparsers._group_actions[0].choices.items()}
    for command in ("sql", "export"):
        fmt = next(a for a in actions[command]._actions if "--format" in a.option_strings)
        assert fmt.help, command


def test_portals_list_has_a_header(capsys):
    assert main(["portals", "list"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.split()[:3] == ["portal", "division", "platform"]


def test_python_and_warehouse_order_outcomes_the_same_way():
    con = duckdb.connect()
    migrate(con)
    for i, outcome in enumerate(reversed(OUTCOME_ORDER)):
        con.execute("INSERT INTO core_portal_health (run_id, portal_id, division_code, outcome, detail, pages_fetched, documents_found, documents_new, checked_at) "
                    "VALUES ('n1', ?, '330424', ?, '', 0, 0, 0, now())", [f"p{i}", outcome])
    ordered = [row[0] for row in con.execute("SELECT outcome FROM out_portal_health_latest ORDER BY severity_rank").fetchall()]
    assert ordered == list(OUTCOME_ORDER)


def test_portals_health_honours_the_deployment_environment(tmp_path, capsys, monkeypatch):
    warehouse = tmp_path / "published.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        migrate(con)
        con.execute("INSERT INTO core_portal_health (run_id, portal_id, division_code, outcome, detail, pages_fetched, documents_found, documents_new, checked_at) "
                    "VALUES ('n1', 'from-warehouse', '330424', 'blocked', '', 0, 0, 0, now())")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(warehouse))
    assert main(["portals", "health"]) == 0
    assert "from-warehouse" in capsys.readouterr().out

    monkeypatch.delenv("GONGKAI_WAREHOUSE")
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(tmp_path / "data"))
    write_health_json([PortalHealth("from-data-dir", "330424", "ok", "", 1, 1, 0, datetime(2026, 1, 1))],
                      tmp_path / "data" / "archive" / "state" / "health.json", run_id="n2")
    assert main(["portals", "health"]) == 0
    assert "from-data-dir" in capsys.readouterr().out


def test_crawl_progress_counts_portals_and_documents_as_they_finish(caplog):
    from pipeline.orchestrate.stages import _crawl_progress

    report = _crawl_progress()
    with caplog.at_level("INFO", logger="gongkai"):
        report(PortalHealth("p1", "330424", "ok", "", 3, 2, 2, datetime(2026, 1, 1)), 1, 18, 2)
        report(PortalHealth("p2", "330425", "blocked", "", 1, 0, 0, datetime(2026, 1, 1)), 2, 18, 2)
    assert [r.getMessage() for r in caplog.records] == [
        "crawl: 1/18 portals done, 2 documents (p1: ok, 2 documents)",
        "crawl: 2/18 portals done, 2 documents (p2: blocked, 0 documents)",
    ]
