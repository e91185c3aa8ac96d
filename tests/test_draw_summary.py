"""Pages of graphs too large to stay interactive are drawn as a summary that says so."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph import draw
from graph.draw import summarise, write_graph_page
from tests.test_draw import B, page_data, parse_page, sample_graph, synthetic_graph


def test_small_graphs_are_drawn_whole() -> None:
    G = sample_graph()
    view, note = summarise(G)
    assert view is G and note == ""


def test_tasks_fold_into_counts_on_their_plans() -> None:
    G = synthetic_graph(plans=30, tasks_per_plan=12)
    view, note = summarise(G, max_nodes=100)
    kinds = {d["kind"] for _, d in view.nodes(data=True)}
    assert "task" not in kinds and {"plan", "agency", "central"} <= kinds
    assert view.number_of_nodes() == G.number_of_nodes() - 30 * 12
    plan = f"{B}doc/p3"
    assert view.nodes[plan]["tasks"] == 12
    # Plan 3's twelve tasks are led by agencies (3 + t) % 10: one lead link per agency, counting its tasks.
    leads = {v: d["evidence"] for _, v, d in view.out_edges(plan, data=True) if d["relation"] == "lead"}
    # Agencies 3 and 4 lead two tasks each; a link standing for one task keeps that task's evidence.
    assert leads == {f"{B}org/a{a}": "2 nhiệm vụ" if a in (3, 4) else "chủ trì" for a in range(10)}
    assert sum(1 for _, _, d in view.out_edges(plan, data=True) if d["relation"] == "based_on") == 1
    assert note.startswith(f"Đồ thị đầy đủ có {G.number_of_nodes()} nút, quá lớn")
    assert "360 nhiệm vụ" in note and "vanban draw --focus" in note


def test_agencies_fold_too_when_tasks_are_not_enough() -> None:
    G = synthetic_graph(plans=30, tasks_per_plan=12)
    view, note = summarise(G, max_nodes=55)
    assert {d["kind"] for _, d in view.nodes(data=True)} == {"plan", "central"}
    assert view.nodes[f"{B}doc/p3"]["agencies"] == 10
    assert "nhiệm vụ" in note and "10 cơ quan" in note


def test_large_page_draws_the_summary_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(draw, "PAGE_MAX_NODES", 100)
    G: nx.MultiDiGraph = synthetic_graph(plans=30, tasks_per_plan=12)
    path = tmp_path / "big.html"
    counts = write_graph_page(G, path)
    data = page_data(parse_page(path.read_text(encoding="utf-8")))
    assert counts == {"nodes": len(data["nodes"]), "edges": len(data["edges"])}
    assert counts["nodes"] == G.number_of_nodes() - 30 * 12
    assert "360 nhiệm vụ" in data["config"]["note"]
    plan = next(n for n in data["nodes"] if n["id"] == f"{B}doc/p3")
    assert plan["tasks"] == 12
