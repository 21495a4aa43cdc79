"""Several nights of the real pipeline over the loopback portals, stage by stage (no Dagster)."""
import pytest

from pipeline.config import Paths
from pipeline.crawl.settings import FetchSettings
from pipeline.fixtures.portal import FixtureServer
from pipeline.orchestrate import stages
from pipeline.registry.portals import portal_entry, write_registry
from pipeline.warehouse.publish import connect_published

pytestmark = pytest.mark.integration

FACTS_BY_URL = """
SELECT r.source_url, f.family || '.' || f.row_key || '.' || f.col_key AS key, f.value, f.is_uncertain
FROM core_report r
JOIN (
    SELECT 'applications' AS family, * FROM core_fact_applications
    UNION ALL SELECT 'regulations', * FROM core_fact_regulations
    UNION ALL SELECT 'licensing', * FROM core_fact_licensing
    UNION ALL SELECT 'enforcement', * FROM core_fact_enforcement
    UNION ALL SELECT 'fees', * FROM core_fact_fees
    UNION ALL SELECT 'procurement', * FROM core_fact_procurement
    UNION ALL SELECT 'review_litigation', * FROM core_fact_review_litigation
) f USING (report_id)
"""


def night(config, run_id):
    portals = stages.load_registry(config)
    crawl = stages.crawl(config, portals, run_id)
    archive = stages.verify_archive(config)
    parse = stages.parse(config)
    load = stages.load_warehouse(config, run_id)
    stages.publish_warehouse(config, run_id)
    return crawl, archive, parse, load


def warehouse_facts(config):
    with connect_published(config.paths.warehouse) as con:
        rows = con.execute(FACTS_BY_URL).fetchall()
    facts: dict[str, dict[str, float]] = {}
    for url, key, value, uncertain in rows:
        assert not uncertain, (url, key)
        if value is not None:
            facts.setdefault(url, {})[key] = value
    return facts


def test_every_served_report_reaches_the_warehouse_and_nights_are_incremental(tmp_path):
    with FixtureServer(slow_delay_s=0.05, huge_size_bytes=3 * 1024 * 1024) as server:
        registry = tmp_path / "registry.json"
        write_registry((portal_entry(p) for p in server.portals()), registry, version="test", about="fixture portals")
        config = stages.NightConfig(
            paths=Paths(data_dir=tmp_path / "data", warehouse=tmp_path / "gongkai.duckdb"),
            registry_path=registry,
            fetch=FetchSettings(allow_loopback=True, min_delay_s=0.01, jitter_s=0.0, retries=2, backoff_base_s=0.05,
                                max_bytes=1024 * 1024),
        )
        crawl, archive, parse, load = night(config, "night-1")
        manifest = server.manifest()
        assert archive.missing == [] and archive.verified == crawl.documents == len(manifest)
        assert parse.statuses == {"ok": len(manifest)} and load.reports_loaded == len(manifest)
        facts = warehouse_facts(config)
        for served in manifest:
            printed = {key: value for key, value in served.values.items() if value is not None}
            assert facts[served.url] == pytest.approx(printed), served.url

        crawl2, _, parse2, load2 = night(config, "night-2")
        assert crawl2.bytes_downloaded < 10_000  # only conditional requests (and the refused huge file's headers)
        assert parse2.parsed == 0 and parse2.from_cache == len(manifest)
        assert load2.reports_loaded == 0
        assert warehouse_facts(config) == facts

        changed = server.change_report("hanweb-haiyan")
        _, _, parse3, load3 = night(config, "night-3")
        assert parse3.parsed == 1 and load3.reports_loaded == 1
        after = warehouse_facts(config)
        printed = {key: value for key, value in changed.values.items() if value is not None}
        assert after[changed.url] == pytest.approx(printed) != facts[changed.url]
        assert {url: v for url, v in after.items() if url != changed.url} == {
            url: v for url, v in facts.items() if url != changed.url}
        with connect_published(config.paths.warehouse) as con:
            assert con.execute("SELECT count(*) FROM core_report").fetchone()[0] == len(manifest)
            assert con.execute("SELECT count(DISTINCT run_id) FROM core_portal_health").fetchone()[0] == 3
