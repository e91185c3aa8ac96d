"""NetworkX projection (the attribute contract shared with graph/draw.py) and the exports."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import rdflib

from graph.export import write_exports
from graph.network import EDGE_RELATIONS, NODE_ATTRS, impact, project, upstream, workload
from graph.store import open_store
from tests import test_graph_support as support

seed_outputs = support.seed_outputs
KINDS = {"plan", "central", "provincial", "party", "task", "agency", "instrument"}


def _node(g: nx.MultiDiGraph, number: str) -> str:
    return next(n for n, d in g.nodes(data=True) if d["number"] == number and d["kind"] != "task")


def test_projection_follows_the_attribute_contract(seed_outputs: Path) -> None:
    g = project(open_store(seed_outputs))
    for _, d in g.nodes(data=True):
        assert set(NODE_ATTRS) <= set(d) and d["kind"] in KINDS
        assert all(isinstance(d[a], str) for a in NODE_ATTRS)
    for _, _, d in g.edges(data=True):
        assert {"relation", "evidence", "source", "property"} <= set(d)
        assert EDGE_RELATIONS[d["property"]] == d["relation"]
        assert d["source"].endswith(".txt")
    kinds = {}
    for _, d in g.nodes(data=True):
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    assert kinds["plan"] == 5
    assert kinds["task"] == sum(len(i["record"]["tasks"]) for i in support.gold_records())

    plan = _node(g, "397/KH-UBND")
    assert g.nodes[plan] | {} == {**g.nodes[plan], "kind": "plan", "label": "397/KH-UBND", "date": "2021-12-31",
                                  "province": "Tiền Giang", "doc_type": "Kế hoạch"}
    assert g.nodes[_node(g, "76/NQ-CP")]["kind"] == "central"
    assert g.nodes[_node(g, "09-NQ/TU")]["kind"] == "party"
    assert g.nodes[_node(g, "2703/QĐ-UBND")]["kind"] == "provincial"
    edge = next(d for _, v, d in g.out_edges(plan, data=True) if v == _node(g, "76/NQ-CP"))
    assert edge["relation"] == "based_on"
    assert edge["evidence"] == "Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 của Chính phủ"
    assert edge["source"] == "000_8b11740c270d85e3.txt"
    task = next(v for _, v, d in g.out_edges(plan, data=True) if d["relation"] == "has_task")
    assert g.nodes[task]["kind"] == "task"
    assert {d["relation"] for _, _, d in g.out_edges(task, data=True)} <= {"lead", "coordinator", "cites"}


def test_lineage_impact_and_workload_on_the_projection(seed_outputs: Path) -> None:
    g = project(open_store(seed_outputs))
    plan = _node(g, "397/KH-UBND")
    assert {g.nodes[n]["number"] for n in upstream(g, plan)} == {"76/NQ-CP", "09-NQ/TU", "2703/QĐ-UBND", "273/KH-UBND"}
    assert {g.nodes[n]["number"] for n in impact(g, _node(g, "131/NQ-CP"))} == {"358/KH-UBND"}
    top = workload(g)[0]
    # Row V.1 names it as both lead and coordinator: 31 roles, 30 distinct duties (as query 6 counts).
    assert (g.nodes[top[0]]["label"], g.nodes[top[0]]["province"], top[1], top[2], top[3]) == (
        "Các cơ quan, đơn vị có liên quan", "Tiền Giang", 1, 30, 30)
    sonv = {g.nodes[a]["province"]: (led, co) for a, led, co, _ in workload(g) if g.nodes[a]["label"] == "Sở Nội vụ"}
    assert sonv == {"Tiền Giang": (18, 1), "Bến Tre": (16, 2)}


def test_exports(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    summary = support.build_outputs(outputs, list(support._cached_records()))
    written = write_exports(outputs)
    assert set(written) == {"graph.trig", "graph.ttl", "graph.jsonld", "graph.graphml", "tasks.csv",
                            "citations.csv", "agencies.csv"}

    ds = rdflib.Dataset()
    ds.parse(written["graph.trig"], format="trig")
    named = {str(c.identifier) for c in ds.graphs() if len(c)}
    assert len(named) == 5 and all("/graph/" in n for n in named)
    assert len(list(ds.quads((None, None, None, None)))) == summary["triples"]
    union = rdflib.Graph().parse(written["graph.ttl"], format="turtle")
    distinct = {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}
    assert len(union) == len(distinct)
    doc = json.loads(written["graph.jsonld"].read_text(encoding="utf-8"))
    assert doc["@context"]["vn"] == "https://w3id.org/vanban/ontology#"
    assert doc["@context"]["vnd"] == "https://w3id.org/vanban/id/"
    from_jsonld = rdflib.Dataset()
    from_jsonld.parse(written["graph.jsonld"], format="json-ld")
    assert len(list(from_jsonld.quads((None, None, None, None)))) == summary["triples"]

    gm = nx.read_graphml(written["graph.graphml"], force_multigraph=True)
    assert {d["kind"] for _, d in gm.nodes(data=True)} <= {"plan", "central", "provincial", "party", "task",
                                                          "agency", "instrument"}

    tasks = pd.read_csv(written["tasks.csv"], dtype=str, keep_default_na=False)
    assert list(tasks.columns)[:12] == ["plan", "province", "section", "index", "content", "lead", "coordinators",
                                        "approver", "timeframe", "start", "end", "recurring"]
    assert len(tasks) == 129
    first = tasks[(tasks["plan"] == "397/KH-UBND") & (tasks["content"].str.startswith("Tổng kết công tác"))].iloc[0]
    assert (first["lead"], first["approver"], first["timeframe"], first["start"], first["end"]) == (
        "Sở Nội vụ", "UBND tỉnh", "Tháng 01 năm 2022", "2022-01-01", "2022-01-31")
    assert set(tasks["recurring"]) <= {"True", "False", ""}

    cites = pd.read_csv(written["citations.csv"], dtype=str, keep_default_na=False)
    assert len(cites) == sum(len(i["record"]["citations"]) for i in support._cached_records())
    row = cites[(cites["citingNumber"] == "397/KH-UBND") & (cites["citedNumber"] == "76/NQ-CP")].iloc[0]
    assert (row["relation"], row["citedIssuer"], row["citedDate"], row["inCorpus"]) == (
        "based_on", "Chính phủ", "2021-07-15", "False")
    assert int(row["start"]) < int(row["end"])

    agencies = pd.read_csv(written["agencies.csv"], dtype=str, keep_default_na=False)
    sonv = agencies[agencies["name"] == "Sở Nội vụ"].set_index("province")
    assert sonv.loc["Tiền Giang", "tasksLed"] == "18" and sonv.loc["Bến Tre", "tasksLed"] == "16"
    # No temporary files left behind by the atomic writes.
    assert not list(outputs.glob(".*.tmp"))


def test_graphml_text_escaping_is_saxutils_escape_with_invalid_characters_dropped() -> None:
    import re
    from xml.sax.saxutils import escape

    from graph.network import _xml

    invalid = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    every_char = "".join(map(chr, range(0x3000))) + "\ufffd\ufffe\uffff\U0001f600"
    samples = [every_char, "", "a & b < c > d", "&amp;", "&&<<>>", "Sở Y tế\x00\x1f\t\n\r", "\ufffeĐ&\uffff"]
    for text in samples:
        assert _xml(text) == escape(invalid.sub("", text))
