"""Under a daemon, runs whose process died are cleared every minute, so they never wedge a night."""
import dagster as dg

from pipeline.orchestrate import recovery


@dg.sensor(minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def clear_dead_runs(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    """Fail runs whose run worker is gone (SIGKILL, OOM killer) and free the pool slots of finished runs,
    as `gongkai run` does before each night; this sensor launches nothing."""
    lines = recovery.fail_dead_launched_runs(context.instance, "the clear_dead_runs sensor") \
        + recovery.free_slots_of_finished_runs(context.instance)
    for line in lines:
        context.log.warning(line)
    return dg.SkipReason("; ".join(lines) or "no dead runs")
