"""Dagster runs as a night leaves them, recorded directly in an instance for recovery tests."""
import uuid

import dagster as dg

from pipeline.config import Paths
from pipeline.orchestrate import recovery
from pipeline.orchestrate.lock import ProcessIdentity


def started_run(instance: dg.DagsterInstance, owner: ProcessIdentity, paths: Paths, *, holding_pool: bool) -> str:
    """A nightly run recorded as STARTED by `owner`, holding the writer pool's slot like a night in its warehouse step."""
    run_id = str(uuid.uuid4())
    instance.add_run(dg.DagsterRun(job_name="nightly", run_id=run_id, status=dg.DagsterRunStatus.STARTED,
                                   tags=recovery.owner_tags(owner, paths.warehouse)))
    if holding_pool:
        instance.event_log_storage.set_concurrency_slots("duckdb_writer", 1)
        assert instance.event_log_storage.claim_concurrency_slot("duckdb_writer", run_id, "warehouse_tables").is_claimed
    return run_id
