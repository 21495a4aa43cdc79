import dagster as dg

NIGHTLY_JOB_NAME = "nightly"

nightly_job = dg.define_asset_job(
    name=NIGHTLY_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Registry → crawl → archive → parse → warehouse → publish, with every asset check.",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_crawl",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    description="Every night at 02:00 China time, when portals are quiet.",
    default_status=dg.DefaultScheduleStatus.RUNNING,   # runs as soon as a Dagster daemon (dg dev) is up
)
