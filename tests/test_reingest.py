"""Re-ingestion never loses data: inbox sensor, idempotence, edits, removals, bad input, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import DagsterInstance, build_sensor_context

from pipelines.automation import inbox_sensor, ingest_files, outputs_refresh_sensor, refresh_outputs
from pipelines.definitions import defs
from pipelines.resources import VanbanResource
from pipelines.runner import resource_config, run_build
from pipelines.settings import Settings
from tests.conftest import RAW, copy_corpus

SEED = sorted(RAW.glob("*.txt"))[-1]  # a short plan, re-used under another name as a "new" plan


def graph_iri(settings: Settings, key: str) -> str:
    return json.loads(settings.graph_path(key).with_suffix(".json").read_text(encoding="utf-8"))["iri"]


def quads(settings: Settings, iri: str | None = None) -> set[tuple[str, str, str, str]]:
    import pyoxigraph

    from graph.store import open_store

    store = open_store(settings.outputs_dir, read_only=True)
    graph = pyoxigraph.NamedNode(iri) if iri else None
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
            for q in store.quads_for_pattern(None, None, None, graph)}


def graph_names(settings: Settings) -> set[str]:
    return {q[3] for q in quads(settings)}


def run_sensor_once(settings: Settings, instance: DagsterInstance, cursor: str | None) -> tuple[list, str | None]:
    """Evaluate the inbox sensor, apply its partition requests, and execute each requested run."""
    resource = VanbanResource(
        raw_dir=str(settings.raw_dir),
        outputs_dir=str(settings.outputs_dir),
        inbox_dir=str(settings.inbox_dir),
        quarantine_dir=str(settings.quarantine_dir),
    )
    context = build_sensor_context(instance=instance, cursor=cursor, resources={"vanban": resource})
    result = inbox_sensor(context)
    if not hasattr(result, "run_requests"):
        return [], cursor
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    job = defs.resolve_job_def(ingest_files.name)
    for request in result.run_requests:
        run = job.execute_in_process(
            instance=instance, partition_key=request.partition_key, run_config=resource_config(settings)
        )
        assert run.success
    return result.run_requests, result.cursor


@pytest.fixture()
def project(tmp_path: Path, built_project):
    """A copy of the session's built seeds project (outputs, store and work files), with its own instance."""
    import shutil

    template, _ = built_project
    root = tmp_path / "project"
    shutil.copytree(template.raw_dir.parent.parent, root, symlinks=True)
    (root / "data" / "inbox").mkdir(parents=True, exist_ok=True)
    settings = Settings.from_root(root, draw=False)
    with DagsterInstance.ephemeral() as instance:
        report = run_build(settings, instance=instance)  # registers partitions; every document unchanged
        assert report.success, report.problems
        yield settings, instance


def test_new_inbox_plan_runs_only_its_partition_and_joins_the_graph(project) -> None:
    settings, instance = project
    before = graph_names(settings)
    new = settings.inbox_dir / "new_plan.txt"
    new.write_bytes(SEED.read_bytes().replace(b"358/KH-UBND", b"359/KH-UBND"))
    requests, _ = run_sensor_once(settings, instance, None)
    assert [r.partition_key for r in requests] == ["new_plan.txt"]
    after = graph_names(settings)
    assert after > before and len(after - before) == 1
    assert (settings.raw_dir / "new_plan.txt").exists() and not new.exists()


def test_exports_are_refreshed_once_after_per_file_runs_not_after_a_full_build(project) -> None:
    settings, instance = project
    resource = VanbanResource(raw_dir=str(settings.raw_dir), outputs_dir=str(settings.outputs_dir),
                              inbox_dir=str(settings.inbox_dir), quarantine_dir=str(settings.quarantine_dir))
    context = build_sensor_context(instance=instance, resources={"vanban": resource})
    after_build = outputs_refresh_sensor.evaluate_tick(context)
    assert not after_build.run_requests  # the full build wrote the exports itself

    for number in (b"359/KH-UBND", b"360/KH-UBND"):  # a burst of two inbox files
        name = f"plan_{number.split(b'/')[0].decode()}.txt"
        (settings.inbox_dir / name).write_bytes(SEED.read_bytes().replace(b"358/KH-UBND", number))
    run_sensor_once(settings, instance, None)
    citations_csv = (settings.outputs_dir / "citations.csv").read_text(encoding="utf-8")
    assert "plan_360.txt" not in citations_csv  # per-file runs publish the graph, not the exports

    context = build_sensor_context(instance=instance, resources={"vanban": resource},
                                   cursor=after_build.cursor)
    tick = outputs_refresh_sensor.evaluate_tick(context)
    assert len(tick.run_requests) == 1  # one refresh for the burst
    run = defs.resolve_job_def(refresh_outputs.name).execute_in_process(
        instance=instance, run_config=resource_config(settings)
    )
    assert run.success
    citations_csv = (settings.outputs_dir / "citations.csv").read_text(encoding="utf-8")
    assert "plan_359.txt" in citations_csv and "plan_360.txt" in citations_csv


def test_the_same_file_twice_changes_nothing(project) -> None:
    settings, instance = project
    target = settings.inbox_dir / SEED.name
    target.write_bytes(SEED.read_bytes())
    before = quads(settings)
    meta_before = settings.source_meta_path(SEED.name).read_text(encoding="utf-8")
    requests, _ = run_sensor_once(settings, instance, None)
    assert len(requests) == 1
    assert quads(settings) == before
    assert settings.source_meta_path(SEED.name).read_text(encoding="utf-8") == meta_before


def test_an_edited_plan_replaces_exactly_its_graph(project) -> None:
    settings, instance = project
    key = SEED.name
    iri = graph_iri(settings, key)
    others_before = quads(settings) - quads(settings, iri)
    old_sha = json.loads(settings.source_meta_path(key).read_text(encoding="utf-8"))["sha256"]
    path = settings.raw_dir / key
    path.write_bytes(path.read_bytes().replace(b"6936/VPCP-KSTT", b"7777/VPCP-KSTT"))
    assert run_build(settings, instance=instance).success
    mine = {q[2] for q in quads(settings, iri)}
    assert any("7777" in o for o in mine) and not any("6936" in o for o in mine)
    assert quads(settings) - quads(settings, iri) == others_before
    meta = json.loads(settings.source_meta_path(key).read_text(encoding="utf-8"))
    assert meta["previous_sha256"] == old_sha


def test_a_removed_plan_leaves_the_graph(project) -> None:
    settings, instance = project
    key = SEED.name
    iri = graph_iri(settings, key)
    (settings.raw_dir / key).unlink()
    report = run_build(settings, instance=instance)
    assert report.success and key in report.removed
    assert iri not in graph_names(settings)
    assert len(graph_names(settings)) == 4


def test_bad_input_is_quarantined_and_nothing_is_lost(project) -> None:
    settings, instance = project
    before = quads(settings)
    (settings.inbox_dir / "broken.docx").write_bytes(b"PK\x03\x04 this is not a real docx")
    (settings.inbox_dir / "empty.txt").write_bytes(b"")
    run_sensor_once(settings, instance, None)
    reasons = sorted(p.name for p in settings.quarantine_dir.glob("*.reason.txt"))
    assert reasons == ["broken.docx.reason.txt", "empty.txt.reason.txt"]
    assert quads(settings) == before


def test_a_corpus_file_that_turns_bad_keeps_its_previous_graph(project) -> None:
    settings, instance = project
    key = SEED.name
    iri = graph_iri(settings, key)
    mine_before = quads(settings, iri)
    (settings.raw_dir / key).write_bytes(b"\x00\x01\x02 binary garbage \x00" * 50)
    report = run_build(settings, instance=instance)
    assert report.success
    assert quads(settings, iri) == mine_before  # the last good version stays in the graph
    assert (settings.raw_dir / key).exists()  # the owner's file is left where it was
    reason = settings.quarantine_dir / f"{key}.reason.txt"
    assert reason.exists() and key in reason.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_build_killed_midway_leaves_previous_outputs_usable(tmp_path: Path) -> None:
    copy_corpus(tmp_path / "data" / "raw")
    env = {**os.environ, "VANBAN_ROOT": str(tmp_path), "DAGSTER_HOME": str(tmp_path / ".dagster_home")}
    cmd = [sys.executable, "-m", "pipelines.cli", "build", "--no-draw"]
    subprocess.run(cmd, cwd=tmp_path, env=env, check=True, capture_output=True)
    settings = Settings.from_root(tmp_path)
    before = quads(settings)
    trig_before = (settings.outputs_dir / "graph.trig").read_bytes()
    for seed in sorted((tmp_path / "data" / "raw").glob("*.txt")):  # every document changes
        seed.write_bytes(seed.read_bytes() + b"\nPhu luc bo sung.\n")
    snapshots = []
    for delay in (0.8, 1.6, 2.4, 3.2):
        proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        snapshots.append((quads(settings), (settings.outputs_dir / "graph.trig").read_bytes()))
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    after, trig_after = quads(settings), (settings.outputs_dir / "graph.trig").read_bytes()
    assert after != before and len(graph_names(settings)) == 5
    for store_seen, trig_seen in snapshots:  # each kill left the old version or the new one, whole
        assert store_seen in (before, after)
        assert trig_seen in (trig_before, trig_after)
