"""`vanban lineage`, `vanban tasks` and `vanban query` on the seeds (issue 5, done-when)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.query import find_documents, lineage
from graph.store import open_store
from pipelines.cli.app import app
from tests import test_graph_support as support

seed_outputs = support.seed_outputs
seeds = support.seeds
runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_lineage_up_from_397_lists_its_bases_with_quotes(seed_outputs: Path) -> None:
    out = _run("lineage", "397/KH-UBND", "--up", "--outputs", str(seed_outputs))
    for number, quote in [
        ("76/NQ-CP", "Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 của Chính phủ"),
        ("09-NQ/TU", "Căn cứ Nghị quyết số 09-NQ/TU ngày 07 tháng 10 năm 2021 của Tỉnh ủy"),
        ("2703/QĐ-UBND", "Quyết định số 2703/QĐ-UBND ngày 18 tháng 10 năm 2021 của Ủy ban nhân dân tỉnh"),
        ("273/KH-UBND", "Kế hoạch số 273/KH-UBND ngày 22 tháng 9 năm 2021 của Ủy ban nhân dân tỉnh"),
    ]:
        assert f"397/KH-UBND --based_on--> {number}" in out
        assert f"“{quote}”  [000_8b11740c270d85e3.txt]" in out
    # căn cứ is kept apart from mere citation: cited decrees are not lineage.
    assert "61/2018/NĐ-CP" not in out


def test_lineage_down_from_76_lists_397(seed_outputs: Path) -> None:
    out = _run("lineage", "76/NQ-CP", "--down", "--outputs", str(seed_outputs))
    assert "397/KH-UBND --based_on--> 76/NQ-CP" in out
    assert "Căn cứ Nghị quyết số 76/NQ-CP" in out
    data = json.loads(_run("lineage", "76/NQ-CP", "--down", "--format", "json", "--outputs", str(seed_outputs)))
    assert [link["source_number"] for link in data[0]["links"]] == ["397/KH-UBND"]


@pytest.mark.parametrize("typed", ["76/NQ-CP", "76 NQ-CP", "nq 76", "NQ 76", "76/nq-cp"])
def test_number_forms_analysts_type(seed_outputs: Path, typed: str) -> None:
    store = open_store(seed_outputs)
    assert [n for _, n in find_documents(store, typed)] == ["76/NQ-CP"]


def test_lineage_is_transitive_and_depth_limited(tmp_path: Path, seeds: list[dict]) -> None:
    # A district plan resting on 397/KH-UBND: its lineage reaches 76/NQ-CP through 397.
    items = seeds
    base = next(i for i in items if i["record"]["document"]["number"] == "358/KH-UBND")
    rec = json.loads(json.dumps(base["record"]))
    rec["source"] = "district.txt"
    rec["document"].update({"number": "12/KH-UBND", "issuer": "UBND huyện Cái Bè", "date": "2022-02-01"})
    rec["citations"] = [{"number": "397/KH-UBND", "doc_type": "Kế hoạch", "issuer": "UBND tỉnh Tiền Giang",
                         "date": "2021-12-31", "title": None, "relation": "implements",
                         "first_mention": "thực hiện Kế hoạch số 397/KH-UBND", "aliases": [], "spans": []}]
    support.build_outputs(tmp_path, [*items, {"record": rec, "sha256": "b" * 64}])
    store = open_store(tmp_path)
    start = find_documents(store, "12/KH-UBND")[0][0]
    links = lineage(store, start, "up")
    assert {(lk.depth, lk.source_number, lk.relation, lk.target_number) for lk in links} == {
        (1, "12/KH-UBND", "implements", "397/KH-UBND"),
        (2, "397/KH-UBND", "based_on", "76/NQ-CP"), (2, "397/KH-UBND", "based_on", "09-NQ/TU"),
        (2, "397/KH-UBND", "based_on", "2703/QĐ-UBND"), (2, "397/KH-UBND", "based_on", "273/KH-UBND"),
    }
    assert [lk.target_number for lk in lineage(store, start, "up", depth=1)] == ["397/KH-UBND"]
    down = lineage(store, find_documents(store, "76/NQ-CP")[0][0], "down")
    assert [(lk.depth, lk.source_number) for lk in down] == [(1, "397/KH-UBND"), (2, "12/KH-UBND")]





def test_unknown_number_and_missing_store_are_clear_errors(seed_outputs: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["lineage", "999/XX-YY", "--outputs", str(seed_outputs)])
    assert result.exit_code == 1 and "no document numbered '999/XX-YY'" in result.output
    result = runner.invoke(app, ["lineage", "76/NQ-CP", "--outputs", str(tmp_path)])
    assert result.exit_code == 2 and "no published store" in result.output


def test_tasks_command_filters(seed_outputs: Path) -> None:
    out = _run("tasks", "--agency", "so noi vu", "--province", "Bến Tre", "--format", "csv",
               "--outputs", str(seed_outputs))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 18 and {r["number"] for r in rows} == {"1365/KH-UBND"}
    assert {r["role"] for r in rows} == {"lead", "coordinator"}
    out = _run("tasks", "--due-before", "2022-02-01", "--format", "json", "--outputs", str(seed_outputs))
    assert sorted((t["number"], t["end"]) for t in json.loads(out)) == [
        ("1365/KH-UBND", "2021-12-31"), ("397/KH-UBND", "2022-01-31"), ("397/KH-UBND", "2022-01-31")]
    bad = runner.invoke(app, ["tasks", "--due-before", "next week", "--outputs", str(seed_outputs)])
    assert bad.exit_code == 2 and "ISO date" in bad.output


def test_query_command_runs_files_names_and_inline_sparql(seed_outputs: Path) -> None:
    rq = Path(__file__).resolve().parent.parent / "graph" / "queries" / "2_lineage_down.rq"
    out = _run("query", str(rq), "-p", "number=76/NQ-CP", "--format", "csv", "--outputs", str(seed_outputs))
    assert next(iter(csv.DictReader(io.StringIO(out))))["planNumber"] == "397/KH-UBND"
    out = _run("query", "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d vn:sourceFile ?f ; a eli:Work }",
               "--format", "json", "--outputs", str(seed_outputs))
    assert json.loads(out)["results"]["bindings"][0]["n"]["value"] == "5"
    out = _run("query", "6_agency_workload", "--outputs", str(seed_outputs))
    assert out.splitlines()[0].split()[:2] == ["agency", "province"]
    bad = runner.invoke(app, ["query", "SELECT nonsense", "--outputs", str(seed_outputs)])
    assert bad.exit_code == 2 and "invalid SPARQL" in bad.output
