"""`gongkai portals coverage` after a crawl, and the learned platform tried first the next night."""
import dataclasses

import polars as pl

from pipeline.cli import main
from pipeline.crawl.crawler import run_crawl
from pipeline.crawl.records import CrawlMemory
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.http import LoopbackHTTPServer, Response
from pipeline.registry.model import Portal
from pipeline.registry.portals import portal_entry, write_registry
from pipeline.report.frames import build_frames
from pipeline.warehouse.load import COLUMNS_SCHEMA, DOCUMENT_SCHEMA, HEALTH_SCHEMA, NightInput
from tests.crawl.test_real_shapes import FAST, report_html
from tests.warehouse.nights import FETCHED_AT, REGIONS, load_and_publish

TITLE = "X镇2022年政府信息公开工作年度报告"
PAGES = {
    "/": "<a href='/nb/'>政府信息公开年报</a>",
    "/nb/": f"<ul><li><a href='/nb/t20230110_1.html'>{TITLE}</a><span>2023-01-10</span></li></ul>"
            "<script>createPageHTML(1, 0, 'index', 'html');</script>",
    "/nb/t20230110_1.html": report_html(TITLE, 1),
}


def test_coverage_lists_registry_totals_families_and_the_portals_that_found_none_first(tmp_path, capsys):
    server = LoopbackHTTPServer(log_requests=False)
    server.start()
    try:
        good = server.listen("127.0.5.42", 0, lambda r: Response(200 if r.path in PAGES else 404,
                                                               PAGES.get(r.path, "no").encode()))
        empty = server.listen("127.0.5.43", 0, lambda r: Response(200, b"<p>home</p>"))
        portals = [
            Portal(portal_id="good", division_code="330424", name="X", home_urls=(f"http://127.0.5.42:{good}/",),
                   extra_domains=("127.0.5.42",)),
            Portal(portal_id="empty", division_code="330424", name="Y", home_urls=(f"http://127.0.5.43:{empty}/",),
                   extra_domains=("127.0.5.43",)),
        ]
        registry = tmp_path / "portals.json"
        write_registry((portal_entry(p) for p in portals), registry, version="t", about="t")
        first = run_crawl(portals, archive_root=tmp_path / "archive", settings=FetchSettings(**FAST), run_id="n1")
        learned = {read.portal_id: read for read in first.columns}
        assert learned["good"].platform == "trs" and "empty" not in learned
        second = run_crawl(portals, archive_root=tmp_path / "archive", settings=FetchSettings(**FAST), run_id="n2",
                           memory=CrawlMemory(columns=learned))
        assert {h.portal_id: h.outcome for h in second.health} == {"good": "ok", "empty": "no_reports"}
    finally:
        server.stop()
    warehouse = tmp_path / "gongkai.duckdb"
    load_and_publish(warehouse, NightInput(
        "n2", FETCHED_AT, REGIONS, pl.DataFrame(schema=DOCUMENT_SCHEMA),
        pl.DataFrame([dataclasses.asdict(h) for h in second.health], schema=HEALTH_SCHEMA), build_frames([], parser_version="test"),
        pl.DataFrame([dataclasses.asdict(c) for c in second.columns], schema=COLUMNS_SCHEMA)))
    code = main(["portals", "--registry", str(registry), "coverage", "--warehouse", str(warehouse)])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2 portals in the registry; 1 with a verified report column (0 with a column in the registry)"
    assert lines[1] == "platform families: trs 1, unknown 1" and lines[2] == "platform known from: learned 1, unknown 1"
    assert lines[3] == "last night: 2 portals crawled, 1 reports found, 1 portals found none"
    assert lines[5].split()[:2] == ["no_reports", "empty"] and len(lines) == 6


def test_coverage_without_a_published_warehouse_says_how_to_get_one(tmp_path, capsys):
    registry = tmp_path / "portals.json"
    write_registry([{"portal_id": "p", "division_code": "330424", "name": "X", "home_urls": ["http://www.x.gov.cn/"]}],
                   registry, version="t", about="t")
    code = main(["portals", "--registry", str(registry), "coverage", "--warehouse", str(tmp_path / "none.duckdb")])
    out, err = capsys.readouterr()
    assert code == 0 and "no published warehouse" in err and "0 portals crawled" in out and "not crawled" in out
