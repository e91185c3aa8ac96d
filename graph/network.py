"""NetworkX projection of the published graph: documents, tasks and agencies as one multi-digraph.

Contract shared with graph/draw.py (keep exactly):
- node id = IRI string; node attributes: ``kind`` in {"plan", "central", "provincial", "party",
  "task", "agency", "instrument"} (plan = a document in the corpus; central/provincial/party =
  cited instruments by issuer level), ``label`` (short: number, agency name or task index),
  ``number``, ``title``, ``date``, ``issuer``, ``province``, ``doc_type`` (strings, "" when unknown);
- edge attributes: ``relation`` in {"based_on", "implements", "cites", "has_task", "lead",
  "coordinator"}, ``evidence`` (quoted text or ""), ``source`` (source file name), ``property``
  (the RDF property IRI).  One edge per (source document, subject, relation, object).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

import networkx as nx
import pyoxigraph as ox

from graph.iris import ELI, VN
from graph.query import GRAPHS_PER_QUERY, LINEAGE_PROPERTIES, batched_rows, run

EDGE_RELATIONS = {
    ELI + "based_on": "based_on",
    VN + "implements": "implements",
    ELI + "cites": "cites",
    VN + "hasTask": "has_task",
    VN + "leadAgency": "lead",
    VN + "coordinatingAgency": "coordinator",
}
NODE_ATTRS = ("kind", "label", "number", "title", "date", "issuer", "province", "doc_type")
EDGE_ATTRS = ("relation", "evidence", "source", "property")

# Every query reads facts inside the graph that states them (GRAPH ?g) and aggregates per node: in the
# union default graph a widely cited instrument's triples repeat once per citing document, and
# joining several OPTIONAL fields there multiplies those repeats (minutes at 1M triples).
_DOCUMENTS = """
SELECT ?d (SAMPLE(?number_) AS ?number) (SAMPLE(?title_) AS ?title) (SAMPLE(?date_) AS ?date)
       (SAMPLE(?issuer_) AS ?issuer) (SAMPLE(?province_) AS ?province) (SAMPLE(?type_) AS ?doc_type)
       (SAMPLE(?level_) AS ?level) (SAMPLE(?file_) AS ?file) WHERE {
  GRAPH ?g {
    ?d a eli:Work .
    OPTIONAL { ?d vn:docNumber ?number_ }
    OPTIONAL { ?d eli:title ?title_ }
    OPTIONAL { ?d eli:date_document ?date_ }
    OPTIONAL { ?d eli:passed_by ?org . ?org skos:prefLabel ?issuer_ }
    OPTIONAL { ?d eli:jurisdiction ?place . ?place skos:prefLabel ?province_ }
    OPTIONAL { ?d eli:type_document ?type . ?type skos:prefLabel ?type_ }
    OPTIONAL { ?d vn:issuerLevel ?level . ?level skos:notation ?level_ }
    OPTIONAL { ?d vn:sourceFile ?file_ }
  }
} GROUP BY ?d"""
_TASKS = """
SELECT ?t (SAMPLE(?index_) AS ?index) (SAMPLE(?content_) AS ?content) (SAMPLE(?number_) AS ?number)
       (SAMPLE(?province_) AS ?province) (SAMPLE(?end_) AS ?date) WHERE {
  GRAPH ?g {
    ?plan vn:hasTask ?t .
    OPTIONAL { ?t vn:taskIndex ?index_ }
    OPTIONAL { ?t schema:description ?content_ }
    OPTIONAL { ?plan vn:docNumber ?number_ }
    OPTIONAL { ?plan eli:jurisdiction ?place . ?place skos:prefLabel ?province_ }
    OPTIONAL { ?t vn:timeFrame ?tf . ?tf time:hasEnd ?e . ?e time:inXSDDate ?end_ }
  }
} GROUP BY ?t"""
_AGENCIES = """
SELECT ?a (SAMPLE(?label_) AS ?label) (SAMPLE(?province_) AS ?province) WHERE {
  GRAPH ?g {
    ?a a cv:PublicOrganisation .
    OPTIONAL { ?a skos:prefLabel ?label_ }
    OPTIONAL { ?a vn:province ?place . ?place skos:prefLabel ?province_ }
  }
} GROUP BY ?a"""
_EDGES = """
SELECT ?g ?s ?p ?o (SAMPLE(?quote_) AS ?quote) (SAMPLE(?file_) AS ?file) WHERE {
  GRAPH ?g {
    { ?s eli:based_on ?o BIND(eli:based_on AS ?p) } UNION { ?s vn:implements ?o BIND(vn:implements AS ?p) }
    UNION { ?s eli:cites ?o BIND(eli:cites AS ?p) } UNION { ?s vn:hasTask ?o BIND(vn:hasTask AS ?p) }
    UNION { ?s vn:leadAgency ?o BIND(vn:leadAgency AS ?p) }
    UNION { ?s vn:coordinatingAgency ?o BIND(vn:coordinatingAgency AS ?p) }
    OPTIONAL { VALUES ?p { eli:based_on vn:implements eli:cites vn:hasTask vn:leadAgency vn:coordinatingAgency }
               ?a owl:annotatedSource ?s ; owl:annotatedTarget ?o ; owl:annotatedProperty ?p ; oa:hasSelector ?sel .
               ?sel oa:exact ?quote_ }
    ?g vn:sourceFile ?file_ .
  }
} GROUP BY ?g ?s ?p ?o"""


def _s(value: str | None) -> str:
    return value or ""


def _doc_kind(row: dict) -> str:
    if row.get("file"):
        return "plan"
    level = (row.get("level") or "").lower()
    return level if level in {"central", "provincial", "party"} else "instrument"


def _nodes(store: ox.Store) -> Iterator[tuple[str, dict[str, str]]]:
    """(IRI, attributes) of every described document, task and agency, streamed from the store."""
    for r in _rows(store, _DOCUMENTS):
        label = _s(r["number"]) or _s(r["title"])[:40] or r["d"].rsplit("/", 1)[-1]
        yield r["d"], {"kind": _doc_kind(r), "label": label,
                       "number": _s(r["number"]), "title": _s(r["title"]), "date": _s(r["date"]),
                       "issuer": _s(r["issuer"]), "province": _s(r["province"]), "doc_type": _s(r["doc_type"])}
    tasks_seen: set[str] = set()
    for r in _batched(store, _TASKS):
        if r["t"] in tasks_seen:  # one task stated by two graphs (a plan in two source files)
            continue
        tasks_seen.add(r["t"])
        yield r["t"], {"kind": "task", "label": _s(r["index"]), "number": _s(r["number"]), "title": _s(r["content"]),
                       "date": _s(r["date"]), "issuer": "", "province": _s(r["province"]), "doc_type": ""}
    for r in _rows(store, _AGENCIES):
        yield r["a"], {"kind": "agency", "label": _s(r["label"]), "number": "", "title": _s(r["label"]), "date": "",
                       "issuer": "", "province": _s(r["province"]), "doc_type": ""}


def _undescribed(node: str) -> dict[str, str]:
    """Attributes of an edge end described nowhere: kept visible rather than dropping the edge."""
    return {"kind": "instrument", "label": node.rsplit("/", 1)[-1], "number": "", "title": "", "date": "",
            "issuer": "", "province": "", "doc_type": ""}


def _edges(store: ox.Store) -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """(subject, object, key, attributes) of every edge, graph by graph."""
    for r in _batched(store, _EDGES):
        relation = EDGE_RELATIONS[r["p"]]
        yield r["s"], r["o"], f"{relation}|{r['g']}", {"relation": relation, "evidence": _s(r["quote"]),
                                                      "source": _s(r["file"]), "property": r["p"]}


def _batched(store: ox.Store, query: str) -> Iterator[dict]:
    """Rows of a query that groups within each graph, run a few named graphs at a time: grouping
    every task or edge of the store at once held about a gigabyte at 10,000 plans."""
    graphs = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    batches = [graphs[i:i + GRAPHS_PER_QUERY] for i in range(0, len(graphs), GRAPHS_PER_QUERY)]
    return batched_rows(store, query, batches)


def _rows(store: ox.Store, query: str) -> Iterator[dict]:
    result = run(store, query)
    names = [v.value for v in result.variables]
    for sol in result:
        yield {n: (None if sol[n] is None else sol[n].value) for n in names}


def project(store: ox.Store) -> nx.MultiDiGraph:
    """The multi-digraph of the published store (see the module docstring for the attribute contract)."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(_nodes(store))
    for s, o, key, attrs in sorted(_edges(store), key=lambda e: (e[0], e[3]["property"], e[1], e[2])):
        for node in (s, o):
            if node not in g:
                g.add_node(node, **_undescribed(node))
        g.add_edge(s, o, key=key, **attrs)
    return g


# Characters XML 1.0 cannot carry at all (C0 controls other than tab, newline, carriage return).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# escape(_XML_INVALID.sub("", text)) in one pass: "&", "<" and ">" escaped, the invalid characters
# dropped (each character is mapped once, so an entity's own "&" is never escaped again).
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                           **{c: None for c in map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20),
                                                         0xFFFE, 0xFFFF])}})


def _xml(text: str) -> str:
    return text.translate(_XML_TEXT)


def write_graphml(store: ox.Store, out: BinaryIO) -> dict[str, int]:
    """Stream the projection as GraphML (as ``nx.write_graphml`` writes it, every value a string)
    without building it: only the set of node IDs is held, to add the edge ends described nowhere."""
    node_keys = {a: f"n{i}" for i, a in enumerate(NODE_ATTRS)}
    edge_keys = {a: f"e{i}" for i, a in enumerate(EDGE_ATTRS)}
    lines = ["<?xml version='1.0' encoding='utf-8'?>",
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
             'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">']
    lines += [f'<key id="{k}" for="node" attr.name="{a}" attr.type="string"/>' for a, k in node_keys.items()]
    lines += [f'<key id="{k}" for="edge" attr.name="{a}" attr.type="string"/>' for a, k in edge_keys.items()]
    lines.append('<graph edgedefault="directed">')
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    seen: set[str] = set()
    buf: list[str] = []

    def node(iri: str, attrs: dict[str, str]) -> None:
        seen.add(iri)
        data = "".join(f'<data key="{k}">{_xml(attrs[a])}</data>' for a, k in node_keys.items())
        buf.append(f"<node id={quoteattr(_XML_INVALID.sub('', iri))}>{data}</node>\n")

    def flush() -> None:
        out.write("".join(buf).encode("utf-8"))
        buf.clear()

    for iri, attrs in _nodes(store):
        if iri not in seen:  # GraphML node IDs are unique: an IRI of two kinds keeps its first description
            node(iri, attrs)
        if len(buf) > 4096:
            flush()
    n_edges = 0
    for s, o, key, attrs in _edges(store):
        for end in (s, o):
            if end not in seen:
                node(end, _undescribed(end))
        data = "".join(f'<data key="{k}">{_xml(attrs[a])}</data>' for a, k in edge_keys.items())
        buf.append(f"<edge source={quoteattr(_XML_INVALID.sub('', s))} target={quoteattr(_XML_INVALID.sub('', o))} "
                   f"id={quoteattr(_XML_INVALID.sub('', key))}>{data}</edge>\n")
        n_edges += 1
        if len(buf) > 4096:
            flush()
    buf.append("</graph></graphml>\n")
    flush()
    return {"nodes": len(seen), "edges": n_edges}


def lineage_graph(g: nx.MultiDiGraph) -> nx.DiGraph:
    """Only the lineage edges (based_on, implements) between documents."""
    names = {EDGE_RELATIONS[p] for p in LINEAGE_PROPERTIES}
    view = nx.DiGraph()
    view.add_nodes_from((n, d) for n, d in g.nodes(data=True) if d.get("kind") != "task" and d.get("kind") != "agency")
    view.add_edges_from((u, v) for u, v, d in g.edges(data=True) if d["relation"] in names)
    return view


def upstream(g: nx.MultiDiGraph, node: str) -> set[str]:
    """Everything ``node`` rests on or implements, transitively."""
    return nx.descendants(lineage_graph(g), node)


def impact(g: nx.MultiDiGraph, node: str) -> set[str]:
    """Every document that rests on or implements ``node``, transitively."""
    return nx.ancestors(lineage_graph(g), node)


def workload(g: nx.MultiDiGraph) -> list[tuple[str, int, int, int]]:
    """(agency IRI, tasks led, tasks coordinated, distinct tasks), busiest first."""
    counts: dict[str, list[set[str]]] = {}
    for u, v, d in g.edges(data=True):
        if d["relation"] in {"lead", "coordinator"}:
            led, coordinated = counts.setdefault(v, [set(), set()])
            (led if d["relation"] == "lead" else coordinated).add(u)
    rows = [(a, len(led), len(co), len(led | co)) for a, (led, co) in counts.items()]
    return sorted(rows, key=lambda r: (-r[3], -r[1], r[0]))


def graphml_ready(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attribute values are all strings (GraphML has no null)."""
    h = nx.MultiDiGraph()
    h.add_nodes_from((n, {k: "" if v is None else str(v) for k, v in d.items()}) for n, d in g.nodes(data=True))
    h.add_edges_from((u, v, k, {a: "" if x is None else str(x) for a, x in d.items()})
                     for u, v, k, d in g.edges(keys=True, data=True))
    return h
