"""The saved queries of DESIGN §6 answer the analysts' seven questions on the seeds."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from graph.query import QueryError, bind_params, format_results, load_query, saved_queries, select
from graph.store import open_store
from tests import test_graph_support as support

seeds = support.seeds
seed_outputs = support.seed_outputs


def _rows(outputs: Path, name: str, **params: str) -> list[dict]:
    store = open_store(outputs)
    _, rows = select(store, load_query(name), params or None)
    return rows


def test_all_seven_questions_have_a_saved_query() -> None:
    names = set(saved_queries())
    assert names == {"1_lineage_up", "2_lineage_down", "3a_task_leads", "3b_agency_tasks", "4_tasks_due",
                     "5_dangling_citations", "6_agency_workload", "7_compare_provinces"}


def test_q1_lineage_up_of_397_lists_its_four_bases_with_quotes(seed_outputs: Path) -> None:
    rows = _rows(seed_outputs, "1_lineage_up", number="397/KH-UBND")
    assert {(r["from"], r["relation"], r["to"]) for r in rows} == {
        ("397/KH-UBND", "based_on", "76/NQ-CP"),
        ("397/KH-UBND", "based_on", "09-NQ/TU"),
        ("397/KH-UBND", "based_on", "2703/QĐ-UBND"),
        ("397/KH-UBND", "based_on", "273/KH-UBND"),
    }
    quotes = {r["to"]: r["quote"] for r in rows}
    assert quotes["76/NQ-CP"] == "Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 của Chính phủ"
    assert quotes["273/KH-UBND"].startswith("Kế hoạch số 273/KH-UBND ngày 22 tháng 9 năm 2021")
    assert {r["sourceFile"] for r in rows} == {"000_8b11740c270d85e3.txt"}


def test_q1_implements_counts_as_lineage(seed_outputs: Path) -> None:
    rows = _rows(seed_outputs, "1_lineage_up", number="358/KH-UBND")
    assert {(r["relation"], r["to"]) for r in rows} == {("implements", "131/NQ-CP"), ("based_on", "6936/VPCP-KSTT")}


def test_q2_lineage_down_from_76_finds_397_in_tien_giang(seed_outputs: Path) -> None:
    rows = _rows(seed_outputs, "2_lineage_down", number="76/NQ-CP")
    assert [(r["planNumber"], r["province"], r["relation"]) for r in rows] == [
        ("397/KH-UBND", "Tiền Giang", "based_on")]
    # A merely cited decree has no lineage below it.
    assert _rows(seed_outputs, "2_lineage_down", number="61/2018/NĐ-CP") == []


def test_q3a_who_leads_each_task_of_397(seed_outputs: Path) -> None:
    rows = _rows(seed_outputs, "3a_task_leads", number="397/KH-UBND")
    assert len(rows) == 49
    first = rows[0]
    assert (first["index"], first["lead"], first["coordinators"], first["approver"], first["timeframe"]) == (
        "1", "Sở Nội vụ", "Các cơ quan, đơn vị có liên quan", "UBND tỉnh", "Tháng 01 năm 2022")
    vi7 = next(r for r in rows if r["section"].startswith("VI.") and r["index"] == "7")
    assert vi7["lead"] == "Sở Tài chính"
    assert set(vi7["coordinators"].split(" | ")) == {"Sở Kế hoạch và Đầu tư", "Các cơ quan, đơn vị có liên quan"}


def test_q3b_tasks_of_so_noi_vu_are_two_bodies_in_two_provinces(seed_outputs: Path, seeds: list[dict]) -> None:
    rows = _rows(seed_outputs, "3b_agency_tasks", agencyName="Sở Nội vụ")
    assert {r["agency"] for r in rows} == {"Sở Nội vụ"}
    by_province: dict[str, set] = {}
    for r in rows:
        by_province.setdefault(r["province"], set()).add((r["number"], r["seq"], r["role"]))
    expected: dict[str, set] = {}
    for item in seeds:
        rec = item["record"]
        for t in rec["tasks"]:
            for role, names in (("lead", t["lead"]), ("coordinator", t["coordinators"])):
                if "Sở Nội vụ" in names:
                    expected.setdefault(rec["document"]["province"], set()).add(
                        (rec["document"]["number"], str(t["seq"]), role))
    assert by_province == expected
    assert set(by_province) == {"Tiền Giang", "Bến Tre"}


def test_q4_tasks_due_in_first_quarter_2022(seed_outputs: Path) -> None:
    rows = _rows(seed_outputs, "4_tasks_due", **{"from": "2022-01-01", "until": "2022-03-31"})
    assert [(r["number"], r["index"], r["end"], r["timeframe"]) for r in rows] == [
        ("397/KH-UBND", "1", "2022-01-31", "Tháng 01 năm 2022"),
        ("397/KH-UBND", "2", "2022-01-31", "Tháng 01 năm 2022"),
        ("397/KH-UBND", "1", "2022-03-31", "Quý I năm 2022"),
    ]
    # Open-ended: everything due by the end of 2021.
    assert [(r["number"], r["timeframe"]) for r in _rows(seed_outputs, "4_tasks_due", until="2021-12-31")] == [
        ("1365/KH-UBND", "Cuối năm 2021")]


def test_q5_dangling_citations_is_the_reading_list(seed_outputs: Path, seeds: list[dict]) -> None:
    rows = _rows(seed_outputs, "5_dangling_citations")
    cited = {c["number"] for item in seeds for c in item["record"]["citations"]}
    own = {item["record"]["document"]["number"] for item in seeds}
    assert {r["number"] for r in rows} == cited - own
    top = [(r["number"], r["citedBy"]) for r in rows[:7]]
    # Instruments cited by two seeds come first.
    assert {n for n, c in top if c == "2"} == {"04/NQ-CP", "107/2020/NĐ-CP", "107/2021/NĐ-CP", "108/2020/NĐ-CP",
                                               "115/2020/NĐ-CP", "61/2018/NĐ-CP"}
    assert next(r for r in rows if r["number"] == "76/NQ-CP")["relations"] == "based_on"


def test_q6_busiest_agencies(seed_outputs: Path) -> None:
    rows = _rows(seed_outputs, "6_agency_workload")
    top = rows[0]
    assert (top["agency"], top["province"], top["duties"]) == ("Các cơ quan, đơn vị có liên quan", "Tiền Giang", "30")
    sonv = {r["province"]: (r["leads"], r["coordinates"]) for r in rows if r["agency"] == "Sở Nội vụ"}
    assert sonv == {"Tiền Giang": ("18", "1"), "Bến Tre": ("16", "2")}


def test_q7_compare_provinces(tmp_path: Path, seeds: list[dict], seed_outputs: Path) -> None:
    # The seeds share no basis across provinces: Bến Tre's plan implements its own Tỉnh ủy's Đề án.
    assert _rows(seed_outputs, "7_compare_provinces") == []
    # A Bến Tre plan resting on 76/NQ-CP appears side by side with Tiền Giang's 397/KH-UBND.
    items = copy.deepcopy(seeds)
    extra = copy.deepcopy(next(i for i in items if i["record"]["document"]["number"] == "1365/KH-UBND"))
    rec = extra["record"]
    rec["source"] = "bt_extra.txt"
    rec["document"]["number"] = "99/KH-UBND"
    rec["citations"].append({"number": "76/NQ-CP", "doc_type": "Nghị quyết", "issuer": "Chính phủ",
                             "date": "2021-07-15", "title": None, "relation": "based_on",
                             "first_mention": "Căn cứ Nghị quyết số 76/NQ-CP", "aliases": [], "spans": []})
    extra["sha256"] = "a" * 64
    support.build_outputs(tmp_path, [*items, extra])
    rows = _rows(tmp_path, "7_compare_provinces", provinceA="Tiền Giang", provinceB="Bến Tre")
    assert [(r["instrument"], r["left"], r["planA"], r["right"], r["planB"]) for r in rows] == [
        ("76/NQ-CP", "Tiền Giang", "397/KH-UBND", "Bến Tre", "99/KH-UBND")]
    both_ways = _rows(tmp_path, "7_compare_provinces")
    assert len(both_ways) == 1


def test_query_formats_and_params(seed_outputs: Path) -> None:
    store = open_store(seed_outputs)
    q = load_query("2_lineage_down")
    data = json.loads(format_results(store, q, "json", {"number": "76/NQ-CP"}))
    assert data["results"]["bindings"][0]["planNumber"]["value"] == "397/KH-UBND"
    csv_text = format_results(store, q, "csv", {"number": "76/NQ-CP"})
    assert csv_text.splitlines()[0].startswith("number,plan,planNumber")
    table = format_results(store, "ASK { ?s vn:docNumber \"397/KH-UBND\" }", "table")
    assert table == "true"
    assert 'VALUES (?a ?b) { ("x" "2022-01-01"^^<http://www.w3.org/2001/XMLSchema#date>) }' in bind_params(
        "SELECT * WHERE { ?s ?p ?o }", {"a": "x", "b": "2022-01-01"})
    with pytest.raises(QueryError, match="invalid SPARQL"):
        format_results(store, "SELECT WHERE {", "table")
    with pytest.raises(QueryError, match="no such query file"):
        load_query("missing.rq")
