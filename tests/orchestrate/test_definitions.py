"""The Dagster code location: loads, and its asset graph matches the reviewed snapshot."""
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import yaml

from pipeline.config import project_root
from pipeline.definitions import defs

SNAPSHOT = Path(__file__).with_name("asset_graph.snapshot.json")


def asset_graph(definitions: dg.Definitions) -> dict:
    graph = definitions.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(parent.to_user_string() for parent in node.parent_keys),
            "pool": sorted(node.pools)[0] if node.pools else None,
            "kinds": sorted(node.kinds),
            "checks": sorted(check.name for check in node.check_keys),
            "partitions": node.partitions_def.get_partition_keys() if node.partitions_def else None,
            "backfill": node.backfill_policy.policy_type.value if node.backfill_policy else None,
        }
    checks = {
        f"{check_key.asset_key.to_user_string()}:{check_key.name}": {"blocking": graph.get_check_spec(check_key).blocking}
        for check_key in sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name))
    }
    schedules = {
        s.name: {"cron": s.cron_schedule, "timezone": s.execution_timezone, "job": s.job_name}
        for s in definitions.schedules
    }
    sensors = {s.name: {"job": s.job_name if s.has_jobs else None} for s in definitions.sensors}
    jobs = {
        name: {"partitioned": definitions.resolve_job_def(name).partitions_def is not None,
               "assets": sorted(key.to_user_string() for key in definitions.resolve_job_def(name).asset_layer.executable_asset_keys)}
        for name in sorted(job.name for job in definitions.jobs)
    }
    return {"assets": assets, "checks": checks, "schedules": schedules, "sensors": sensors, "jobs": jobs}


def test_asset_graph_matches_reviewed_snapshot():
    current = asset_graph(defs())
    if os.environ.get("GONGKAI_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert SNAPSHOT.exists(), f"no reviewed snapshot: run with GONGKAI_UPDATE_SNAPSHOTS=1, review {SNAPSHOT.name}, commit it"
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_every_duckdb_writer_shares_one_pool_limited_to_one():
    graph = asset_graph(defs())
    writers = {name for name, node in graph["assets"].items() if "duckdb" in node["kinds"]}
    assert writers == {"warehouse_tables", "published_warehouse"}
    assert {graph["assets"][name]["pool"] for name in writers} == {"duckdb_writer"}
    config = yaml.safe_load((project_root() / "dagster.yaml").read_text(encoding="utf-8"))
    assert config["concurrency"]["pools"]["default_limit"] == 1


def test_dg_lists_assets_checks_and_schedule():
    dg_cli = Path(sys.executable).parent / "dg"
    listing = subprocess.run([str(dg_cli), "list", "defs", "--json"], cwd=project_root(), capture_output=True, text=True,
                             timeout=300, env={**os.environ, "NO_COLOR": "1"})
    assert listing.returncode == 0, listing.stderr[-2000:]
    listed = json.loads(listing.stdout)
    text = json.dumps(listed)
    for name in ("portal_registry", "crawled_documents", "raw_archive", "parsed_reports", "warehouse_tables",
                 "published_warehouse", "portals_healthy", "template_arithmetic", "load_not_empty_or_shrinking",
                 "nightly_crawl"):
        assert name in text
