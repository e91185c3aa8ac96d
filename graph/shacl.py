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


def validate_store(outputs_dir: Path) -> tuple[bool, str]:
    """Validate the published store of ``outputs_dir`` (raises StoreError when none is published)."""
    from graph.store import open_store

    return validate(store_union_graph(open_store(Path(outputs_dir), read_only=True)))
