"""SHACL validation of the graph with pyshacl (shapes: ontology/shapes.ttl; ontology: ontology/vanban.ttl).

The graph is validated as the union of its named graphs: shapes speak about resources,
whatever document mentioned them.  sh:Warning results are reported but do not break
conformance (``allow_warnings``): a task with no lead agency is flagged, not fatal.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import rdflib

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
ONTOLOGY = ONTOLOGY_DIR / "vanban.ttl"


@lru_cache(maxsize=1)
def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


@lru_cache(maxsize=1)
def _ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


def _union(data: rdflib.Graph | rdflib.Dataset | str | Path) -> rdflib.Graph:
    if isinstance(data, str | Path):
        path = Path(data)
        fmt = rdflib.util.guess_format(str(path)) or "turtle"
        if fmt in {"trig", "nquads"}:
            ds = rdflib.Dataset()
            ds.parse(path, format=fmt)
            data = ds
        else:
            return rdflib.Graph().parse(path, format=fmt)
    if isinstance(data, rdflib.Dataset):
        union = rdflib.Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    return data


def validate(data_graph: rdflib.Graph | rdflib.Dataset | str | Path) -> tuple[bool, str]:
    """(conforms, report text) of ``data_graph`` (a Graph, a Dataset validated as the union of its
    graphs, or a path to an RDF file) against the shapes."""
    import pyshacl

    conforms, _, text = pyshacl.validate(
        _union(data_graph),
        shacl_graph=_shapes(),
        ont_graph=_ontology(),
        inference="none",
        allow_warnings=True,
        advanced=True,
    )
    return bool(conforms), str(text)


def store_union_graph(store) -> rdflib.Graph:
    """The union of a pyoxigraph store's named graphs as an rdflib Graph (via N-Triples)."""
    import pyoxigraph as ox

    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    data = triples.serialize(format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def graph_of(store, graph_iri: str) -> rdflib.Graph:
    """One named graph of a pyoxigraph store as an rdflib Graph."""
    import pyoxigraph as ox

    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph_iri))
    return rdflib.Graph().parse(data=data, format="nt")


def validate_store(outputs_dir: Path) -> tuple[bool, str]:
    """Validate the published store of ``outputs_dir``, one named graph at a time (raises StoreError
    when none is published).

    Each document's graph is self-contained (graph/build.py describes every node it mentions in
    the same graph), so the shapes hold per graph; validating graph by graph keeps pyshacl's cost
    linear in the corpus and names the source document of every violation.  Consistency across
    documents (two dates for one instrument) is a warning-level concern the union query can check.
    """
    import pyoxigraph as ox

    from graph.store import open_store

    store = open_store(Path(outputs_dir), read_only=True)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    conforms_all, parts = True, []
    for iri in graphs:
        conforms, text = validate(graph_of(store, iri))
        conforms_all &= conforms
        if not conforms or "Results (" in text:
            parts.append(f"Graph <{iri}>:\n{text.rstrip()}")
    summary = f"Validated {len(graphs)} named graphs: {'all conform' if conforms_all else 'violations found'}."
    return conforms_all, "\n\n".join([summary, *parts]) + "\n"
