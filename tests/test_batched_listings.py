"""Whole-store listings queried a few graphs at a time give the rows, in the order, of one whole-store query."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import graph.network as network
from graph.export import iter_citations
from graph.iris import PREFIXES
from graph.query import iter_tasks, ordered_graph_batches
from graph.store import open_store
from tests import test_graph_support as support

seeds = support.seeds
seed_outputs = support.seed_outputs

VN = PREFIXES["vn"]
SKOS = PREFIXES["skos"]
BASE = "https://example.org/vanban/"


def _plan(store: ox.Store, graph: str, plan: str, numbers: list[str], tasks: list[tuple[int, str, str]]) -> None:
    """Add a plan with ``numbers`` and ``tasks`` (sequence, content, lead agency key) to ``graph``."""
    g = ox.NamedNode(BASE + "graph/" + graph)
    p = ox.NamedNode(BASE + "id/" + plan)
    quads = [ox.Quad(p, ox.NamedNode(VN + "docNumber"), ox.Literal(n), g) for n in numbers]
    for seq, content, lead in tasks:
        t = ox.NamedNode(f"{p.value}/task/{seq}")
        a = ox.NamedNode(BASE + "id/agency/" + lead)
        quads += [
            ox.Quad(p, ox.NamedNode(VN + "hasTask"), t, g),
            ox.Quad(t, ox.NamedNode(VN + "sequence"), ox.Literal(str(seq), datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer")), g),
            ox.Quad(t, ox.NamedNode(PREFIXES["schema"] + "description"), ox.Literal(content), g),
            ox.Quad(t, ox.NamedNode(VN + "leadAgency"), a, g),
            ox.Quad(a, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(f"Sở {lead} ({graph})"), g),
        ]
    store.extend(quads)


@pytest.fixture()
def store() -> ox.Store:
    store = ox.Store()
    _plan(store, "a", "kh-10-a", ["10/KH-UBND"], [(1, "Một", "noi-vu"), (2, "Hai", "tai-chinh")])
    _plan(store, "b", "kh-10-b", ["10/KH-UBND"], [(1, "Ba", "noi-vu")])  # same number, other plan
    _plan(store, "c", "kh-none", [], [(1, "Bốn", "y-te")])  # unnumbered: sorts first
    _plan(store, "d1", "kh-2", ["2/KH-UBND"], [(1, "Năm", "noi-vu")])
    _plan(store, "d2", "kh-2", ["2/KH-UBND"], [(2, "Sáu", "y-te")])  # one plan in two graphs
    _plan(store, "e", "kh-wide", ["1/KH-UBND", "9/KH-UBND"], [(1, "Bảy", "cong-an")])  # two numbers
    for i in range(12):
        _plan(store, f"z{i:02}", f"kh-z{i}", [f"{50 + i}/KH-UBND"], [(1, f"Việc {i}", "noi-vu")])
    return store


@pytest.mark.parametrize("size", [1, 2, 3, 10])
def test_batched_rows_equal_one_query(store: ox.Store, size: int) -> None:
    whole = list(iter_tasks(store, graphs_per_query=None))
    assert len(whole) == 20
    assert list(iter_tasks(store, graphs_per_query=size)) == whole


def test_shared_plan_keeps_labels_of_both_graphs(store: ox.Store) -> None:
    rows = [r for r in iter_tasks(store, graphs_per_query=1) if r["number"] == "2/KH-UBND"]
    assert [r["content"] for r in rows] == ["Năm", "Sáu"]
    assert rows[0]["lead"] == "Sở noi-vu (d1)"


def test_filters_apply_to_batched_rows(store: ox.Store) -> None:
    rows = list(iter_tasks(store, agency="y te", graphs_per_query=1))
    assert sorted(r["content"] for r in rows) == ["Bốn", "Sáu"]
    assert {r["role"] for r in rows} == {"lead"}


def test_unfiltered_listing_skips_agency_keys_with_the_same_rows(store: ox.Store) -> None:
    """tasks.csv's listing runs without the agency-label union; it must give the filtered listing's
    rows (every task matches an agency filter that every label holds) minus the filter's role."""
    plain = list(iter_tasks(store, graphs_per_query=3))
    filtered = list(iter_tasks(store, agency="Sở", graphs_per_query=3))
    assert all("agencyKeys" not in r and "role" not in r for r in plain)
    assert [r.pop("role") for r in filtered] == ["lead"] * len(plain)
    assert filtered == plain


def test_batches_never_split_equal_keys_or_linked_graphs() -> None:
    g = [ox.NamedNode(f"https://example.org/g/{i}") for i in range(6)]
    entries = [(g[0], (1, "b"), None), (g[1], (1, "b"), None), (g[2], (1, "a"), "plan"),
               (g[3], (1, "z"), "plan"), (g[4], (0, ""), None), (g[5], (1, "y"), None)]
    batches = ordered_graph_batches(entries, 1)
    # g2 and g3 share a plan, so their range a..z swallows b and y: one batch after the unbound key
    assert [set(b) for b in batches] == [{g[4]}, {g[0], g[1], g[2], g[3], g[5]}]


def test_citations_batched_equal_one_query(seed_outputs: Path) -> None:
    store = open_store(seed_outputs)
    whole = list(iter_citations(store, graphs_per_query=None))
    assert len(whole) > 50
    assert list(iter_citations(store, graphs_per_query=1)) == whole


def test_cited_plan_of_another_graph_is_in_corpus(store: ox.Store) -> None:
    eli = PREFIXES["eli"]
    for graph, plan in (("a", "kh-10-a"), ("d1", "kh-2"), ("d2", "kh-2"), ("e", "kh-wide")):
        store.add(ox.Quad(ox.NamedNode(BASE + "id/" + plan), ox.NamedNode(VN + "sourceFile"),
                          ox.Literal(graph + ".txt"), ox.NamedNode(BASE + "graph/" + graph)))
    for cited in ("kh-2", "nd-61"):
        store.add(ox.Quad(ox.NamedNode(BASE + "id/kh-10-a"), ox.NamedNode(eli + "based_on"),
                          ox.NamedNode(BASE + "id/" + cited), ox.NamedNode(BASE + "graph/a")))
    rows = list(iter_citations(store, graphs_per_query=1))
    assert {r["cited"].rsplit("/", 1)[1]: r["inCorpus"] for r in rows} == {"kh-2": True, "nd-61": False}
    assert rows == list(iter_citations(store, graphs_per_query=None))


def test_graph_edges_batched_equal_one_query(seed_outputs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(seed_outputs)
    whole = sorted(map(str, network._rows(store, network._EDGES)))
    monkeypatch.setattr(network, "GRAPHS_PER_QUERY", 1)
    assert sorted(map(str, network._batched(store, network._EDGES))) == whole
    assert len(whole) > 100
