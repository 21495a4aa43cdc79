"""How nights run: `nightly` in one run (gongkai run/demo), or fanned out by province under a daemon.

The schedule launches one `provinces` run per province partition, each tagged with its night;
once all of a night's province runs have finished (whatever their outcome: a failed province
keeps its last good outputs), the sensor launches the single `warehouse` run that loads and
publishes. A failed province reruns alone (`dg launch --job provinces --partition 44`), then
the `warehouse` job.
"""
import dagster as dg

from pipeline.defs.partitions import PROVINCES

NIGHTLY_JOB_NAME = "nightly"
PROVINCES_JOB_NAME = "provinces"
WAREHOUSE_JOB_NAME = "warehouse"
NIGHT_TAG = "gongkai/night"

nightly_job = dg.define_asset_job(
    name=NIGHTLY_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Registry → crawl → archive → parse → warehouse → publish, with every asset check; "
                "`gongkai run` runs it once over every province.",
)

provinces_job = dg.define_asset_job(
    name=PROVINCES_JOB_NAME,
    selection=dg.AssetSelection.groups("crawl", "archive", "extract"),
    description="One province's crawl → archive → parse, with their checks.",
)

warehouse_job = dg.define_asset_job(
    name=WAREHOUSE_JOB_NAME,
    selection=dg.AssetSelection.groups("warehouse"),
    description="Load every province's latest parse into the warehouse and publish it (one writer).",
)


@dg.schedule(job=provinces_job, cron_schedule="0 2 * * *", execution_timezone="Asia/Shanghai",
             default_status=dg.DefaultScheduleStatus.RUNNING)   # runs as soon as a Dagster daemon (dg dev) is up
def nightly_crawl(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest]:
    """Every night at 02:00 China time, when portals are quiet: one run per province."""
    night = context.scheduled_execution_time.strftime("%Y-%m-%d")
    return [dg.RunRequest(run_key=f"{night}/{province}", partition_key=province, tags={NIGHT_TAG: night})
            for province in PROVINCES.get_partition_keys()]


@dg.sensor(job=warehouse_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def load_after_provinces(context: dg.SensorEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    """Launch the night's one warehouse load once every province run of the latest night has finished."""
    night = latest_night(context.instance)
    if night is None:
        return dg.SkipReason("no scheduled night yet")
    runs = context.instance.get_runs(filters=dg.RunsFilter(job_name=PROVINCES_JOB_NAME, tags={NIGHT_TAG: night}))
    finished = sum(run.is_finished for run in runs)
    expected = len(PROVINCES.get_partition_keys())
    if finished < expected:
        return dg.SkipReason(f"night {night}: {finished} of {expected} province runs finished")
    return dg.RunRequest(run_key=f"{night}/warehouse", tags={NIGHT_TAG: night})


def latest_night(instance: dg.DagsterInstance) -> str | None:
    """The night tag of the most recent scheduled province run (reruns launched by hand carry none)."""
    for run in instance.get_runs(filters=dg.RunsFilter(job_name=PROVINCES_JOB_NAME), limit=100):
        if NIGHT_TAG in run.tags:
            return run.tags[NIGHT_TAG]
    return None
