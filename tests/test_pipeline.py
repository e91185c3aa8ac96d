"""The Dagster code location loads, and the asset graph builds the seeds into real outputs."""

from __future__ import annotations

import csv
from pathlib import Path

from dagster import DefaultScheduleStatus, DefaultSensorStatus, Definitions

from pipelines.definitions import defs

EXPECTED_OUTPUTS = ("graph.trig", "graph.ttl", "tasks.csv", "citations.csv", "agencies.csv", "graph.html")


def test_definitions_are_loadable() -> None:
    Definitions.validate_loadable(defs)
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"source_texts", "extraction_records", "document_graphs", "knowledge_graph_store"} <= keys
    assert {"graph_exports", "graph_page"} <= keys


def test_automation_runs_by_default() -> None:
    sensor = defs.resolve_sensor_def("inbox_sensor")
    schedule = defs.resolve_schedule_def("daily_rescan")
    assert sensor.default_status == DefaultSensorStatus.RUNNING
    assert schedule.default_status == DefaultScheduleStatus.RUNNING


def test_build_materialises_every_asset_into_outputs(built_project) -> None:
    settings, report = built_project
    assert report.success, report.problems
    assert report.documents == 5
    for name in EXPECTED_OUTPUTS:
        path = settings.outputs_dir / name
        assert path.is_file() and path.stat().st_size > 0, name
    assert (settings.outputs_dir / "store").exists()
    assert report.triples > 1000


def test_tasks_csv_has_one_row_per_task(built_project) -> None:
    settings, report = built_project
    with (settings.outputs_dir / "tasks.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == report.tasks
    assert rows and {"plan", "section", "content", "lead", "coordinators", "approver"} <= set(rows[0])


def test_trig_has_one_named_graph_per_source(built_project) -> None:
    import rdflib

    settings, _ = built_project
    dataset = rdflib.Dataset()
    dataset.parse(settings.outputs_dir / "graph.trig", format="trig")
    named = [g for g in dataset.graphs() if len(g) and g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID]
    assert len(named) == 5


def test_dagster_cli_materialises_every_asset_on_a_fresh_instance(tmp_path, project_root) -> None:
    """The acceptance command itself, with a fresh DAGSTER_HOME (no partitions registered)."""
    import os
    import shutil
    import subprocess
    import sys

    from tests.conftest import copy_corpus

    copy_corpus(tmp_path / "data" / "raw")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(project_root / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home), "VANBAN_ROOT": str(tmp_path)}
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "asset", "materialize", "-m", "pipelines.definitions", "--select", "*"],
        cwd=project_root, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for name in EXPECTED_OUTPUTS:
        assert (tmp_path / "outputs" / name).stat().st_size > 0, name
