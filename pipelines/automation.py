"""Per-file ingestion: a job partitioned by source file, the inbox sensor, and the daily re-scan.

``ingest_files`` runs the same stages as the assets for just the partitions
(files) it is given, republishes the store and reports the corpus assets as
materialised.  The whole-corpus exports and page are then refreshed by
``refresh_outputs``, which ``outputs_refresh_sensor`` runs after new store
versions: a burst of inbox files costs one refresh, not one per file, and a
changed plan is queryable as soon as its graph is published.  The sensors and
the schedule run by default in ``dagster dev``.
"""

import json
from pathlib import Path

from dagster import (
    AssetMaterialization,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    OpExecutionContext,
    Output,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    asset_sensor,
    define_asset_job,
    job,
    op,
    schedule,
    sensor,
)

from pipelines import stages
from pipelines.assets import all_assets, graph_exports, graph_page, knowledge_graph_store, source_texts, summarise
from pipelines.atomic import file_sha256
from pipelines.partitions import SOURCE_PARTITIONS, source_partitions
from pipelines.resources import VanbanResource

build_corpus = define_asset_job(
    "build_corpus", selection=all_assets, description="Build every asset over the whole corpus (incremental)."
)
refresh_outputs = define_asset_job(
    "refresh_outputs",
    selection=[graph_exports, graph_page],
    description="Rewrite the exports and the page from the published store.",
)


@op(description="Decode, extract and build the named graph of the partition's source file(s).")
def ingest_partition(context: OpExecutionContext, vanban: VanbanResource):
    settings = vanban.settings()
    keys = list(context.partition_keys)
    results = []
    for stage in (stages.ingest_source, stages.extract_document, stages.build_document_graph):
        results += stages.run_per_document(settings, stage, keys)
    metadata = summarise(results, context.log)
    yield AssetMaterialization(asset_key=source_texts.key, metadata={"files": ", ".join(context.partition_keys)})
    yield Output([r.key for r in results], metadata=metadata)


@op(description="Publish the live documents' named graphs to the store.")
def publish_partition(context: OpExecutionContext, vanban: VanbanResource, keys: list[str]):
    settings = vanban.settings()
    summary = stages.publish(settings, stages.live_keys(settings))
    yield AssetMaterialization(
        asset_key=knowledge_graph_store.key,
        metadata={k: v for k, v in summary.items() if isinstance(v, int | str | float)},
    )
    yield Output(sorted(set(keys)))


@job(partitions_def=source_partitions, description="Ingest just the given source files (one partition per file).")
def ingest_files():
    publish_partition(ingest_partition())




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
    job=ingest_files,
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
    known = set(context.instance.get_dynamic_partitions(SOURCE_PARTITIONS))
    to_add = [k for k in new_keys if k not in known]
    return SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[source_partitions.build_add_request(to_add)] if to_add else [],
        cursor=json.dumps(seen, sort_keys=True),
    )


@asset_sensor(
    asset_key=knowledge_graph_store.key,
    job=refresh_outputs,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="After the store changes outside a full build, rewrite the exports and page (one run per burst).",
)
def outputs_refresh_sensor(context: SensorEvaluationContext, asset_event) -> RunRequest | SkipReason:
    run = context.instance.get_run_by_id(asset_event.run_id)
    if run is not None and run.job_name == build_corpus.name:
        return SkipReason("the full build wrote the exports and page itself")
    return RunRequest(run_key=f"store:{asset_event.run_id}")


@schedule(
    job=build_corpus,
    cron_schedule="0 2 * * *",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Daily re-scan of the corpus folder: new, changed and removed files.",
)
def daily_rescan(context: ScheduleEvaluationContext) -> RunRequest:
    return RunRequest(run_key=f"rescan:{context.scheduled_execution_time:%Y-%m-%d}")
