"""The task listing queried a few graphs at a time gives the rows, in the order, of one whole-store query."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.iris import PREFIXES
from graph.query import iter_tasks

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
