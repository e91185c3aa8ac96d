"""Inbox sensor and daily corpus re-scan; both run by default in ``dagster dev``."""


import hashlib
import json
from pathlib import Path

from dagster import (
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    schedule,
    sensor,
)

from pipelines import stages
from pipelines.assets import all_assets, source_partitions
from pipelines.partitions import range_tags, sync_partitions
from pipelines.resources import VanbanResource

ingest_job = define_asset_job(
    "ingest_documents",
    selection=all_assets,
    description="Ingest source files (their partitions) and republish the graph and its exports.",
)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inbox_requests(inbox: Path, cursor: dict[str, str]) -> tuple[list[str], list[RunRequest], dict[str, str]]:
    """New or changed inbox files -> partitions to add and one run request per file version."""
    new_keys, requests, seen = [], [], {}
    for path in stages.list_sources(inbox):
        try:
            version = f"{file_sha256(path)}:{path.stat().st_mtime_ns}"
        except OSError:
            continue  # still being written or gone again; the next tick sees it
        seen[path.name] = version
        if cursor.get(path.name) == version:
            continue
        new_keys.append(path.name)
        requests.append(RunRequest(run_key=f"{path.name}:{version}", partition_key=path.name))
    return new_keys, requests, seen


@sensor(
    job=ingest_job,
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description="Watches the inbox folder and runs just the partitions of new or changed files.",
)
def inbox_sensor(context: SensorEvaluationContext, vanban: VanbanResource) -> SensorResult | SkipReason:
    settings = vanban.settings()
    cursor = json.loads(context.cursor) if context.cursor else {}
    new_keys, requests, seen = inbox_requests(settings.inbox_dir, cursor)
    if not requests:
        return SkipReason(f"nothing new in {settings.inbox_dir}")
    known = set(context.instance.get_dynamic_partitions(source_partitions.name))
    to_add = [k for k in new_keys if k not in known]
    return SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[source_partitions.build_add_request(to_add)] if to_add else [],
        cursor=json.dumps(seen, sort_keys=True),
    )


@schedule(
    job=ingest_job,
    cron_schedule="0 2 * * *",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Daily re-scan of the corpus folder: new, changed and removed files.",
)
def daily_rescan(context: ScheduleEvaluationContext, vanban: VanbanResource) -> RunRequest | SkipReason:
    settings = vanban.settings()
    sync = sync_partitions(context.instance, settings)
    if not sync.keys:
        return SkipReason(f"no source files in {settings.raw_dir}")
    return RunRequest(
        run_key=f"rescan:{context.scheduled_execution_time:%Y-%m-%d}",
        tags=range_tags(sync.keys, context.instance),
    )
