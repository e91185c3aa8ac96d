"""The fast core SHACL path (lifted property shapes, only the triples pyshacl reads) gives pyshacl's
own verdict and report, word for word, on graphs broken in many ways."""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

from graph import memory_graph, shacl
from graph.build import document_graph_nquads
from tests import test_graph_support as support

seeds = support.seeds
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ELI = "http://data.europa.eu/eli/ontology#"
VN = "https://w3id.org/vanban/ontology#"
OA = "http://www.w3.org/ns/oa#"
CV_ORG = ox.NamedNode("http://data.europa.eu/m8g/PublicOrganisation")
XSD_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _first(store: ox.Store, s=None, p=None, o=None) -> ox.Quad:
    return next(iter(store.quads_for_pattern(s, p, o, None)))


def _untype_agency(store: ox.Store) -> None:  # sh:class fails on every task naming it
    lead = _first(store, None, _nn(VN + "leadAgency")).object
    store.remove(_first(store, lead, RDF_TYPE, CV_ORG))


def _respell_number(store: ox.Store) -> None:  # sh:pattern, and a second number (maxCount warning)
    q = _first(store, None, _nn(VN + "docNumber"))
    store.add(ox.Quad(q.subject, q.predicate, ox.Literal("12 / QĐ"), q.graph_name))


def _bad_offsets(store: ox.Store) -> None:  # sh:minInclusive, sh:lessThanOrEquals, sh:datatype
    q = _first(store, None, _nn(OA + "start"))
    store.remove(q)
    store.add(ox.Quad(q.subject, q.predicate, ox.Literal("-1", datatype=XSD_INT), q.graph_name))
    store.add(ox.Quad(q.subject, _nn(OA + "end"), ox.Literal("x"), q.graph_name))


def _no_lead(store: ox.Store) -> None:  # warnings only: the graph still conforms
    for q in list(store.quads_for_pattern(None, _nn(VN + "leadAgency"), None, None)):
        store.remove(q)


def _blank_value(store: ox.Store) -> None:  # a blank node is printed with all its triples
    q = _first(store, None, _nn(ELI + "passed_by"))
    blank = ox.BlankNode("b0")
    store.add(ox.Quad(q.subject, q.predicate, blank, q.graph_name))
    store.add(ox.Quad(blank, _nn("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("ai đó"), q.graph_name))


def _typed_twice(store: ox.Store) -> None:  # a task also typed as an agency: more focus nodes
    task = _first(store, None, RDF_TYPE, _nn(VN + "Task"))
    store.add(ox.Quad(task.subject, RDF_TYPE, CV_ORG, task.graph_name))


def _unattributed(store: ox.Store) -> None:  # sh:targetSubjectsOf: the graph no longer names its extractor
    for q in list(store.quads_for_pattern(None, _nn("http://www.w3.org/ns/prov#wasAttributedTo"), None, None)):
        store.remove(q)


EDITS = [_untype_agency, _respell_number, _bad_offsets, _no_lead, _blank_value, _typed_twice, _unattributed]


def _graph_bytes(item: dict, edit=None) -> bytes:
    record = item["record"]
    _, data = document_graph_nquads(record, source_name=record["source"], source_sha256=item["sha256"],
                                    text=item.get("text"))
    if edit is None:
        return data
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_QUADS)
    edit(store)
    return store.dump(format=ox.RdfFormat.N_QUADS)


def _stock(data: bytes) -> tuple[bool, str]:
    """pyshacl's own validation: the core shapes as written, the whole ontology mixed in by pyshacl."""
    ds = rdflib.Dataset()
    ds.parse(data=data, format="nquads")
    union = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    conforms, _, text = pyshacl.validate(union, shacl_graph=shacl._core_shapes(), ont_graph=shacl._ontology(),
                                         inference="none", allow_warnings=True)
    return bool(conforms), str(text)


def _fast(data: bytes) -> tuple[bool, str]:
    mem = shacl._load_memory(data, "nquads")
    return shacl._validate_core(shacl._core_graph(mem, exact=b"_:" in data))


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.__name__.strip("_"))
def test_fast_core_path_reports_what_pyshacl_reports(edit, seeds: list[dict]) -> None:
    data = _graph_bytes(seeds[0], edit)
    expected = _stock(data)
    assert _fast(data) == expected
    if edit is _no_lead:
        assert expected[0] and "A task without a lead agency" in expected[1]
    elif edit is _unattributed:
        assert not expected[0] and "A document graph names the extractor" in expected[1]
    else:
        assert "\nResults (" in expected[1]


def test_seed_graphs_conform_on_both_paths(seeds: list[dict]) -> None:
    for item in seeds:
        data = _graph_bytes(item)
        assert _fast(data) == _stock(data)


def test_property_shapes_carry_their_node_shapes_targets() -> None:
    core, lifted = shacl._core_shapes(), shacl.lifted_shapes()
    sh = shacl.SH
    # Every targeted node shape hands its property shapes its targets, and nothing else changes.
    assert not any(lifted.graph.triples((None, sh.property, None)))
    moved = {(s, p, o) for s, p, o in core if p == sh.property}
    added = set(lifted.graph) - set(core)
    assert set(core) - set(lifted.graph) == moved
    for node_shape, _, prop in moved:
        targets = {(p, o) for _, p, o in core.triples((node_shape, None, None))
                   if p in (sh.targetClass, sh.targetSubjectsOf)}
        assert targets and {(prop, p, o) for p, o in targets} <= added
    # A lifted shape is reported under its text in the shapes file.
    assert lifted.source_text and all("sh:target" in k and "sh:target" not in v for k, v in lifted.source_text.items())


def test_only_triples_the_shapes_can_read_are_dropped() -> None:
    wanted = shacl.read_predicates()
    assert wanted is not None
    core = shacl._core_shapes()
    paths = {str(o) for o in core.objects(None, shacl.SH.path) if isinstance(o, rdflib.URIRef)}
    assert paths <= wanted
    assert {str(rdflib.RDF.type), str(rdflib.RDFS.subClassOf), VN + "sourceFile"} <= wanted
    assert "http://www.w3.org/2004/02/skos/core#inScheme" not in wanted


def test_memory_fill_is_exact_on_this_rdflib() -> None:
    # The fast fill is in use (a newer rdflib that keeps its state elsewhere would turn it off).
    assert memory_graph.memory_fill_is_exact()


@pytest.mark.parametrize("edit", [None, _blank_value, _typed_twice], ids=["as built", "blank value", "typed twice"])
def test_filled_graph_is_the_graph_one_add_per_triple_makes(edit, seeds: list[dict]) -> None:
    for item in seeds if edit is None else seeds[:1]:  # (seeds[0] has every kind of node the edits need)
        data = _graph_bytes(item, edit)
        exact = b"_:" in data
        mem = shacl._load_memory(data, "nquads")
        identifier = rdflib.URIRef("urn:vanban:test")
        plain = rdflib.Graph(identifier=identifier)
        for triple in shacl._core_triples(mem, exact):
            plain.store.add(triple, plain)
        filled = rdflib.Graph(identifier=identifier)
        memory_graph.fill_memory(filled, shacl._core_triples(mem, exact))
        assert len(filled) == len(plain) > 100
        assert memory_graph.memory_state(filled) == memory_graph.memory_state(plain)
        assert shacl._validate_core(filled) == shacl._validate_core(plain)


def test_fill_refuses_a_graph_that_holds_triples() -> None:
    graph = rdflib.Graph()
    graph.add((rdflib.URIRef("urn:a"), rdflib.RDF.type, rdflib.URIRef("urn:C")))
    with pytest.raises(ValueError, match="empty Memory store"):
        memory_graph.fill_memory(graph, iter(()))


def _probe_triples() -> list[tuple]:
    ex = rdflib.Namespace("urn:vanban:test:")
    return [(ex.a, rdflib.RDF.type, ex.C), (ex.a, ex.p, rdflib.Literal("x", lang="vi")), (ex.b, ex.q, ex.a),
            (ex.a, ex.p, rdflib.Literal("y")), (ex.c, rdflib.RDF.type, ex.C)]


def test_one_graph_reads_are_in_use_on_this_rdflib(seeds: list[dict]) -> None:
    assert memory_graph.one_graph_reads_are_exact()
    mem = shacl._load_memory(_graph_bytes(seeds[0]), "nquads")
    assert isinstance(shacl._core_graph(mem).store, memory_graph.OneGraphMemory)


def test_one_graph_probe_turns_off_a_reader_that_differs(monkeypatch) -> None:
    original = memory_graph.OneGraphMemory.triples

    def reversed_reads(self, pattern, context=None):
        return reversed(list(original(self, pattern, context)))

    monkeypatch.setattr(memory_graph.OneGraphMemory, "triples", reversed_reads)
    memory_graph.one_graph_reads_are_exact.cache_clear()
    try:
        assert not memory_graph.one_graph_reads_are_exact()
        assert not isinstance(memory_graph.filled_graph(iter(_probe_triples())).store, memory_graph.OneGraphMemory)
    finally:
        monkeypatch.undo()
        memory_graph.one_graph_reads_are_exact.cache_clear()


def test_a_changed_one_graph_store_reads_as_memory_does() -> None:
    identifier = rdflib.URIRef("urn:vanban:test")
    fast = memory_graph.filled_graph(iter(_probe_triples()), identifier=identifier, one_graph=True)
    plain = rdflib.Graph(identifier=identifier)
    memory_graph.fill_memory(plain, iter(_probe_triples()))
    other = rdflib.Graph(identifier=rdflib.URIRef("urn:vanban:other"))
    extra = (rdflib.URIRef("urn:vanban:test:a"), rdflib.URIRef("urn:vanban:test:q"), rdflib.URIRef("urn:vanban:test:d"))
    for graph in (fast, plain):
        graph.store.add(extra, other)  # a second graph: the one-graph premise no longer holds
    for pattern in [(extra[0], None, None), (None, extra[1], None), (None, None, extra[2])]:
        for context in (fast, other):
            got = [(t, list(c)) for t, c in fast.store.triples(pattern, context)]
            want = [(t, list(c)) for t, c in plain.store.triples(pattern, context if context is other else plain)]
            assert got == want
