"""Per-document stages across processes: same work files as in one process, one bad document isolated."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from graph.store import read_manifest
from pipelines import stages
from pipelines.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
N_PLANS = stages.PARALLEL_MIN_DOCUMENTS + 4


def _generator():
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    _generator().write_corpus(N_PLANS, 5, raw)
    return raw


def _settings(root: Path, raw: Path, workers: int) -> Settings:
    return Settings.from_root(root, raw_dir=raw, outputs_dir=root / "outputs", inbox_dir=root / "inbox",
                              quarantine_dir=root / "quarantine", workers=workers, draw=False)


def _build(settings: Settings) -> list[stages.StageResult]:
    keys = stages.source_keys(settings)
    results = []
    for stage in (stages.ingest_source, stages.extract_document, stages.build_document_graph):
        results += stages.run_per_document(settings, stage, keys)
    return results


def test_pool_writes_the_same_graphs_as_one_process(corpus: Path, tmp_path: Path) -> None:
    one = _settings(tmp_path / "one", corpus, workers=1)
    two = _settings(tmp_path / "two", corpus, workers=2)
    results_one, results_two = _build(one), _build(two)
    assert [(r.key, r.status) for r in results_one] == [(r.key, r.status) for r in results_two]
    assert {r.status for r in results_two} == {"new"}
    keys = stages.source_keys(two)
    assert len(keys) == N_PLANS
    for key in keys:
        assert one.graph_path(key).read_bytes() == two.graph_path(key).read_bytes()
    # Nothing changed: every stage says so, and the pool run touches no file.
    assert {r.status for r in _build(two)} == {"unchanged"}


def test_a_new_graph_format_rebuilds_every_graph_and_nothing_else(corpus: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.build

    settings = _settings(tmp_path, corpus, workers=1)
    _build(settings)
    monkeypatch.setattr(graph.build, "GRAPH_FORMAT", graph.build.GRAPH_FORMAT + 1)
    keys = stages.source_keys(settings)
    assert {r.status for r in stages.run_per_document(settings, stages.extract_document, keys)} == {"unchanged"}
    assert {r.status for r in stages.run_per_document(settings, stages.build_document_graph, keys)} == {"changed"}
    assert {r.status for r in stages.run_per_document(settings, stages.build_document_graph, keys)} == {"unchanged"}


def test_publish_uses_the_hash_and_count_the_graph_stage_recorded(corpus: Path, tmp_path: Path) -> None:
    settings = _settings(tmp_path, corpus, workers=2)
    _build(settings)
    summary = stages.publish(settings, stages.live_keys(settings))
    manifest = read_manifest(settings.outputs_dir)
    from graph.store import open_store

    assert summary["triples"] == len(open_store(settings.outputs_dir)) == manifest["triples"]
    assert len(summary["added"]) == N_PLANS


def _explode_on_third(settings: Settings, key: str) -> stages.StageResult:
    if key == stages.source_keys(settings)[2]:
        raise RuntimeError("extractor bug")
    return stages.extract_document(settings, key)


def test_an_exception_on_one_document_fails_only_that_document(corpus: Path, tmp_path: Path) -> None:
    settings = _settings(tmp_path, corpus, workers=2)
    keys = stages.source_keys(settings)
    stages.run_per_document(settings, stages.ingest_source, keys)
    results = stages.run_per_document(settings, _explode_on_third, keys)
    failed = [r for r in results if r.status == "failed"]
    assert [r.key for r in failed] == [keys[2]]
    assert "RuntimeError: extractor bug" in failed[0].detail
    assert sum(r.status == "new" for r in results) == N_PLANS - 1
    assert not settings.record_path(keys[2]).exists()


OWNER = """
import os, sys, time
sys.path.insert(0, {root!r})
from pipelines.extract.parallel import map_ordered

def report_and_wait(n):
    os.write(1, f"{{os.getpid()}}\\n".encode())  # one write: lines of two workers never interleave
    time.sleep(60)
    return n

if __name__ == "__main__":
    for _ in map_ordered(report_and_wait, range(4), 2, chunksize=1):
        pass
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_pool_workers_end_when_their_owner_is_killed(tmp_path: Path) -> None:
    """kill -9 of a build must not leave its pool workers waiting on the task queue forever."""
    import os
    import signal
    import subprocess
    import time

    script = tmp_path / "owner.py"
    script.write_text(OWNER.format(root=str(Path(__file__).resolve().parents[1])), encoding="utf-8")
    owner = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    workers = [int(owner.stdout.readline()) for _ in range(2)]  # both workers are running a task
    owner.send_signal(signal.SIGKILL)
    owner.wait()

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return status != "Z"  # a zombie has ended; only its exit status waits to be read

    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]
