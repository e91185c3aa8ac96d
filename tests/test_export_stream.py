"""The streamed exports say exactly what the store says: JSON-LD in compact form, GraphML as the projection."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from graph.export import (
    TASK_COLUMNS,
    _TypeWriter,
    tasks_frame,
    write_exports,
    write_jsonld,
    write_tasks_csv,
    write_trig,
)
from graph.iris import XSD
from graph.network import project
from graph.store import open_store
from tests import test_graph_support as support


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    outputs = tmp_path_factory.mktemp("export-stream") / "outputs"
    support.build_outputs(outputs, list(support._cached_records()))
    return outputs, write_exports(outputs)


def _quads(path: Path, fmt: str) -> set[tuple]:
    ds = rdflib.Dataset()
    ds.parse(path, format=fmt)
    return {(s, p, o, str(g)) for s, p, o, g in ds.quads((None, None, None, None))}


def test_jsonld_is_compact_and_holds_every_quad_of_the_trig(exported: tuple[Path, dict[str, Path]]) -> None:
    _, written = exported
    doc = json.loads(written["graph.jsonld"].read_text(encoding="utf-8"))
    graphs = doc["@graph"]
    assert len(graphs) == 5 and all(g["@id"].startswith("vng:") for g in graphs)
    nodes = [n for g in graphs for n in g["@graph"]]
    plan = next(n for n in nodes if n.get("vn:docNumber") == [{"@value": "397/KH-UBND"}])
    assert plan["@id"].startswith("vnd:doc/") and "eli:Work" in plan["@type"]
    assert not any(k.startswith("http") for n in nodes for k in n)
    assert _quads(written["graph.jsonld"], "json-ld") == _quads(written["graph.trig"], "trig")


def test_graphml_reads_back_as_the_projection(exported: tuple[Path, dict[str, Path]]) -> None:
    outputs, written = exported
    gm = nx.read_graphml(written["graph.graphml"], force_multigraph=True)
    g = project(open_store(outputs))
    assert dict(gm.nodes(data=True)) == dict(g.nodes(data=True))

    def edges(h: nx.MultiDiGraph) -> list:
        return sorted((u, v, k, sorted(d.items())) for u, v, k, d in h.edges(keys=True, data=True))

    assert edges(gm) == edges(g)


def test_compaction_leaves_literals_alone_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Literals that look like JSON-LD keys, TriG prefixes or IRIs stay as written, wherever the text is cut."""
    monkeypatch.setattr(_TypeWriter, "chunk", 64)  # rewrite in many small pieces
    base = "https://example.org/"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    tricky = (f'a","{base}id/p":[{{"@id":"{base}id/x"}}],{{"{rdf_type.value}":[{{"@id":"{base}id/y"}}]}}'
              f' \\"{base}id/q\\"\n@prefix vnd: <{base}id/> .\n')
    g = ox.NamedNode(base + "graph/1")
    xsd_int = ox.NamedNode(XSD + "integer")
    quads = []
    for i in range(40):
        s = ox.NamedNode(f"{base}id/s/{i}")
        quads += [ox.Quad(s, ox.NamedNode(base + "id/label"), ox.Literal(f"{tricky} {i}"), g),
                  ox.Quad(s, ox.NamedNode(base + "id/see"), ox.NamedNode(f"{base}id/s/{i + 1}"), g),
                  ox.Quad(s, ox.NamedNode(base + "id/n"), ox.Literal(str(i), datatype=xsd_int), g),
                  ox.Quad(s, ox.NamedNode("http://other.example/p"), ox.NamedNode("http://other.example/o"), g),
                  ox.Quad(s, rdf_type, ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept"), g)]
    store = ox.Store()
    store.extend(quads)
    write_trig(store, tmp_path)
    write_jsonld(store, tmp_path)
    doc = json.loads((tmp_path / "graph.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"]["vnd"] == base + "id/"
    nodes = doc["@graph"][0]["@graph"]
    assert len(nodes) == 40
    assert all(n["@id"].startswith("vnd:s/") and n["@type"] == ["skos:Concept"] for n in nodes)
    assert all(n["vnd:see"][0]["@id"].startswith("vnd:s/") and n["vnd:n"][0]["@type"] == "xsd:integer" for n in nodes)
    assert all(n["http://other.example/p"] == [{"@id": "http://other.example/o"}] for n in nodes)
    assert {n["vnd:label"][0]["@value"] for n in nodes} == {f"{tricky} {i}" for i in range(40)}
    assert _quads(tmp_path / "graph.jsonld", "json-ld") == {(s, p, o, str(g)) for s, p, o, g in _quads_of(quads)}


def _quads_of(quads: list[ox.Quad]) -> set[tuple]:
    ds = rdflib.Dataset()
    ds.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS), format="nquads")
    return {(s, p, o, g) for s, p, o, g in ds.quads((None, None, None, None))}


def test_parallel_exports_write_the_same_files(exported: tuple[Path, dict[str, Path]]) -> None:
    """The RDF files written by the child process are the ones written in-process, byte for byte."""
    outputs, written = exported
    before = {name: path.read_bytes() for name, path in written.items()}
    again = write_exports(outputs, parallel=True)
    assert set(again) == set(written)
    assert {name: path.read_bytes() for name, path in again.items()} == before
    assert not list(outputs.glob(".*.tmp"))
    assert not list(outputs.glob(".*.claim"))


def test_the_half_that_ends_first_writes_the_shared_files(exported: tuple[Path, dict[str, Path]],
                                                          monkeypatch) -> None:
    from graph import export

    outputs, _ = exported
    calls: list[str] = []
    shared = {name: (lambda store, out, name=name: calls.append(name)) for name in export.EITHER_FILES}
    monkeypatch.setattr(export, "EXPORTS", {**export.EXPORTS, **shared})
    store = open_store(outputs)
    first = export._write_half(store, outputs, (), "test-id")
    second = export._write_half(store, outputs, (), "test-id")
    assert set(first) == set(export.EITHER_FILES) and second == {} and calls == list(export.EITHER_FILES)
    assert export._write_half(store, outputs, (), "another-id") and calls == list(export.EITHER_FILES) * 2
    for name in export.EITHER_FILES:
        for path in outputs.glob(f".{name}.*.claim"):
            path.unlink()


def test_turtle_moved_out_of_the_trig_is_what_the_turtle_writer_writes(
    exported: tuple[Path, dict[str, Path]]
) -> None:
    from graph.export import _data_prefixes

    outputs, written = exported
    store = open_store(outputs, read_only=True)
    triples = (q.triple for q in ox.parse(path=str(written["graph.trig"]), format=ox.RdfFormat.TRIG))
    expected = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_data_prefixes(store))
    assert written["graph.ttl"].read_bytes() == expected


def _tricky_quads() -> list[ox.Quad]:
    ex = "http://example.org/"
    s, p, g = ox.NamedNode(ex + "s"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "g")
    shared = ox.BlankNode("shared")
    return [
        ox.Quad(s, p, ox.Literal("a line\n\tindented }\n\"quoted\"", language="vi"), g),
        ox.Quad(s, p, shared, g),
        ox.Quad(shared, p, ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")), ox.NamedNode("urn:other:graph")),
        ox.Quad(ox.NamedNode("urn:x"), p, ox.Literal("}"), ox.NamedNode("urn:other:graph")),
    ]


def _triples_of(path: Path, fmt: str) -> rdflib.Graph:
    if fmt == "turtle":
        return rdflib.Graph().parse(path, format="turtle")
    union = rdflib.Graph()
    ds = rdflib.Dataset()
    ds.parse(path, format=fmt)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


@pytest.mark.parametrize("default_graph", [False, True], ids=["named graphs", "with a default-graph triple"])
def test_turtle_of_any_trig_holds_its_triples(tmp_path: Path, default_graph: bool) -> None:
    from rdflib.compare import isomorphic

    from graph.export import _turtle_of_trig, write_turtle

    quads = _tricky_quads()
    if default_graph:
        quads.append(ox.Quad(ox.NamedNode("urn:d"), ox.NamedNode("urn:p"), ox.Literal("d"), ox.DefaultGraph()))
    trig = tmp_path / "graph.trig"
    ox.serialize(quads, str(trig), format=ox.RdfFormat.TRIG, prefixes={"ex": "http://example.org/"})
    with (tmp_path / "moved.ttl").open("wb") as out:
        assert _turtle_of_trig(trig, out) is not default_graph  # a default-graph line is not moved
    write_turtle(ox.Store(), tmp_path)
    assert isomorphic(_triples_of(tmp_path / "graph.ttl", "turtle"), _triples_of(trig, "trig"))
    assert len(_triples_of(tmp_path / "graph.ttl", "turtle")) == len(quads)


def test_tasks_csv_in_chunks_is_the_frame_as_csv(exported: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    outputs, _ = exported
    store = open_store(outputs)
    whole = tasks_frame(store).to_csv(index=False).encode("utf-8")
    write_tasks_csv(store, tmp_path, chunk=7)
    assert (tmp_path / "tasks.csv").read_bytes() == whole
    write_tasks_csv(ox.Store(), tmp_path)
    assert (tmp_path / "tasks.csv").read_text(encoding="utf-8").splitlines() == [",".join(TASK_COLUMNS.values())]


def test_trig_from_the_published_files_equals_the_store_dump(
    exported: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    from graph.export import _published_files

    outputs, _ = exported
    store = open_store(outputs, read_only=True)
    assert _published_files(outputs, store)  # the fast path is the one taken
    (tmp_path / "files").mkdir()
    (tmp_path / "dump").mkdir()
    from_files = write_trig(store, tmp_path / "files")
    dumped = write_trig(store, tmp_path / "dump", from_files=False)
    quads = {(q.subject, q.predicate, q.object, q.graph_name) for q in store}
    for path in (from_files, dumped):
        parsed = ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
        assert {(q.subject, q.predicate, q.object, q.graph_name) for q in parsed} == quads


def test_a_work_file_changed_after_publishing_is_not_exported(exported: tuple[Path, dict[str, Path]]) -> None:
    from graph.export import _published_files
    from graph.store import read_manifest

    outputs, _ = exported
    store = open_store(outputs, read_only=True)
    entry = next(iter(read_manifest(outputs)["graphs"].values()))
    path = Path(entry["file"])
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"<urn:x> <urn:y> <urn:z> <urn:g> .\n")
        assert _published_files(outputs, store) is None  # falls back to the store itself
    finally:
        path.write_bytes(original)
