"""Run the asset graph in-process: the code path of ``vanban build`` (same assets as Dagster)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from dagster import DagsterInstance

from pipelines.settings import Settings, project_root

DAGSTER_TEMPLATE = Path(__file__).resolve().parent.parent / "dagster.yaml"


def ensure_dagster_home(root: Path | None = None) -> Path:
    """Use ``$DAGSTER_HOME`` or the project-local ``.dagster_home`` (absolute, existing, telemetry off)."""
    home = Path(os.environ.get("DAGSTER_HOME") or (root or project_root()) / ".dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() and DAGSTER_TEMPLATE.exists():
        shutil.copyfile(DAGSTER_TEMPLATE, config)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


@dataclass
class BuildReport:
    documents: int = 0
    citations: int = 0
    tasks: int = 0
    targets: int = 0
    agencies: int = 0
    triples: int = 0
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    success: bool = True


def resource_config(settings: Settings) -> dict:
    return {
        "resources": {
            "vanban": {
                "config": {
                    "raw_dir": str(settings.raw_dir),
                    "outputs_dir": str(settings.outputs_dir),
                    "inbox_dir": str(settings.inbox_dir),
                    "quarantine_dir": str(settings.quarantine_dir),
                    "base_iri": settings.base_iri,
                    "max_bytes": settings.max_bytes,
                    "store_url": settings.store_url or "",
                    "draw": settings.draw,
                }
            }
        }
    }


def run_build(settings: Settings, *, instance: DagsterInstance | None = None) -> BuildReport:
    """Sync partitions with the folders, then materialise every asset in one in-process run."""
    from pipelines import stages
    from pipelines.assets import all_assets, graph_page
    from pipelines.automation import ingest_job
    from pipelines.definitions import defs
    from pipelines.partitions import range_tags, sync_partitions

    if instance is None:
        ensure_dagster_home()
        instance = DagsterInstance.get()
    sync = sync_partitions(instance, settings)
    report = BuildReport(added=sync.added, removed=sync.removed)
    if not sync.keys:
        raise FileNotFoundError(f"no source files in {settings.raw_dir} or {settings.inbox_dir}")
    selection = [a.key for a in all_assets if settings.draw or a is not graph_page]
    result = defs.resolve_job_def(ingest_job.name).execute_in_process(
        instance=instance,
        tags=range_tags(sync.keys, instance),
        run_config=resource_config(settings),
        asset_selection=selection,
        raise_on_error=False,
    )
    report.success = result.success
    for event in result.all_events:
        if event.is_failure:
            report.problems.append(str(event.message))
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data.asset_check_evaluation  # type: ignore[union-attr]
            if not evaluation.passed:
                report.problems.append(f"check {evaluation.check_name} did not pass")
    records = stages.load_records(settings, sync.keys)
    report.documents = len(records)
    report.citations = sum(len(r.get("citations", [])) for r in records)
    report.tasks = sum(len(r.get("tasks", [])) for r in records)
    report.targets = sum(len(r.get("targets", [])) for r in records)
    report.agencies = len(
        {(a.get("canonical") or a.get("name"), a.get("province")) for r in records for a in r.get("agencies", [])}
    )
    report.triples = count_triples(settings)
    report.outputs = sorted(p for p in settings.outputs_dir.iterdir() if p.name not in ("work", ".gitkeep"))
    for key in sync.keys:
        meta = settings.source_meta_path(key)
        if not meta.exists():
            report.problems.append(f"{key}: not ingested (see {settings.quarantine_dir})")
    return report


def count_triples(settings: Settings) -> int:
    if settings.store_url:
        return 0
    try:
        from graph.store import open_store

        store = open_store(settings.outputs_dir, read_only=True)
    except Exception:  # a failed first build has no store yet
        return 0
    return len(store)
