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

import networkx as nx
import pyoxigraph as ox

from graph.iris import ELI, VN
from graph.query import LINEAGE_PROPERTIES, select

EDGE_RELATIONS = {
    ELI + "based_on": "based_on",
    VN + "implements": "implements",
    ELI + "cites": "cites",
    VN + "hasTask": "has_task",
    VN + "leadAgency": "lead",
    VN + "coordinatingAgency": "coordinator",
}
NODE_ATTRS = ("kind", "label", "number", "title", "date", "issuer", "province", "doc_type")

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
    OPTIONAL { ?a owl:annotatedTarget ?o ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; oa:hasSelector ?sel .
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


def project(store: ox.Store) -> nx.MultiDiGraph:
    """The multi-digraph of the published store (see the module docstring for the attribute contract)."""
    g = nx.MultiDiGraph()
    _, docs = select(store, _DOCUMENTS)
    for r in docs:
        g.add_node(r["d"], kind=_doc_kind(r), label=_s(r["number"]) or _s(r["title"])[:40] or r["d"].rsplit("/", 1)[-1],
                   number=_s(r["number"]), title=_s(r["title"]), date=_s(r["date"]), issuer=_s(r["issuer"]),
                   province=_s(r["province"]), doc_type=_s(r["doc_type"]))
    _, tasks = select(store, _TASKS)
    for r in tasks:
        g.add_node(r["t"], kind="task", label=_s(r["index"]), number=_s(r["number"]), title=_s(r["content"]),
                   date=_s(r["date"]), issuer="", province=_s(r["province"]), doc_type="")
    _, agencies = select(store, _AGENCIES)
    for r in agencies:
        g.add_node(r["a"], kind="agency", label=_s(r["label"]), number="", title=_s(r["label"]), date="",
                   issuer="", province=_s(r["province"]), doc_type="")
    _, edges = select(store, _EDGES)
    for r in sorted(edges, key=lambda x: (x["s"], x["p"], x["o"], x["g"])):
        for node in (r["s"], r["o"]):
            if node not in g:  # described nowhere: keep it visible rather than drop the edge
                g.add_node(node, kind="instrument", label=node.rsplit("/", 1)[-1], number="", title="",
                           date="", issuer="", province="", doc_type="")
        g.add_edge(r["s"], r["o"], key=f"{EDGE_RELATIONS[r['p']]}|{r['g']}", relation=EDGE_RELATIONS[r["p"]],
                   evidence=_s(r["quote"]), source=_s(r["file"]), property=r["p"])
    return g


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
