"""The streamed exports say exactly what the store says: JSON-LD in compact form, GraphML as the projection."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from graph.export import _CompactingWriter, write_exports
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


def test_compaction_leaves_literals_alone_across_chunk_boundaries() -> None:
    """Literals that look like JSON-LD keys or IRIs stay as written, wherever the text is cut."""
    ns = "https://example.org/ns#"
    tricky = f'a","{ns}p":[{{"@id":"{ns}x"}}],{{"@id":"{ns}y"}} \\"{ns}q\\"'
    g = ox.NamedNode("https://example.org/graph/1")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    quads = []
    for i in range(40):
        s = ox.NamedNode(f"{ns}s{i}")
        quads += [ox.Quad(s, ox.NamedNode(ns + "label"), ox.Literal(f"{tricky} {i}"), g),
                  ox.Quad(s, ox.NamedNode(ns + "see"), ox.NamedNode(f"{ns}s{i + 1}"), g),
                  ox.Quad(s, a, ox.NamedNode(ns + "T"), g)]
    prefixes = {"ex": ns, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
    out = io.BytesIO()
    out.write(b'{"@context":' + json.dumps(prefixes).encode() + b',"@graph":')
    sink = _CompactingWriter(out, prefixes)
    sink.chunk = 64  # rewrite in many small pieces
    ox.serialize(quads, sink, format=ox.RdfFormat.JSON_LD)
    sink.flush_all()
    out.write(b"}")
    doc = json.loads(out.getvalue())
    nodes = doc["@graph"][0]["@graph"]
    assert len(nodes) == 40
    assert all(n["@type"] == ["ex:T"] and n["ex:see"][0]["@id"].startswith("ex:s") for n in nodes)
    assert {n["ex:label"][0]["@value"] for n in nodes} == {f"{tricky} {i}" for i in range(40)}
    parsed = {(str(s), str(p), str(o)) for s, p, o, _ in rdflib.Dataset().parse(data=out.getvalue(), format="json-ld")
              .quads((None, None, None, None))}
    assert parsed == {(q.subject.value, q.predicate.value, q.object.value) for q in quads}
