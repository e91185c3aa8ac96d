"""Publishing the store: exact replacement per graph, atomic switch, manifest of versions."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.store import StoreError, open_store, publish_store, read_manifest, register_reader, resolve_store_dir
from tests import test_graph_support as support
from tests.test_graph_support import build_outputs, write_graphs

seeds = support.seeds  # shared session fixture

VN = "https://w3id.org/vanban/ontology#"


def _graph_triples(store: ox.Store, iri: str) -> set:
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))}


def test_publish_adds_replaces_removes_exactly(tmp_path: Path, seeds: list[dict]) -> None:
    items = copy.deepcopy(seeds)
    first = build_outputs(tmp_path, items)
    assert len(first["added"]) == 5 and not first["replaced"] and not first["removed"]
    assert (tmp_path / "store").is_symlink()
    v1 = resolve_store_dir(tmp_path)

    store = open_store(tmp_path)
    graphs = {g.value for g in store.named_graphs()}
    assert len(graphs) == 5
    g000 = next(g for g in graphs if g.endswith("000_8b11740c270d85e3.txt"))
    g001 = next(g for g in graphs if g.endswith("001_51ac76e7e232a3ae.txt"))
    before_001 = _graph_triples(store, g001)
    before_total = len(store)
    assert first["triples"] == before_total
    del store

    # Change one document (new version of its source), drop another, keep the rest.
    changed = copy.deepcopy(items)
    rec0 = changed[0]
    rec0["record"]["citations"] = [c for c in rec0["record"]["citations"] if c["number"] != "273/KH-UBND"]
    rec0["previous"] = rec0["sha256"]
    rec0["sha256"] = "f" * 64
    del changed[4]
    summary = publish_store(tmp_path, write_graphs(tmp_path / "again", changed))
    assert summary["replaced"] == [g000]
    assert len(summary["removed"]) == 1 and summary["removed"][0].endswith("004_73fa6a4ca7d894cc.txt")
    assert len(summary["unchanged"]) == 3 and g001 in summary["unchanged"]

    store = open_store(tmp_path)
    assert _graph_triples(store, g001) == before_001
    numbers = {r["n"].value for r in store.query(
        f"SELECT ?n WHERE {{ GRAPH <{g000}> {{ ?d <http://data.europa.eu/eli/ontology#based_on> ?x . "
        f"?x <{VN}docNumber> ?n }} }}")}
    assert numbers == {"76/NQ-CP", "09-NQ/TU", "2703/QĐ-UBND"}
    assert len(store) == summary["triples"] < before_total
    del store

    manifest = read_manifest(tmp_path)
    assert manifest["graphs"][g000]["source_sha256"] == "f" * 64
    assert manifest["graphs"][g000]["previous_sha256"] == items[0]["sha256"]
    # An unchanged graph is not read again: its entry keeps the versions the first publish read.
    assert manifest["graphs"][g001]["source_sha256"] == items[1]["sha256"]
    assert manifest["graphs"][g001]["previous_sha256"] is None
    # The version a server may have been reading (the previous one) is kept; the new one is distinct.
    assert resolve_store_dir(tmp_path) != v1 and v1.is_dir()


def test_unchanged_publish_is_a_no_op_and_old_versions_are_swept(tmp_path: Path, seeds: list[dict]) -> None:
    first = build_outputs(tmp_path, copy.deepcopy(seeds))
    graphs = write_graphs(tmp_path / "graphs", copy.deepcopy(seeds))
    second = publish_store(tmp_path, graphs)
    assert not second["added"] and not second["replaced"] and not second["removed"]
    assert len(second["unchanged"]) == 5 and second["triples"] == first["triples"]
    third = publish_store(tmp_path, graphs)
    versions = sorted(p.name for p in (tmp_path / "store.versions").iterdir() if p.is_dir())
    # current + previous survive; the first version went.
    assert Path(first["path"]).name not in versions
    assert Path(third["path"]).name in versions and Path(second["path"]).name in versions


def test_version_being_read_is_never_swept(tmp_path: Path, seeds: list[dict]) -> None:
    graphs = write_graphs(tmp_path / "graphs", copy.deepcopy(seeds[:1]))
    first = publish_store(tmp_path, graphs)
    register_reader(Path(first["path"]), os.getpid())
    for _ in range(3):
        publish_store(tmp_path, graphs)
    assert Path(first["path"]).is_dir()


def test_interrupted_build_leaves_published_store_usable(tmp_path: Path, seeds: list[dict]) -> None:
    graphs = write_graphs(tmp_path / "graphs", copy.deepcopy(seeds[:2]))
    first = publish_store(tmp_path, graphs)
    # A build killed before its switch leaves only a half-written directory behind.
    junk = tmp_path / "store.versions" / "20000101T000000-deadbeef"
    junk.mkdir()
    (junk / "garbage").write_text("x")
    store = open_store(tmp_path)
    assert len(store) == first["triples"]
    del store
    publish_store(tmp_path, graphs)
    assert not junk.exists()


def test_bad_input_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<http://x/a> <http://x/p> .\n")
    with pytest.raises(StoreError, match=r"bad\.nq"):
        publish_store(tmp_path / "out", {"http://x/g": bad})
    with pytest.raises(StoreError, match=r"missing\.nq"):
        publish_store(tmp_path / "out", {"http://x/g": tmp_path / "missing.nq"})
    with pytest.raises(StoreError, match="no published store"):
        open_store(tmp_path / "empty")
    # A failed publish leaves no store behind and no manifest claiming one.
    assert json.dumps(read_manifest(tmp_path / "out")) == "{}"
