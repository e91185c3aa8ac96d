"""Exports of the published store: TriG, Turtle, JSON-LD, GraphML and CSV tables (pandas).

Each file is written to a temporary name and renamed into place, so a reader sees the old
export or the new one, never half of either.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pyoxigraph as ox

from graph.iris import PREFIXES, RDF, SCHEME
from graph.network import graphml_ready, project
from graph.query import select, tasks
from graph.store import open_store
from pipelines.atomic import write_atomic

# Facts are read in the citing document's graph (GRAPH ?g): see graph/network.py on union repeats.
_CITATIONS = """
SELECT ?source ?citing ?citingNumber ?relation ?cited ?citedNumber (SAMPLE(?issuer_) AS ?citedIssuer)
       (SAMPLE(?date_) AS ?citedDate) (SAMPLE(?title_) AS ?citedTitle) (SAMPLE(?quote_) AS ?quote)
       (SAMPLE(?start_) AS ?start) (SAMPLE(?end_) AS ?end) (SAMPLE(?inCorpus_) AS ?inCorpus) WHERE {
  GRAPH ?g {
    { ?citing eli:based_on ?cited BIND(eli:based_on AS ?p) }
    UNION { ?citing vn:implements ?cited BIND(vn:implements AS ?p) }
    UNION { ?citing eli:cites ?cited BIND(eli:cites AS ?p) }
    ?citing vn:sourceFile ?source .
    OPTIONAL { ?citing vn:docNumber ?citingNumber }
    OPTIONAL { ?a owl:annotatedTarget ?cited ; owl:annotatedSource ?citing ; owl:annotatedProperty ?p .
               OPTIONAL { ?a oa:hasSelector ?qs . ?qs oa:exact ?quote_ }
               OPTIONAL { ?a oa:hasSelector ?pos . ?pos oa:start ?start_ ; oa:end ?end_ } }
    OPTIONAL { ?cited vn:docNumber ?citedNumber }
    OPTIONAL { ?cited eli:passed_by ?org . ?org skos:prefLabel ?issuer_ }
    OPTIONAL { ?cited eli:date_document ?date_ }
    OPTIONAL { ?cited eli:title ?title_ }
  }
  BIND(EXISTS { GRAPH ?cg { ?cited vn:sourceFile ?f } } AS ?inCorpus_)
  BIND(IF(?p = vn:implements, "implements", IF(?p = eli:based_on, "based_on", "cites")) AS ?relation)
}
GROUP BY ?source ?citing ?citingNumber ?relation ?cited ?citedNumber
ORDER BY ?source ?relation ?citedNumber
"""
_AGENCIES = """
SELECT ?agency ?name ?province ?type ?aliases ?parent ?tasksLed ?tasksCoordinated WHERE {
  { SELECT ?agency (SAMPLE(?name_) AS ?name) (SAMPLE(?province_) AS ?province) (SAMPLE(?type_) AS ?type)
           (SAMPLE(?parent_) AS ?parent) WHERE {
      GRAPH ?g {
        ?agency a cv:PublicOrganisation ; skos:prefLabel ?name_ .
        OPTIONAL { ?agency vn:province ?place . ?place skos:prefLabel ?province_ }
        OPTIONAL { ?agency vn:agencyType ?t . ?t skos:notation ?type_ }
        OPTIONAL { ?agency org:subOrganizationOf ?parent_ }
      }
    } GROUP BY ?agency }
  OPTIONAL { SELECT ?agency (GROUP_CONCAT(DISTINCT ?alt; separator=" | ") AS ?aliases) WHERE {
      GRAPH ?g2 { ?agency skos:altLabel ?alt ; a cv:PublicOrganisation } } GROUP BY ?agency }
  OPTIONAL { SELECT ?agency (COUNT(DISTINCT ?led) AS ?tasksLed) WHERE {
      GRAPH ?g3 { ?led vn:leadAgency ?agency } } GROUP BY ?agency }
  OPTIONAL { SELECT ?agency (COUNT(DISTINCT ?co) AS ?tasksCoordinated) WHERE {
      GRAPH ?g4 { ?co vn:coordinatingAgency ?agency } } GROUP BY ?agency }
}
ORDER BY ?province ?name
"""
TASK_COLUMNS = {
    "number": "plan", "province": "province", "section": "section", "index": "index", "content": "content",
    "lead": "lead", "coordinators": "coordinators", "approver": "approver", "timeframe": "timeframe",
    "start": "start", "end": "end", "recurring": "recurring", "task": "task", "plan": "plan_iri",
}




def _data_prefixes(store: ox.Store) -> dict[str, str]:
    """Standard prefixes plus the data namespaces of this store (its base IRI is read off its graphs)."""
    prefixes = dict(PREFIXES)
    prefixes["vns"] = SCHEME
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    if graphs and "/graph/" in graphs[0]:
        base = graphs[0].rsplit("/graph/", 1)[0] + "/"
        prefixes.update({"vnd": base + "id/", "vng": base + "graph/"})
    return prefixes


def _union_store(store: ox.Store) -> ox.Store:
    union = ox.Store()
    union.extend(ox.Quad(t.subject, t.predicate, t.object)
                 for t in store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"))
    return union


def _compact(node, prefixes: list[tuple[str, str]]):
    """Shorten IRIs of expanded JSON-LD to compact IRIs ("vn:docNumber") defined by the context."""

    def iri(value: str) -> str:
        for name, ns in prefixes:
            if value.startswith(ns) and len(value) > len(ns):
                return f"{name}:{value[len(ns):]}"
        return value

    if isinstance(node, list):
        return [_compact(x, prefixes) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@id":
            out[key] = iri(value)
        elif key == "@type":
            out[key] = [iri(v) for v in value] if isinstance(value, list) else iri(value)
        elif key == RDF + "type":
            out["@type"] = [iri(v["@id"]) for v in value]
        elif key.startswith("@"):
            out[key] = _compact(value, prefixes)
        else:
            out[iri(key)] = _compact(value, prefixes)
    return out


def jsonld_document(store: ox.Store, prefixes: dict[str, str]) -> dict:
    expanded = json.loads(store.dump(format=ox.RdfFormat.JSON_LD))
    # Longest namespace first so "vnd:" wins over a shorter enclosing one.
    ordered = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
    return {"@context": dict(prefixes), "@graph": _compact(expanded, ordered)}


def _csv(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def tasks_frame(store: ox.Store) -> pd.DataFrame:
    rows = tasks(store)
    df = pd.DataFrame(rows, columns=list(TASK_COLUMNS)) if rows else pd.DataFrame(columns=list(TASK_COLUMNS))
    df = df.rename(columns=TASK_COLUMNS)
    df["recurring"] = df["recurring"].map({"true": True, "false": False})
    return df


def citations_frame(store: ox.Store) -> pd.DataFrame:
    names, rows = select(store, _CITATIONS)
    df = pd.DataFrame(rows, columns=names)
    df["inCorpus"] = df["inCorpus"].map({"true": True, "false": False})
    return df


def agencies_frame(store: ox.Store) -> pd.DataFrame:
    names, rows = select(store, _AGENCIES)
    df = pd.DataFrame(rows, columns=names)
    for col in ("tasksLed", "tasksCoordinated"):
        df[col] = pd.to_numeric(df[col]).fillna(0).astype("int64")
    return df


def write_exports(outputs_dir: Path) -> dict[str, Path]:
    """Write graph.trig, graph.ttl, graph.jsonld, graph.graphml, tasks.csv, citations.csv and
    agencies.csv from the published store into ``outputs_dir``; returns name -> path."""
    outputs_dir = Path(outputs_dir)
    store = open_store(outputs_dir, read_only=True)
    prefixes = _data_prefixes(store)
    union = _union_store(store)
    written: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        written[name] = write_atomic(outputs_dir / name, data)

    put("graph.trig", store.dump(format=ox.RdfFormat.TRIG, prefixes=prefixes))
    put("graph.ttl", union.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=prefixes))
    put("graph.jsonld", json.dumps(jsonld_document(store, prefixes), ensure_ascii=False, indent=1).encode("utf-8"))
    buf = io.BytesIO()
    nx.write_graphml(graphml_ready(project(store)), buf, encoding="utf-8")
    put("graph.graphml", buf.getvalue())
    put("tasks.csv", _csv(tasks_frame(store)))
    put("citations.csv", _csv(citations_frame(store)))
    put("agencies.csv", _csv(agencies_frame(store)))
    return written
