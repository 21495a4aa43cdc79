"""`gongkai dashboard` in a real browser: headless Chromium (Debian's) driven by Playwright.

Starts the dashboard on a copy of the demo warehouse, checks that each page renders its charts
and the numbers SQL gives on the same warehouse, publishes a new night during the test and sees
it on the next page load, and saves screenshots under tests/artifacts/dashboard/.
Skipped when the `.[dashboard]` extra, Playwright or /usr/bin/chromium is missing, unless
GONGKAI_REQUIRE_BROWSER=1 (as in .ci/run), where a missing piece fails the test.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.config import project_root
from pipeline.warehouse.publish import prepare_working, publish, working_connection
from pipeline.warehouse.read import connect
from tests.demo_warehouse import demo_layout

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PORT = 18598
ARTIFACTS = project_root() / "tests" / "artifacts" / "dashboard"


def _missing() -> str | None:
    for module in ("streamlit", "playwright"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install -e '.[dashboard,browser-test]')"
    if not CHROMIUM.exists():
        return "Debian's chromium is not installed (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser_ready():
    missing = _missing()
    if missing:
        if os.environ.get("GONGKAI_REQUIRE_BROWSER") == "1":
            pytest.fail(missing)
        pytest.skip(missing)


def sql(warehouse: Path, query: str, params=None):
    with connect(warehouse) as con:
        return con.execute(query, params or []).fetchall()


@pytest.fixture(scope="module")
def dashboard(browser_ready, tmp_path_factory):
    layout = demo_layout()
    published = tmp_path_factory.mktemp("dashboard") / "gongkai.duckdb"
    shutil.copyfile(layout.warehouse, published)
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "dashboard", "--warehouse", str(published), "--data-dir", str(layout.data_dir),
         "--port", str(PORT)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"dashboard did not start: {process.stdout.read().decode(errors='replace')[-2000:]}")
                time.sleep(0.3)
        yield published
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def page(dashboard):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1600})
        yield tab
        browser.close()


def open_page(page, path: str, title: str, charts: int = 0, ready: str = '[data-testid="stMetric"]'):
    page.goto(f"http://127.0.0.1:{PORT}/{path}")
    page.wait_for_selector(f'[data-testid="stMain"] h1:has-text("{title}")', timeout=60_000)
    page.wait_for_selector(ready, timeout=60_000)
    settle(page, charts)


def settle(page, charts: int = 0):
    """Wait until the script run finished and the charts drew."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        running = page.query_selector('[data-testid="stStatusWidget"]:has-text("Running")')
        drawn = len(page.query_selector_all('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'))
        if not running and drawn >= charts:
            break
        time.sleep(0.3)
    page.wait_for_timeout(500)
    assert not page.query_selector_all('[data-testid="stException"]'), page.inner_text('[data-testid="stException"]')
    assert len(page.query_selector_all('[data-testid="stVegaLiteChart"]')) >= charts


def metrics(page) -> dict[str, str]:
    return {m.query_selector('[data-testid="stMetricLabel"]').inner_text().strip():
            m.query_selector('[data-testid="stMetricValue"]').inner_text().strip()
            for m in page.query_selector_all('[data-testid="stMetric"]')}


def shot(page, name: str):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_overview_shows_the_warehouse_numbers_and_picks_up_a_publish(page, dashboard):
    open_page(page, "", "全国概览", charts=4)
    reports, parsed, counties, expected, failing = sql(dashboard, """
        SELECT (SELECT count(*) FROM core_report), (SELECT count(*) FROM core_report WHERE parse_status = 'ok'),
               (SELECT count(DISTINCT county_code) FROM out_report_region), (SELECT count(*) FROM out_registry_counties),
               (SELECT count(*) FROM out_reports_failing_checks)""")[0]
    shown = metrics(page)
    assert shown["收到报告"] == str(reports) and shown["成功解析"] == str(parsed)
    assert shown["有报告的县级地区"] == str(counties) and shown["登记门户覆盖的县级地区"] == str(expected)
    assert shown["算术校验未通过的报告"] == str(failing)
    shot(page, "overview")

    working = dashboard.with_name("gongkai.building.duckdb")
    prepare_working(dashboard, working)
    with working_connection(working) as con:
        con.execute("DELETE FROM core_report WHERE report_id = (SELECT min(report_id) FROM core_report)")
    publish(working, dashboard)
    page.reload()
    page.wait_for_selector('[data-testid="stMain"] h1:has-text("全国概览")', timeout=60_000)
    settle(page, charts=4)
    assert metrics(page)["收到报告"] == str(reports - 1)
    shot(page, "overview-after-publish")


def test_region_drill_down_province_county_town(page, dashboard):
    open_page(page, "region", "地区", charts=2, ready='h3:has-text("覆盖说明"), th:has-text("覆盖说明")')
    province_code, province = sql(dashboard, "SELECT DISTINCT province_code, province_name FROM out_applications_by_province_year "
                                             "ORDER BY province_code LIMIT 1")[0]
    year = sql(dashboard, "SELECT max(report_year) FROM out_applications_by_province_year WHERE province_code = ?", [province_code])[0][0]
    counties = sql(dashboard, "SELECT county_name, new_received_count FROM out_county_rankings "
                              "WHERE county_code LIKE ? || '%' AND report_year = ?", [province_code, year])
    text = page.inner_text('[data-testid="stMain"]')
    assert f"{province} {year}年 县级地区排名" in text
    for county, received in counties:
        assert county in text and (received is None or str(received) in text)
    assert "同比" in text and "覆盖说明" in text
    shot(page, "region")


def test_report_page_prints_tables_checks_and_links(page, dashboard):
    report_id, source_url, failed = sql(dashboard, "SELECT report_id, source_url, failed_checks_count FROM out_report_summary "
                                                   "WHERE parse_status = 'ok' ORDER BY failed_checks_count DESC, report_id LIMIT 1")[0]
    open_page(page, f"report?report={report_id}", "报告", ready='h3:has-text("模板算术校验")')
    page.wait_for_selector('[data-testid="stMetricLabel"]:has-text("未通过校验")', timeout=60_000)
    shown = metrics(page)
    assert shown["未通过校验"] == str(failed)
    assert page.query_selector(f'a[href="{source_url}"]')
    assert page.query_selector('[data-testid="stDownloadButton"]')
    text = page.inner_text('[data-testid="stMain"]')
    section, row_label, raw = sql(dashboard, """
        SELECT split_part(t.comment, ':', 1), f.row_label, f.raw_text FROM out_facts f
        JOIN duckdb_tables() t ON t.database_name = current_database() AND t.table_name = 'core_fact_' || f.family
        WHERE f.report_id = ? AND f.family = 'applications' AND f.row_key = 'new_received' AND f.col_key = 'total'""", [report_id])[0]
    assert section in text and row_label in text and raw in text
    assert "模板算术校验" in text
    shot(page, "report")


def test_portal_health_orders_outcomes_worst_first(page, dashboard):
    open_page(page, "health", "门户健康", charts=1)
    outcomes = sql(dashboard, "SELECT outcome, count(*) FROM out_portal_health_latest GROUP BY outcome ORDER BY min(severity_rank)")
    shown = metrics(page)
    assert list(shown) == [outcome for outcome, _ in outcomes]
    assert all(shown[outcome] == str(count) for outcome, count in outcomes)
    shot(page, "health")
