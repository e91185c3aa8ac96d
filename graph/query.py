"""SPARQL over the published store: saved queries, parameters, lineage and task listings.

Every query runs with the union of the named graphs as default graph (as the server does).
Saved queries (``graph/queries/*.rq``) leave their parameters as free variables; a caller
binds them with ``params``, which become a VALUES block at the top of the outer WHERE, so
an unbound parameter simply means "all".
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.iris import ELI, PREFIXES, VN, normalise_number_query, number_matches, slug

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
LINEAGE_PROPERTIES = (ELI + "based_on", VN + "implements")
RELATION_NAMES = {ELI + "based_on": "based_on", VN + "implements": "implements", ELI + "cites": "cites"}


class QueryError(ValueError):
    """A query that cannot be run; the message names the query and the reason."""


def saved_queries() -> dict[str, Path]:
    return {p.stem: p for p in sorted(QUERIES_DIR.glob("*.rq"))}


def load_query(name_or_path: str) -> str:
    """Text of a saved query (by name), an .rq file, or the argument itself as inline SPARQL."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.is_file():
        return path.read_text(encoding="utf-8")
    saved = saved_queries()
    if name_or_path in saved:
        return saved[name_or_path].read_text(encoding="utf-8")
    if path.suffix == ".rq":
        raise QueryError(f"{name_or_path}: no such query file (saved queries: {', '.join(saved)})")
    return name_or_path


def _term(value: str) -> str:
    if value.startswith("<") and value.endswith(">"):
        return value
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#date>'
    return json.dumps(value, ensure_ascii=False)


def bind_params(query: str, params: dict[str, str] | None) -> str:
    """Pre-bind variables by a VALUES block opening the outer WHERE group."""
    if not params:
        return query
    m = re.search(r"\bWHERE\s*\{", query, flags=re.IGNORECASE)
    if m is None:
        raise QueryError("parameters given but the query has no WHERE clause")
    names = " ".join(f"?{k.lstrip('?')}" for k in params)
    values = " ".join(_term(v) for v in params.values())
    return f"{query[:m.end()]}\n  VALUES ({names}) {{ ({values}) }}\n{query[m.end():]}"


def run(store: ox.Store, query: str, params: dict[str, str] | None = None):
    """Execute SPARQL (standard prefixes predeclared, union default graph)."""
    try:
        return store.query(bind_params(query, params), prefixes=PREFIXES, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"invalid SPARQL: {exc}") from exc


def solutions(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    """The rows of a SELECT query's result (an ASK or CONSTRUCT result has none)."""
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    return result


def _value(term) -> str | None:
    if term is None:
        return None
    return term.value if hasattr(term, "value") else str(term)


def select(store: ox.Store, query: str, params: dict[str, str] | None = None) -> tuple[list[str], list[dict]]:
    """(variable names, rows as dicts of plain strings) of a SELECT query."""
    result = solutions(run(store, query, params))
    names = [v.value for v in result.variables]
    rows = [{n: _value(sol[n]) for n in names} for sol in result]
    return names, rows


def format_results(store: ox.Store, query: str, fmt: str, params: dict[str, str] | None = None) -> str:
    """Results as ``table`` (plain text), ``csv`` or ``json`` (SPARQL 1.1 results formats for ASK/SELECT,
    N-Triples / Turtle for CONSTRUCT)."""
    result = run(store, query, params)
    if isinstance(result, ox.QueryBoolean):
        return json.dumps({"head": {}, "boolean": bool(result)}) if fmt == "json" else str(bool(result)).lower()
    if isinstance(result, ox.QueryTriples):
        rdf_format = ox.RdfFormat.N_TRIPLES if fmt == "csv" else ox.RdfFormat.TURTLE
        return (result.serialize(format=rdf_format) or b"").decode("utf-8")  # (None only with an output)
    if fmt == "json":
        return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8")
    names = [v.value for v in result.variables]
    rows = [[_value(sol[n]) or "" for n in names] for sol in result]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return buf.getvalue()
    if fmt != "table":
        raise QueryError(f"unknown format {fmt!r} (table, csv, json)")
    return render_table(names, rows)


def render_table(names: list[str], rows: list[list[str]], width: int = 60) -> str:
    cut = [[c if len(c) <= width else c[: width - 1] + "…" for c in r] for r in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cut]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cut]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


# --------------------------------------------------------------------------- documents by number

def find_documents(store: ox.Store, text: str) -> list[tuple[str, str]]:
    """(IRI, number) of every instrument whose number matches what an analyst typed."""
    _, rows = select(store, "SELECT DISTINCT ?doc ?number WHERE { ?doc vn:docNumber ?number }")
    found: set[tuple[str, str]] = set()
    for candidate in normalise_number_query(text):
        if candidate.startswith("^"):
            try:
                pattern = re.compile(candidate)
            except re.error:
                continue
            found |= {(r["doc"], r["number"]) for r in rows if pattern.search(r["number"])}
        else:
            found |= {(r["doc"], r["number"]) for r in rows if r["number"] == re.sub(r"\s+", "", candidate)}
    if found:
        return sorted(found)
    return sorted((r["doc"], r["number"]) for r in rows if number_matches(text, r["number"]))


# --------------------------------------------------------------------------- lineage

@dataclass(frozen=True, slots=True)
class Link:
    depth: int
    source: str
    source_number: str | None
    relation: str
    target: str
    target_number: str | None
    target_title: str | None
    target_issuer: str | None
    quote: str | None
    source_file: str | None

    def as_dict(self) -> dict:
        return asdict(self)


# Edges are found first (cheap: index lookups along the path), then their quotes, files and the
# labels of the instruments reached, each in one query over exactly those terms (VALUES): a single
# query with OPTIONAL provenance let the optimiser scan every assertion in the store.
_EDGES = """
SELECT ?s ?p ?o ?g WHERE {
  <START> PATH ?NODE .
  GRAPH ?g { { ?s eli:based_on ?o BIND(eli:based_on AS ?p) } UNION { ?s vn:implements ?o BIND(vn:implements AS ?p) } }
}"""
_QUOTES = """
SELECT ?s ?p ?o ?g ?quote ?file WHERE {
  VALUES (?s ?p ?o ?g) { ROWS }
  GRAPH ?g { ?a owl:annotatedTarget ?o ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; oa:hasSelector ?sel .
             ?sel oa:exact ?quote . ?g vn:sourceFile ?file }
}"""
# Labels are read in the graph that states the link (VALUES (?n ?g)): there each fact appears once,
# whereas in the union a widely cited instrument's triples repeat once per citing document.
_LABELS = """
SELECT DISTINCT ?n ?k ?v WHERE {
  VALUES (?n ?g) { PAIRS }
  GRAPH ?g {
    { ?n vn:docNumber ?v BIND("number" AS ?k) }
    UNION { ?n eli:title ?v BIND("title" AS ?k) }
    UNION { ?n eli:passed_by ?org . ?org skos:prefLabel ?v BIND("issuer" AS ?k) }
  }
}"""


def lineage(store: ox.Store, start: str, direction: str = "up", depth: int | None = None) -> list[Link]:
    """Links of the lineage chain from ``start``: ``up`` = what it rests on or implements (transitively),
    ``down`` = what rests on or implements it.  Each link carries the quote that proves it."""
    if direction not in {"up", "down"}:
        raise QueryError(f"direction must be 'up' or 'down', not {direction!r}")
    if direction == "up":
        query = _EDGES.replace("PATH ?NODE", "(eli:based_on|vn:implements)* ?s")
    else:
        query = _EDGES.replace("PATH ?NODE", "(^eli:based_on|^vn:implements)* ?o")
    _, rows = select(store, query.replace("START", start))
    edges: dict[str, list[dict]] = {}
    for r in rows:
        edges.setdefault(r["s"] if direction == "up" else r["o"], []).append(r)
    # Breadth-first from the start: each link appears once, at its shortest depth.
    seen_nodes, seen_links, order = {start}, set(), []
    queue = deque([(start, 1)])
    while queue:
        node, d = queue.popleft()
        if depth is not None and d > depth:
            continue
        for r in sorted(edges.get(node, []), key=lambda x: (x["p"], x["o"], x["s"], x["g"])):
            link_key = (r["s"], r["p"], r["o"])
            if link_key in seen_links:
                continue
            seen_links.add(link_key)
            order.append((d, r))
            nxt = r["o"] if direction == "up" else r["s"]
            if nxt not in seen_nodes:
                seen_nodes.add(nxt)
                queue.append((nxt, d + 1))
    if not order:
        return []
    rows_text = " ".join(f"(<{r['s']}> <{r['p']}> <{r['o']}> <{r['g']}>)" for _, r in order)
    _, quote_rows = select(store, _QUOTES.replace("ROWS", rows_text))
    quotes: dict[tuple[str, str, str], dict] = {}
    for q in sorted(quote_rows, key=lambda x: x["quote"] or ""):
        quotes.setdefault((q["s"], q["p"], q["o"]), q)
    pairs = sorted({(r[k], r["g"]) for _, r in order for k in ("s", "o")})
    _, label_rows = select(store, _LABELS.replace("PAIRS", " ".join(f"(<{n}> <{g}>)" for n, g in pairs)))
    labels: dict[str, dict] = {}
    for lr in sorted(label_rows, key=lambda x: (x["n"], x["k"], x["v"])):
        labels.setdefault(lr["n"], {}).setdefault(lr["k"], lr["v"])
    links = []
    for d, r in order:
        info = labels.get(r["o"] if direction == "up" else r["s"], {})
        q = quotes.get((r["s"], r["p"], r["o"]), {})
        links.append(Link(
            depth=d, source=r["s"], source_number=labels.get(r["s"], {}).get("number"),
            relation=RELATION_NAMES.get(r["p"], r["p"]), target=r["o"],
            target_number=labels.get(r["o"], {}).get("number"),
            target_title=info.get("title"), target_issuer=info.get("issuer"),
            quote=q.get("quote"), source_file=q.get("file"),
        ))
    return links


# --------------------------------------------------------------------------- tasks

# Scalar facts are read in each plan's own graph (GRAPH ?g), where every fact about its tasks appears
# once; the agency lists are aggregated per task in sub-selects, so the OPTIONAL joins never multiply
# a task's leads by its coordinators by their labels (30,000 tasks: 6.0 s instead of 8.7 s).  Ties in
# plan number and sequence (plans of two provinces share a number) are ordered by plan and task IRI.
_TASKS_SELECT = """
SELECT DISTINCT ?task ?plan ?number ?province ?section ?index ?seq ?content ?timeframe ?start ?end ?recurring ?approver
       ?lead ?coordinators"""
_TASKS_WHERE = """
WHERE {
  GRAPH ?g {
    ?plan vn:hasTask ?task .
    OPTIONAL { ?plan vn:docNumber ?number }
    OPTIONAL { ?plan eli:jurisdiction ?place . ?place skos:prefLabel ?province }
    OPTIONAL { ?task vn:section ?section }
    OPTIONAL { ?task vn:taskIndex ?index }
    OPTIONAL { ?task vn:sequence ?seq }
    OPTIONAL { ?task schema:description ?content }
    OPTIONAL { ?task vn:timeFrameText ?timeframe }
    OPTIONAL { ?task vn:timeFrame ?tf . ?tf time:hasBeginning ?b . ?b time:inXSDDate ?start }
    OPTIONAL { ?task vn:timeFrame ?tf2 . ?tf2 time:hasEnd ?e . ?e time:inXSDDate ?end }
    OPTIONAL { ?task vn:recurring ?recurring }
    OPTIONAL { ?task vn:approverText ?approver }
  }
  OPTIONAL { SELECT ?task (GROUP_CONCAT(DISTINCT ?leadName; separator=" | ") AS ?lead) WHERE {
    GRAPH ?g1 { ?task vn:leadAgency ?lo . ?lo skos:prefLabel ?leadName } } GROUP BY ?task }
  OPTIONAL { SELECT ?task (GROUP_CONCAT(DISTINCT ?coordName; separator=" | ") AS ?coordinators) WHERE {
    GRAPH ?g2 { ?task vn:coordinatingAgency ?co . ?co skos:prefLabel ?coordName } } GROUP BY ?task }
"""
# Every agency label of each task (name or alias, with its role), for the agency filter: a union
# over every label of every lead and coordinator, about a fifth of the listing's time (3.2 s
# against 2.6 at 1,000 plans, same rows), so the unfiltered listing (tasks.csv) goes without it.
_TASKS_AGENCY_KEYS = """\
  OPTIONAL { SELECT ?task (GROUP_CONCAT(DISTINCT ?agencyKey; separator="\\n") AS ?agencyKeys) WHERE {
    GRAPH ?g3 {
      { ?task vn:leadAgency ?ag BIND("lead" AS ?role) }
      UNION { ?task vn:coordinatingAgency ?ag BIND("coordinator" AS ?role) }
      { ?ag skos:prefLabel ?agLabel } UNION { ?ag skos:altLabel ?agLabel }
      BIND(CONCAT(?role, "\\t", STR(?agLabel)) AS ?agencyKey) } } GROUP BY ?task }
"""
_TASKS_ORDER = """}
ORDER BY ?number ?seq ?plan ?task
"""
_TASKS = _TASKS_SELECT + " ?agencyKeys" + _TASKS_WHERE + _TASKS_AGENCY_KEYS + _TASKS_ORDER
_TASKS_WITHOUT_KEYS = _TASKS_SELECT + _TASKS_WHERE + _TASKS_ORDER


# Named graphs per query of a whole-store listing (tasks, citations, graph edges).  One query over
# the whole store sorts and groups every row at once (the task listing: 1.65 GB at 10,000 plans);
# a few graphs at a time keep memory flat and, measured at 1,000 and 10,000 plans, are also faster
# (Oxigraph scans each listed graph with the graph bound).
GRAPHS_PER_QUERY = 10

_TASK_GRAPHS = """
SELECT DISTINCT ?g ?plan ?number WHERE {
  GRAPH ?g { ?plan vn:hasTask ?task . OPTIONAL { ?plan vn:docNumber ?number } }
}
"""


def ordered_graph_batches(entries: Iterable[tuple[ox.NamedNode, tuple, str | None]],
                          size: int) -> list[list[ox.NamedNode]]:
    """Cut named graphs into batches of about ``size`` whose ordered rows never interleave.

    ``entries`` are (graph, sort key of one of its rows, link): a graph may appear several times
    with different keys.  A listing ordered by that key first, queried batch by batch in the
    returned order, gives the rows of one whole-store query: batches are cut only between runs
    of graphs whose key ranges do not overlap (equal keys stay together, so do graphs sharing a
    link, such as one plan's IRI in two source files), and each batch's own ORDER BY completes
    the order.
    """
    parent: dict[ox.NamedNode, ox.NamedNode] = {}

    def find(g: ox.NamedNode) -> ox.NamedNode:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    keys: dict[ox.NamedNode, set[tuple]] = {}
    linked: dict[str, ox.NamedNode] = {}
    for graph, key, link in entries:
        parent.setdefault(graph, graph)
        keys.setdefault(graph, set()).add(key)
        if link is not None:
            parent[find(graph)] = find(linked.setdefault(link, graph))
    groups: dict[ox.NamedNode, list[ox.NamedNode]] = {}
    for graph in sorted(parent, key=lambda g: g.value):
        groups.setdefault(find(graph), []).append(graph)
    ranges = []
    for members in groups.values():
        member_keys = set().union(*(keys[g] for g in members))
        ranges.append((min(member_keys), max(member_keys), members))
    ranges.sort(key=lambda r: (r[0], r[1]))

    batches: list[list[ox.NamedNode]] = []
    batch: list[ox.NamedNode] = []
    batch_max: tuple | None = None
    for low, high, members in ranges:
        if batch and batch_max is not None and low > batch_max and len(batch) >= size:
            batches.append(batch)
            batch, batch_max = [], None
        batch.extend(members)
        batch_max = high if batch_max is None else max(batch_max, high)
    if batch:
        batches.append(batch)
    return batches


def sort_key(term) -> tuple:
    """Where a value sorts in an ORDER BY over plain strings: unbound first, then by code point."""
    return (0, "") if term is None else (1, term.value)


def batched_rows(store: ox.Store, query: str, batches: Iterable[list[ox.NamedNode] | None]) -> Iterator[dict]:
    """Rows (plain strings) of ``query`` run over each batch of named graphs in turn (None: all)."""
    for graphs in batches:
        named: list[ox.NamedNode | ox.BlankNode] | None = None if graphs is None else [*graphs]
        try:
            result = solutions(store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True,
                                           named_graphs=named))
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from exc
        names = [v.value for v in result.variables]
        for sol in result:
            yield {n: _value(sol[n]) for n in names}


def _task_graph_batches(store: ox.Store, size: int) -> list[list[ox.NamedNode]]:
    """Named graphs holding tasks, batched for :data:`_TASKS` (ordered by plan number first)."""
    rows = solutions(store.query(_TASK_GRAPHS, prefixes=PREFIXES))
    return ordered_graph_batches(((r["g"], sort_key(r["number"]), r["plan"].value) for r in rows), size)


def tasks(store: ox.Store, agency: str | None = None, province: str | None = None,
          due_before: str | None = None) -> list[dict]:
    """Tasks across plans, filtered by agency (lead or coordinator; name or alias, accents optional),
    plan province, and end date strictly before ``due_before`` (ISO date)."""
    return list(iter_tasks(store, agency, province, due_before))


def iter_tasks(store: ox.Store, agency: str | None = None, province: str | None = None,
               due_before: str | None = None, *, graphs_per_query: int | None = GRAPHS_PER_QUERY,
               ) -> Iterator[dict]:
    """The rows of :func:`tasks`, one at a time (an export of every task need not hold them all).

    ``graphs_per_query`` named graphs are queried at a time (None: the whole store in one query;
    the rows and their order are the same either way)."""
    if due_before and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", due_before):
        raise QueryError(f"--due-before must be an ISO date YYYY-MM-DD, not {due_before!r}")
    want_agency = slug(agency) if agency else None
    want_province = slug(province) if province else None
    for r in _task_rows(store, graphs_per_query, with_agency_keys=want_agency is not None):
        if want_agency:
            keys = [k.split("\t", 1) for k in (r.pop("agencyKeys") or "").split("\n") if "\t" in k]
            roles = sorted({role for role, label in keys if want_agency in slug(label)})
            if not roles:
                continue
            r["role"] = " & ".join(roles)
        if want_province and want_province != slug(r.get("province") or ""):
            continue
        if due_before and not (r.get("end") and r["end"] < due_before):
            continue
        yield r


def _task_rows(store: ox.Store, graphs_per_query: int | None, *, with_agency_keys: bool) -> Iterator[dict]:
    batches = [None] if graphs_per_query is None else _task_graph_batches(store, max(1, graphs_per_query))
    return batched_rows(store, _TASKS if with_agency_keys else _TASKS_WITHOUT_KEYS, batches)
