"""SHACL validation of the graph (shapes: ontology/shapes.ttl; ontology: ontology/vanban.ttl).

Two engines share the shapes file, which stays the single source of truth:

* pyshacl checks the core constraints (a copy of the shapes graph without its ``sh:sparql``
  triples, in which the property shapes of targeted node shapes carry their node shape's targets:
  same results, evaluated once per shape instead of once per focus node, see
  :class:`LiftedShapes`), on a data graph holding only the triples pyshacl can read
  (:func:`read_predicates`);
* Oxigraph evaluates the ``sh:SPARQLConstraint`` queries, read from the shapes file and wrapped in
  ``GRAPH ?g { ... }`` so that one query answers for every named graph of a store (rdflib's SPARQL
  engine took about two thirds of pyshacl's time on a document graph).

sh:Warning results are reported but do not break conformance (``allow_warnings``): a task with no
lead agency is flagged, not fatal.

A published store is validated one document graph at a time.  A graph's verdict depends only on
its N-Quads bytes and on the shapes/ontology files, so verdicts are cached by content hash
(:func:`validate_store` with ``cache_path``) and only new or changed graphs are validated, across a
process pool.  A cold check of 1,000 generated plans (about 2,500 triples a graph) costs about
30-33 CPU-ms a graph (``benchmarks/bench_checks.py --cold-only``; 36-37 in the same runs before
:class:`graph.memory_graph.OneGraphMemory`, 40-42 before the direct fill, 75-82 before the lifted
shapes and the triple filter); timed apart in one process: pyshacl 13, rdflib graph building 8.5
(14 before the fill), Oxigraph load 4, SPARQL constraints and undescribed IRIs 3, the rest reading,
hashing and the pool.  Validating graphs in batches would save about 5 CPU-ms a graph
(per-call target search and setup) but shared agency and instrument IRIs make a batch's union
differ from its graphs, so graphs are not batched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib

from graph.memory_graph import filled_graph

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
ONTOLOGY = ONTOLOGY_DIR / "vanban.ttl"
CACHE_FILE = "shacl-cache.json"
# Bumped when the way a verdict is computed changes, so cached verdicts of older code are dropped.
VALIDATOR_VERSION = "2"

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# SHACL-AF vocabulary that only pyshacl's "advanced" mode evaluates.
_ADVANCED = {SH.rule, SH.target, SH.expression, SH.condition, SH.order, SH.SPARQLTarget, SH.SPARQLRule}
_GRAPH_VAR = "vanbanGraph"


# ------------------------------------------------------------------ shapes


@lru_cache(maxsize=1)
def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


@lru_cache(maxsize=1)
def _ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


@lru_cache(maxsize=1)
def _core_shapes() -> rdflib.Graph:
    """The shapes graph without its SPARQL-based constraints (those run on Oxigraph)."""
    shapes = _shapes()
    constraints = set(shapes.objects(None, SH.sparql))
    core = rdflib.Graph()
    for prefix, ns in shapes.namespaces():
        core.bind(prefix, ns)
    core.addN((s, p, o, core) for s, p, o in shapes if p != SH.sparql and s not in constraints)
    return core


@lru_cache(maxsize=1)
def _advanced() -> bool:
    return any(p in _ADVANCED or o in _ADVANCED for _, p, o in _core_shapes())


@dataclass(frozen=True)
class SparqlConstraint:
    """One sh:SPARQLConstraint of the shapes file, rewritten to run over every named graph."""

    shape: str
    focus: str
    severity: str
    message: str
    query: str  # SELECT ?vanbanGraph <projection> WHERE { GRAPH ?vanbanGraph { <body> } }


_SELECT = re.compile(r"^\s*SELECT\s+(?P<proj>.*?)\s+WHERE\s*\{(?P<body>.*)\}\s*$", re.DOTALL | re.IGNORECASE)


def _prefixes(shapes: rdflib.Graph, constraint) -> str:
    lines = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(holder, SH.declare):
            prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(set(lines)))


@lru_cache(maxsize=1)
def sparql_constraints() -> tuple[SparqlConstraint, ...]:
    """The SPARQL-based constraints of the shapes file, as Oxigraph queries over named graphs.

    Only shapes targeting fixed nodes (sh:targetNode) are supported: their focus node does not
    depend on the data, so ``$this`` is a constant and the query needs no per-node loop.
    """
    shapes = _shapes()
    out = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        if shapes.value(constraint, SH.deactivated) == rdflib.Literal(True):
            continue
        where = f"{SHAPES}: shape <{shape}>"
        foci = sorted(str(n) for n in shapes.objects(shape, SH.targetNode))
        other_targets = [p for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
                         if (shape, p, None) in shapes]
        if len(foci) != 1 or other_targets or (shape, rdflib.RDF.type, SH.NodeShape) not in shapes:
            raise ValueError(f"{where}: SPARQL constraints are supported on node shapes with one sh:targetNode")
        select = shapes.value(constraint, SH.select)
        match = _SELECT.match(str(select or ""))
        if match is None:
            raise ValueError(f"{where}: sh:select must be 'SELECT ... WHERE {{ ... }}' without modifiers")
        if _GRAPH_VAR in match["body"] or _GRAPH_VAR in match["proj"]:
            raise ValueError(f"{where}: sh:select must not use the variable ?{_GRAPH_VAR}")
        query = (f"{_prefixes(shapes, constraint)}\nSELECT ?{_GRAPH_VAR} {match['proj']} "
                 f"WHERE {{ GRAPH ?{_GRAPH_VAR} {{ {match['body']} }} }}")
        severity = shapes.value(shape, SH.severity) or SH.Violation
        message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message) or ""
        out.append(SparqlConstraint(str(shape), foci[0], str(severity), str(message), query))
    return tuple(out)


@lru_cache(maxsize=1)
def shapes_key() -> str:
    """sha256 of everything a verdict depends on besides the graph: shapes, ontology, engine versions."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    for part in (SHAPES.read_bytes(), ONTOLOGY.read_bytes(), VALIDATOR_VERSION.encode(),
                 version("pyshacl").encode(), version("pyoxigraph").encode(), version("rdflib").encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


# ------------------------------------------------------------------ SPARQL constraints (Oxigraph)


def _qname(iri: str) -> str:
    return _shapes().namespace_manager.normalizeUri(rdflib.URIRef(iri))


def _severity_name(severity: str) -> str:
    return "sh:" + severity.rsplit("#", 1)[-1]


def _term_text(term) -> str:
    return str(getattr(term, "value", term))


def sparql_violations(store, graphs: list[str] | None = None) -> dict[str, list[tuple[str, str]]]:
    """{graph IRI: [(severity IRI, pyshacl-style result text)]} of the SPARQL-based constraints
    over the named graphs of a pyoxigraph ``store`` (all of them, or only ``graphs``)."""
    import pyoxigraph as ox

    named = None if graphs is None else [ox.NamedNode(g) for g in graphs]
    if named == []:
        return {}
    found: dict[str, list[tuple[str, str]]] = {}
    for c in sparql_constraints():
        focus = ox.NamedNode(c.focus)
        rows = store.query(c.query, substitutions={ox.Variable("this"): focus}, named_graphs=named)
        names = [v.value for v in rows.variables]
        for row in rows:
            graph = row[_GRAPH_VAR].value
            value = row["value"] if "value" in names else None
            message = c.message
            for var in names:
                term = row[var]
                if term is not None:
                    pattern = r"\{[?$]" + re.escape(var) + r"\}"
                    # (a replacement's backslashes are read as escapes: doubled, each stands for itself)
                    message = re.sub(pattern, _term_text(term).replace("\\", "\\\\"), message)
            text = (f"Constraint Violation in SPARQLConstraintComponent "
                    f"(http://www.w3.org/ns/shacl#SPARQLConstraintComponent):\n"
                    f"\tSeverity: {_severity_name(c.severity)}\n\tSource Shape: {_qname(c.shape)}\n"
                    f"\tFocus Node: {_qname(c.focus)}\n"
                    + (f"\tValue Node: {value}\n" if value is not None else "")
                    + f"\tMessage: {message}\n")
            found.setdefault(graph, []).append((c.severity, text))
    return found


# ------------------------------------------------------------------ one graph


def _to_rdflib(term, memo: dict):
    out = memo.get(term)
    if out is None:
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            out = rdflib.URIRef(term.value)
        elif isinstance(term, ox.BlankNode):
            out = rdflib.BNode(term.value)
        elif term.language:
            out = rdflib.Literal(term.value, lang=term.language)
        elif term.datatype.value == XSD_STRING:  # rdflib's parsers keep simple literals untyped
            out = rdflib.Literal(term.value)
        else:
            out = rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
        memo[term] = out
    return out


@lru_cache(maxsize=1)
def read_predicates() -> frozenset[str] | None:
    """The predicates whose triples pyshacl may read from a data graph to check the core shapes, or
    None when that set is not bounded by the shapes.

    Without SHACL-AF and with SPARQL constraints run elsewhere, pyshacl reads a data graph only
    through triple patterns whose predicate is ``rdf:type`` or ``rdfs:subClassOf`` (targets,
    sh:class) or is named in the shapes (property paths, sh:targetSubjectsOf, sh:equals, ...): other
    triples cannot change a result.  Exceptions: sh:closed reads every predicate of a focus node,
    and a blank focus or value node is printed in the report with all its triples (see
    :func:`_core_graph`)."""
    core = _core_shapes()
    if _advanced() or (None, SH.closed, None) in core:
        return None
    named = {str(term) for triple in core for term in triple if isinstance(term, rdflib.URIRef)}
    return frozenset(named | {str(rdflib.RDF.type), str(rdflib.RDFS.subClassOf)})


@lru_cache(maxsize=1)
def _core_ontology() -> tuple[tuple, ...]:
    """The ontology triples pyshacl may read (all of them when the ontology has blank nodes)."""
    ontology, wanted = _ontology(), read_predicates()
    if wanted is None or any(isinstance(t, rdflib.BNode) for triple in ontology for t in triple):
        return tuple(ontology)
    return tuple(t for t in ontology if str(t[1]) in wanted)


def _core_graph(mem, exact: bool = False) -> rdflib.Graph:
    """The union of a pyoxigraph store's quads plus the ontology, as an rdflib Graph ready for
    pyshacl ``inplace`` (what pyshacl would build itself by mixing the ontology into a copy of the
    data), keeping only the triples pyshacl may read (:func:`read_predicates`): about a third of a
    document graph's triples are never looked at.  ``exact`` (the data has blank nodes) keeps all."""
    return filled_graph(_core_triples(mem, exact))


def _core_triples(mem, exact: bool) -> Iterator[tuple]:
    import pyoxigraph as ox

    yield from _core_ontology() if not exact else _ontology()
    memo: dict = {}
    wanted = None if exact else read_predicates()
    patterns = [None] if wanted is None else [ox.NamedNode(p) for p in sorted(wanted)]
    for predicate in patterns:
        for q in mem.quads_for_pattern(None, predicate, None, None):
            yield _to_rdflib(q.subject, memo), _to_rdflib(q.predicate, memo), _to_rdflib(q.object, memo)


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass(frozen=True)
class LiftedShapes:
    """The core shapes with the property shapes of targeted node shapes given their parent's targets.

    pyshacl validates a node shape's ``sh:property`` shapes one focus node at a time: every (focus
    node, property shape) pair builds the constraint objects anew and rescans the shapes graph,
    about 1,700 such calls per document graph, most of the time spent.  A property shape whose only
    use is ``S sh:property P``, with S a node shape used only through its own targets, gives the
    same results when P carries S's targets itself (SHACL 2.1.3: the results of P for a focus node
    do not depend on how it was reached; their severity, message and path are P's own), and
    pyshacl then evaluates it once over all focus nodes.  Only the report text would differ: a
    blank-node shape is printed with its triples, now including the targets, so ``source_text``
    maps each changed text back to the shapes file's.
    """

    graph: rdflib.Graph
    source_text: dict[str, str]  # "Source Shape" text in ``graph`` -> text in the core shapes


@lru_cache(maxsize=1)
def lifted_shapes() -> LiftedShapes:
    from pyshacl.rdfutil.stringify import stringify_node

    core = _core_shapes()
    lifted = rdflib.Graph()
    for prefix, ns in core.namespaces():
        lifted.bind(prefix, ns)
    lifted += core
    # (rdflib's terms order themselves, which its type hints do not say)
    for shape in sorted(set(core.subjects(SH.property, None))):  # type: ignore[type-var]
        targets = [(p, o) for p in _TARGETS for o in core.objects(shape, p)]
        if (not targets or (shape, SH.path, None) in core or (None, None, shape) in core
                or core.value(shape, SH.deactivated) == rdflib.Literal(True)):
            continue  # untargeted, itself a property shape, reached from another shape, or off
        for prop in sorted(core.objects(shape, SH.property)):  # type: ignore[type-var]
            if (len(list(core.triples((None, None, prop)))) != 1
                    or any((prop, p, None) in core for p in _TARGETS)):
                continue  # shared with another shape, or targeted on its own
            lifted.remove((shape, SH.property, prop))
            lifted.addN((prop, p, o, lifted) for p, o in targets)
    source_text: dict[str, str] = {}
    for node in {n for n in core.subjects() if isinstance(n, rdflib.BNode)}:
        before, after = stringify_node(core, node), stringify_node(lifted, node)
        if source_text.get(after, before) != before:
            raise ValueError(f"{SHAPES}: two shapes print as {after} once lifted; their reports would mix")
        if before != after:
            source_text[after] = before
    return LiftedShapes(lifted, source_text)


@lru_cache(maxsize=1)
def _validator_class():
    """pyshacl's Validator, reporting lifted shapes under their text in the shapes file."""
    import pyshacl

    class Validator(pyshacl.Validator):
        @classmethod
        def create_validation_report(cls, sg, conforms, results):
            source_text = lifted_shapes().source_text
            renamed = []
            for desc, node, triples in results:
                start = desc.find("\n\tSource Shape: ") + len("\n\tSource Shape: ")
                end = desc.find("\n\tFocus Node: ", start)
                text = desc[start:end]
                if text in source_text:
                    desc = desc[:start] + source_text[text] + desc[end:]
                renamed.append((desc, node, triples))
            return super().create_validation_report(sg, conforms, renamed)

    return Validator


def _validate_core(graph: rdflib.Graph) -> tuple[bool, str]:
    from pyshacl.graph_abstraction import DataGraph

    validator = _validator_class()(
        DataGraph.from_rdflib(graph),
        shacl_graph=lifted_shapes().graph,
        options={"inference": "none", "allow_warnings": True, "advanced": _advanced(), "inplace": True},
    )
    conforms, _, text = validator.run()
    return bool(conforms), str(text)


def _merge(core: tuple[bool, str], sparql: list[tuple[str, str]]) -> tuple[bool, str]:
    """One pyshacl-style report from the core report and the SPARQL constraint results."""
    conforms, text = core
    found = re.search(r"\nResults \((\d+)\):\n", text)
    blocks = (text[found.end():] if found else "") + "".join(t for _, t in sparql)
    conforms = conforms and not any(sev != str(SH.Warning) and sev != str(SH.Info) for sev, _ in sparql)
    count = (int(found[1]) if found else 0) + len(sparql)
    report = f"Validation Report\nConforms: {conforms}\n"
    if count:
        report += f"Results ({count}):\n{blocks}"
    return conforms, report


def _load_memory(data: bytes, fmt: str):
    import pyoxigraph as ox

    mem = ox.Store()
    data_graph = ox.NamedNode("urn:vanban:shacl:data")
    if fmt == "nquads":
        mem.load(data, format=ox.RdfFormat.N_QUADS)
        # SPARQL constraints read named graphs: stray default-graph triples join one
        stray = list(mem.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        mem.extend([ox.Quad(q.subject, q.predicate, q.object, data_graph) for q in stray])
    else:
        mem.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=data_graph)
    return mem


def undescribed_iris(store, prefix: str, graphs: list[str] | None = None) -> list[str]:
    """IRIs starting with ``prefix`` that a named graph of ``store`` points to without describing
    them in that same graph (candidates for dangling links: another graph may describe them)."""
    import pyoxigraph as ox

    query = f"""SELECT DISTINCT ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                  FILTER(isIRI(?o) && STRSTARTS(STR(?o), {json.dumps(prefix)}))
                  FILTER NOT EXISTS {{ GRAPH ?g {{ ?o ?q ?x }} }} }}"""
    named = None if graphs is None else [ox.NamedNode(g) for g in graphs]
    return sorted(row["o"].value for row in store.query(query, named_graphs=named))


def _check_nquads(data: bytes, fmt: str = "nquads", prefix: str | None = None) -> tuple[bool, str, list[str]]:
    mem = _load_memory(data, fmt)
    core = _validate_core(_core_graph(mem, exact=b"_:" in data))
    sparql = [r for rows in sparql_violations(mem).values() for r in rows]
    conforms, report = _merge(core, sparql)
    return conforms, report, (undescribed_iris(mem, prefix) if prefix else [])


def validate_nquads(data: bytes, fmt: str = "nquads") -> tuple[bool, str]:
    """(conforms, report) of one document graph given as N-Quads (or N-Triples) bytes."""
    conforms, report, _ = _check_nquads(data, fmt)
    return conforms, report


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
    return validate_nquads(_union(data_graph).serialize(format="nt", encoding="utf-8"), fmt="nt")


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


# ------------------------------------------------------------------ the published store


_frozen = False


def _freeze_in_worker() -> None:
    """In a pool worker, move the objects inherited from the parent (shapes, ontology, modules) out
    of the collector's sight: full collections rescanned them for every graph (about 10% of the
    time).  Never in the parent process, whose garbage must stay collectable."""
    global _frozen
    import gc
    import multiprocessing

    if not _frozen and multiprocessing.parent_process() is not None:
        gc.freeze()
        _frozen = True


def _verdict_of_file(item: tuple[str, str, str, str | None]) -> tuple[bool, str, list[str]] | None:
    """Verdict of a work N-Quads file, or None when it no longer holds the published bytes."""
    _freeze_in_worker()
    _, path, digest, prefix = item
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != digest:
        return None
    return _check_nquads(data, prefix=prefix)


def _verdicts_of_files(todo: list[tuple[str, str, str, str | None]], workers: int | None):
    """(item, verdict or None) of every (graph IRI, file, sha256, prefix) item, over a process pool."""
    from pipelines.extract.parallel import map_ordered

    if todo:
        # loaded once, before workers fork
        lifted_shapes(), _validator_class(), _core_ontology(), _ontology(), sparql_constraints()
        import pyshacl  # noqa: F401
    pool = 1 if len(todo) <= 2 else workers  # a pool costs more than it saves on a couple of graphs
    return map_ordered(_verdict_of_file, todo, pool, chunksize=4)


def _cache_entry(verdict: tuple[bool, str, list[str]]) -> dict:
    conforms, report, undescribed = verdict
    return {"conforms": conforms, "report": report if "\nResults (" in report else "", "undescribed": undescribed}


def warm_cache(files: list[tuple[str, str, str]], cache_path: Path, *, workers: int | None = None,
               iri_prefix: str | None = None) -> int:
    """Validate the (graph IRI, N-Quads file, sha256) graphs the cache has no verdict for, and add
    their verdicts to it; returns how many were validated.

    Publishing calls this beside the store load (:func:`prevalidate`), so the checks that follow
    find every verdict cached: a verdict depends only on the file's bytes, not on the store.
    """
    key = _cache_key(iri_prefix)
    cached = read_cache(cache_path, key)
    todo = [(iri, file, digest, iri_prefix) for iri, file, digest in files if digest and digest not in cached]
    fresh = {item[2]: _cache_entry(result) for item, result in _verdicts_of_files(todo, workers)
             if isinstance(result, tuple)}
    if fresh:
        # Re-read: a check may have written the cache meanwhile; verdicts only ever get added here.
        _write_cache(Path(cache_path), key, {**read_cache(cache_path, key), **fresh})
    return len(fresh)


def _warm_cache_in_background(files: list[tuple[str, str, str]], cache_path: Path, **kwargs) -> None:
    """:func:`warm_cache` at a lower CPU priority (its pool inherits it): the store load beside it
    is the longer task and is never slowed by it, while the validation takes every cycle the load
    leaves (the load alone keeps about one core busy)."""
    import os

    with contextlib.suppress(OSError, AttributeError):  # no os.nice on some systems: plain priority
        os.nice(10)
    warm_cache(files, cache_path, **kwargs)


@contextlib.contextmanager
def prevalidate(files: list[tuple[str, str, str]], cache_path: Path, *, workers: int | None = None,
                iri_prefix: str | None = None, minimum: int = 16) -> Iterator[None]:
    """Run :func:`warm_cache` in another process while the body runs (a store load: one core of
    Oxigraph's), and wait for it at the end.  A fresh interpreter (spawn), not a fork: the caller
    may hold RocksDB's threads.  Fewer than ``minimum`` uncached graphs are left to the check, and
    a failed warm-up only means the check validates those graphs itself."""
    import multiprocessing

    cached = read_cache(cache_path, _cache_key(iri_prefix))
    if sum(1 for _, _, digest in files if digest and digest not in cached) < minimum:
        yield
        return
    worker = multiprocessing.get_context("spawn").Process(
        target=_warm_cache_in_background, args=(files, Path(cache_path)),
        kwargs={"workers": workers, "iri_prefix": iri_prefix}, name="vanban-shacl-warm")
    try:
        worker.start()
    except (OSError, RuntimeError):  # e.g. a caller's script without a __main__ guard: the check does it
        yield
        return
    try:
        yield
    except BaseException:
        worker.terminate()
        raise
    finally:
        worker.join()


def _cache_key(prefix: str | None) -> str:
    return hashlib.sha256(f"{shapes_key()}|{prefix or ''}".encode()).hexdigest()


def read_cache(path: Path | None, key: str) -> dict[str, dict]:
    """Cached verdicts {N-Quads sha256: {"conforms", "report", "undescribed"}} made with ``key``."""
    if path is None or not Path(path).is_file():
        return {}
    try:
        cache = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged cache only costs a revalidation
    if not isinstance(cache, dict) or cache.get("key") != key:
        return {}
    verdicts = cache.get("verdicts")
    return verdicts if isinstance(verdicts, dict) else {}


def _write_cache(path: Path, key: str, verdicts: dict[str, dict]) -> None:
    from pipelines.atomic import write_atomic

    payload = {"key": key, "verdicts": verdicts}
    write_atomic(Path(path), json.dumps(payload, ensure_ascii=False, separators=(",", ":")))


def default_cache_path(outputs_dir: Path) -> Path:
    return Path(outputs_dir) / "work" / CACHE_FILE


@dataclass
class StoreCheck:
    """Outcome of :func:`check_store`."""

    conforms: bool
    report: str
    graphs: int
    validated: int
    from_cache: int
    failing: list[str]  # graph IRIs with violations
    dangling: list[str]  # IRIs under the prefix that no graph describes (empty without a prefix)


def check_store(outputs_dir: Path, *, cache_path: Path | None = None, workers: int | None = None,
                iri_prefix: str | None = None, store=None, entries: dict[str, dict] | None = None) -> StoreCheck:
    """SHACL verdict of every named graph of the published store of ``outputs_dir``, and (with
    ``iri_prefix``) the IRIs under that prefix the graph points to but never describes.

    Each document's graph is self-contained (graph/build.py describes every node it mentions in
    the same graph), so the shapes hold per graph; validating graph by graph keeps the cost
    linear in the corpus and names the source document of every violation.  Consistency across
    documents (two dates for one instrument) is a warning-level concern the union query can check.

    Graphs are read from the work N-Quads files the store manifest names (checked against the
    manifest's sha256; a graph whose file changed or vanished is dumped from the store instead).
    With ``cache_path`` verdicts are cached by that sha256 and only uncached graphs are validated,
    by ``workers`` processes (None: every core).  Dangling links are found the same way: each graph
    lists what it points to without describing (cached with its verdict), and only those few
    IRIs are looked up in the whole store (a scan of every quad took 18 s at 1,000 plans).
    Raises StoreError when nothing is published.  A graph published elsewhere (a SPARQL server)
    is checked by passing ``store`` (its snapshot) and ``entries`` (graph IRI -> {"nquads_sha256",
    "file"} of the files that were pushed) instead of the embedded store's manifest.
    """
    import pyoxigraph as ox

    from graph.store import open_store, read_manifest

    outputs_dir = Path(outputs_dir)
    if store is None:
        store = open_store(outputs_dir, read_only=True)
        entries = dict(read_manifest(outputs_dir).get("graphs", {}))
    entries = dict(entries or {})
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    digests: dict[str, str] = {}
    dumped: dict[str, bytes] = {}
    for iri in graphs:
        digest = (entries.get(iri) or {}).get("nquads_sha256")
        if not digest:  # a store published without a manifest entry: hash the graph as dumped
            dumped[iri] = store.dump(format=ox.RdfFormat.N_QUADS, from_graph=ox.NamedNode(iri))
            digest = "dump:" + hashlib.sha256(dumped[iri]).hexdigest()
        digests[iri] = digest

    key = _cache_key(iri_prefix)
    cached = read_cache(cache_path, key)
    verdicts: dict[str, tuple[bool, str, list[str]]] = {}
    todo = []
    for iri in graphs:
        hit = cached.get(digests[iri])
        if isinstance(hit, dict) and isinstance(hit.get("conforms"), bool):
            verdicts[iri] = (hit["conforms"], str(hit.get("report", "")), list(hit.get("undescribed", [])))
        elif iri not in dumped:
            todo.append((iri, str((entries.get(iri) or {}).get("file", "")), digests[iri], iri_prefix))
    from_cache = len(verdicts)

    for (iri, *_), result in _verdicts_of_files(todo, workers):
        if isinstance(result, tuple):
            verdicts[iri] = result
        else:  # file changed or gone since publish (or the worker failed): read the store itself
            dumped[iri] = store.dump(format=ox.RdfFormat.N_QUADS, from_graph=ox.NamedNode(iri))
    for iri, data in dumped.items():
        if iri not in verdicts:
            verdicts[iri] = _check_nquads(data, prefix=iri_prefix)

    # Rewritten with this store's verdicts only, which also drops those of graphs since replaced.
    if cache_path is not None and (from_cache < len(graphs) or len(cached) > len(set(digests.values()))):
        keep = {digests[iri]: _cache_entry(verdict) for iri, verdict in verdicts.items()}
        _write_cache(Path(cache_path), key, keep)

    dangling: list[str] = []
    candidates = sorted({u for _, _, us in verdicts.values() for u in us})
    for start in range(0, len(candidates), 500):
        values = " ".join(f"<{u}>" for u in candidates[start:start + 500])
        query = f"SELECT ?o WHERE {{ VALUES ?o {{ {values} }} FILTER NOT EXISTS {{ GRAPH ?g {{ ?o ?q ?x }} }} }}"
        dangling += [row["o"].value for row in store.query(query)]

    conforms_all = all(v[0] for v in verdicts.values())
    failing = [iri for iri in graphs if not verdicts[iri][0]]
    warned = [iri for iri in graphs if verdicts[iri][0] and "\nResults (" in verdicts[iri][1]]
    summary = (f"Validated {len(graphs)} named graphs: {'all conform' if conforms_all else 'violations found'}. "
               f"{len(failing)} with violations, {len(warned)} with warnings only; "
               f"{from_cache} verdicts from cache, {len(graphs) - from_cache} validated.")
    parts = [f"Graph <{iri}>:\n{verdicts[iri][1].rstrip()}" for iri in failing + warned]
    return StoreCheck(conforms_all, "\n\n".join([summary, *parts]) + "\n", len(graphs),
                      len(graphs) - from_cache, from_cache, failing, sorted(dangling))


def validate_store(outputs_dir: Path, *, cache_path: Path | None = None,
                   workers: int | None = None) -> tuple[bool, str]:
    """(conforms, report) of the published store of ``outputs_dir`` (see :func:`check_store`)."""
    result = check_store(outputs_dir, cache_path=cache_path, workers=workers)
    return result.conforms, result.report
