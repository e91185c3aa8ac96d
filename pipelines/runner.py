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


def resource_config(settings: Settings, *, log_level: str = "INFO") -> dict:
    return {
        "loggers": {"console": {"config": {"log_level": log_level}}},
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
                    "workers": settings.workers,
                }
            }
        }
    }


def run_build(
    settings: Settings, *, instance: DagsterInstance | None = None, log_level: str = "WARNING"
) -> BuildReport:
    """Materialise every asset over the corpus in one in-process run (the ``build_corpus`` job)."""
    from pipelines import stages
    from pipelines.assets import all_assets, graph_page
    from pipelines.automation import build_corpus
    from pipelines.definitions import defs

    if not stages.source_keys(settings):
        raise FileNotFoundError(f"no source files in {settings.raw_dir} or {settings.inbox_dir}")
    if instance is None:
        ensure_dagster_home()
        instance = DagsterInstance.get()
    before = set(stages.work_keys(settings))
    selection = [a.key for a in all_assets if settings.draw or a is not graph_page]
    result = defs.resolve_job_def(build_corpus.name).execute_in_process(
        instance=instance,
        run_config=resource_config(settings, log_level=log_level),
        asset_selection=selection,
        raise_on_error=False,
    )
    keys = stages.live_keys(settings)
    report = BuildReport(
        success=result.success,
        added=sorted(set(keys) - before),
        removed=sorted(before - set(stages.work_keys(settings))),
    )
    for event in result.all_events:
        if event.is_failure:
            report.problems.append(str(event.message))
        if event.is_step_materialization:
            materialization = event.step_materialization_data.materialization
            published = materialization.metadata.get("triples")
            count = published.value if published is not None else None
            if materialization.asset_key.to_user_string() == "knowledge_graph_store" and isinstance(count, int | float):
                report.triples = int(count)
            failed = materialization.metadata.get("status_failed")
            if failed is not None:
                step = materialization.asset_key.to_user_string()
                report.problems.append(f"{step}: {failed.value} document(s) failed (see the run's log)")
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.asset_check_evaluation_data
            if not evaluation.passed:
                report.problems.append(f"check {evaluation.check_name} did not pass")
    agencies: set[tuple[str | None, str | None]] = set()
    for record in stages.iter_records(settings, keys):
        report.documents += 1
        report.citations += len(record.get("citations", []))
        report.tasks += len(record.get("tasks", []))
        report.targets += len(record.get("targets", []))
        agencies.update((a.get("canonical") or a.get("name"), a.get("province")) for a in record.get("agencies", []))
    report.agencies = len(agencies)
    report.triples = report.triples or count_triples(settings)
    hidden = ("work", "store.versions")
    report.outputs = sorted(
        p for p in settings.outputs_dir.iterdir() if not p.name.startswith(".") and p.name not in hidden
    )
    return report


def count_triples(settings: Settings) -> int:
    """Quads of the published store, from its manifest (no scan); 0 when nothing is published here."""
    if settings.store_url:
        return 0
    from graph.store import StoreError, read_manifest

    try:
        return int(read_manifest(settings.outputs_dir).get("triples") or 0)
    except StoreError:
        return 0
