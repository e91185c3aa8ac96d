"""rdflib graphs on the Memory store built fast for pyshacl (see graph/shacl.py).

pyshacl reads a data graph through rdflib's ``Graph.triples``.  For a graph built once and only read
(one document graph plus the ontology, validated ``inplace``), two costs of rdflib's Memory store
buy nothing: adding one triple at a time (event dispatch and context bookkeeping, about 40% of the
validation once) and, on every triple a lookup yields, testing which contexts hold it.  This module
fills the store's indexes directly (:func:`fill_memory`) and reads them without the context tests
(:class:`OneGraphMemory`).  Both read Memory's private attributes, so each is checked once on a
probe against rdflib's own code (:func:`memory_fill_is_exact`, :func:`one_graph_reads_are_exact`)
and left unused when the probe disagrees: a newer rdflib costs speed, never a different answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from itertools import product
from typing import Any

import rdflib
from rdflib.plugins.stores.memory import Memory
from rdflib.store import Store


def fill_memory(graph: rdflib.Graph, triples: Iterator[tuple]) -> None:
    """Add ``triples`` to ``graph``, a new graph on rdflib's Memory store, leaving the store in the
    state ``graph.store.add(triple, graph)`` for each would leave it in, in about half the time.

    Building pyshacl's data graph one ``add`` at a time took about 40% of the validation of a
    document graph (event dispatch and context bookkeeping for every triple).  For triples of one
    context, not quoted, in a store that held none, ``Memory.add`` only writes the three nested
    indexes (same insertion order: the same iteration order later, so the same report), puts each
    new triple in the context's set and the default set, records the context once, and announces
    the triple to the store's listeners (a store made here has none); this writes exactly that.
    It reads Memory's private attributes: :func:`memory_fill_is_exact` checks on a probe graph
    that this rdflib keeps its state there, else triples are added one by one.
    """
    store: Any = graph.store  # Memory's private attributes are read and written below
    if store._Memory__spo or store._Memory__defaultContexts is not None:
        raise ValueError("fill_memory needs a graph on an empty Memory store")
    spo = store._Memory__spo
    pos = store._Memory__pos
    osp = store._Memory__osp
    ident = graph.identifier
    ctx = f"{ident.__class__.__name__}:{ident}"  # Memory.__ctx_to_str of a graph
    store._Memory__context_obj_map[ctx] = graph
    store._Memory__all_contexts.add(graph)
    sets = store._Memory__contextTriples
    in_default = sets[None]
    in_graph = sets.setdefault(ctx, set())
    # The first triple's contexts become the default ones, and every later triple of the same
    # context matches them, so no triple gets an entry of its own in __tripleContexts.
    store._Memory__defaultContexts = {ctx: False, None: False}
    for triple in triples:
        s, p, o = triple
        by_p = spo.get(s)
        if by_p is None:
            by_p = spo[s] = {}
        objects = by_p.get(p)
        if objects is None:
            objects = by_p[p] = {}
        if o in objects:
            continue  # already there: Memory.add changes nothing either
        objects[o] = 1
        in_default.add(triple)
        in_graph.add(triple)
        by_o = pos.get(p)
        if by_o is None:
            by_o = pos[p] = {}
        subjects = by_o.get(o)
        if subjects is None:
            subjects = by_o[o] = {}
        subjects[s] = 1
        by_s = osp.get(o)
        if by_s is None:
            by_s = osp[o] = {}
        predicates = by_s.get(s)
        if predicates is None:
            predicates = by_s[s] = {}
        predicates[p] = 1
    if not in_default:  # no triple: Memory would not have seen the context at all
        del sets[ctx], store._Memory__context_obj_map[ctx]
        store._Memory__all_contexts.discard(graph)
        store._Memory__defaultContexts = None


def memory_state(graph: rdflib.Graph) -> tuple:
    """Everything rdflib's Memory store keeps about its triples, in iteration order."""
    store: Any = graph.store

    def ordered(d: dict) -> list:
        return [(k, ordered(v) if isinstance(v, dict) else v) for k, v in d.items()]

    return (ordered(store._Memory__spo), ordered(store._Memory__pos), ordered(store._Memory__osp),
            [(k, list(v)) for k, v in store._Memory__contextTriples.items()],
            ordered(store._Memory__tripleContexts), store._Memory__defaultContexts,
            list(store._Memory__all_contexts), ordered(store._Memory__context_obj_map))


def _probe() -> list[tuple]:
    """Triples to check this module against rdflib on: a repeated triple, literals of several
    kinds, terms shared between positions, several answers to most patterns."""
    ex = rdflib.Namespace("urn:vanban:probe:")
    return [(ex.a, rdflib.RDF.type, ex.C), (ex.a, ex.p, rdflib.Literal("x", lang="vi")),
            (ex.b, ex.p, rdflib.Literal(3)), (ex.a, rdflib.RDF.type, ex.C), (ex.b, ex.q, ex.a),
            (ex.a, ex.p, rdflib.Literal("x")), (ex.c, rdflib.RDF.type, ex.C), (ex.a, ex.q, ex.c),
            (ex.c, ex.p, rdflib.Literal(3))]


@lru_cache(maxsize=1)
def memory_fill_is_exact() -> bool:
    """Whether :func:`fill_memory` leaves this rdflib's Memory store as one ``add`` per triple does
    (checked once on :func:`_probe`)."""
    probe = _probe()
    identifier = rdflib.URIRef("urn:vanban:probe")
    try:
        plain = rdflib.Graph(identifier=identifier)
        for triple in probe:
            plain.store.add(triple, plain)
        filled = rdflib.Graph(identifier=identifier)
        fill_memory(filled, iter(probe))
        empty = rdflib.Graph(identifier=identifier)
        fill_memory(empty, iter(()))
        return (memory_state(filled) == memory_state(plain)
                and memory_state(empty) == memory_state(rdflib.Graph(identifier=identifier)))
    except (AttributeError, TypeError, ValueError, KeyError):
        return False


class OneGraphMemory(Memory):
    """rdflib's Memory store holding the triples of one graph only, as :func:`fill_memory` leaves it.

    ``triples`` of a pattern with one or two terms bound, asked in that graph, walks the same
    indexes in the same order as Memory's and yields the same triples, without Memory's two tests
    per triple (whether the graph holds it, and which graphs do): with one graph the answers are
    always "yes" and "that graph".  Every other call is Memory's own, and so is every call after
    the store changes (the one-graph premise is then dropped for good).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._only: rdflib.Graph | None = None  # the graph holding every triple, once filled

    def hold_only(self, graph: rdflib.Graph) -> None:
        """Declare that ``graph`` holds every triple of this store (:func:`fill_memory` just filled it)."""
        self._only = graph

    def add(self, *args, **kwargs) -> None:
        self._only = None
        super().add(*args, **kwargs)

    def addN(self, *args, **kwargs) -> None:
        self._only = None
        super().addN(*args, **kwargs)

    def remove(self, *args, **kwargs) -> None:
        self._only = None
        super().remove(*args, **kwargs)

    def triples(self, triple_pattern, context=None):
        s, p, o = triple_pattern
        only = self._only
        bound = (s is not None) + (p is not None) + (o is not None)
        if only is None or context is not only or bound in (0, 3):
            yield from super().triples(triple_pattern, context)
            return
        held = (only,)
        if s is not None:
            by_p = self._Memory__spo.get(s)  # type: ignore[attr-defined]
            if by_p is None:
                return
            if p is not None:
                objects = by_p.get(p)
                if objects is not None:
                    for obj in list(objects):
                        yield (s, p, obj), iter(held)
                return
            for pred in list(by_p):
                objects = by_p[pred]
                if o is not None:
                    if o in objects:
                        yield (s, pred, o), iter(held)
                else:
                    for obj in list(objects):
                        yield (s, pred, obj), iter(held)
        elif p is not None:
            by_o = self._Memory__pos.get(p)  # type: ignore[attr-defined]
            if by_o is None:
                return
            if o is not None:
                subjects = by_o.get(o)
                if subjects is not None:
                    for subj in list(subjects):
                        yield (subj, p, o), iter(held)
                return
            for obj in list(by_o):
                for subj in list(by_o[obj]):
                    yield (subj, p, obj), iter(held)
        else:
            by_s = self._Memory__osp.get(o)  # type: ignore[attr-defined]
            if by_s is None:
                return
            for subj in list(by_s):
                for pred in list(by_s[subj]):
                    yield (subj, pred, o), iter(held)


def _reads(store: Store, graph: rdflib.Graph, pattern: tuple) -> list:
    return [(triple, list(held)) for triple, held in store.triples(pattern, graph)]


@lru_cache(maxsize=1)
def one_graph_reads_are_exact() -> bool:
    """Whether :class:`OneGraphMemory` answers every pattern as Memory does, same order, same
    contexts (checked once on :func:`_probe` filled by :func:`fill_memory`, with a term absent from it)."""
    if not memory_fill_is_exact():
        return False
    probe = _probe()
    identifier = rdflib.URIRef("urn:vanban:probe")
    try:
        plain = rdflib.Graph(identifier=identifier)
        fill_memory(plain, iter(probe))
        fast = filled_graph(iter(probe), identifier=identifier, one_graph=True)
        absent = rdflib.URIRef("urn:vanban:probe:missing")
        terms = [None, absent, *dict.fromkeys(t for triple in probe for t in triple)]
        return all(_reads(fast.store, fast, pattern) == _reads(plain.store, plain, pattern)
                   for pattern in product(terms, repeat=3))
    except (AttributeError, TypeError, ValueError, KeyError):
        return False


def filled_graph(triples: Iterator[tuple], *, identifier: rdflib.URIRef | None = None,
                 one_graph: bool | None = None) -> rdflib.Graph:
    """A new rdflib Graph holding ``triples``, built and read the fastest way this rdflib allows
    (``one_graph``: on :class:`OneGraphMemory`; None: when :func:`one_graph_reads_are_exact`)."""
    if one_graph is None:
        one_graph = one_graph_reads_are_exact()
    one = OneGraphMemory() if one_graph else None
    graph = rdflib.Graph(store=one if one is not None else Memory(), identifier=identifier)
    if not memory_fill_is_exact():
        add = graph.store.add
        for triple in triples:
            add(triple, graph)
        return graph
    fill_memory(graph, triples)
    if one is not None:
        one.hold_only(graph)
    return graph
