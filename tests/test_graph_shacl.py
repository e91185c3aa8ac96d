"""SHACL shapes: the seeds' graph conforms; broken graphs are reported with the reason."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib import Literal, URIRef
from typer.testing import CliRunner

from graph.build import document_graph
from graph.shacl import store_union_graph, validate, validate_store
from graph.store import open_store
from pipelines.cli.app import app
from tests import test_graph_support as support

seeds = support.seeds
seed_outputs = support.seed_outputs
VN = "https://w3id.org/vanban/ontology#"
OWL = rdflib.namespace.OWL
TIME = "http://www.w3.org/2006/time#"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def _seed_graph(seeds: list[dict], n: int = 0) -> rdflib.Graph:
    item = seeds[n]
    _, ds = document_graph(item["record"], source_name=item["record"]["source"], source_sha256=item["sha256"],
                           text=item["text"])
    union = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def test_seeds_graph_conforms(seed_outputs: Path) -> None:
    conforms, report = validate_store(seed_outputs)
    assert conforms, report
    assert report.startswith("Validated 5 named graphs: all conform.")


def test_edge_without_provenance_is_reported(seeds: list[dict]) -> None:
    g = _seed_graph(seeds)
    axiom = next(g.subjects(OWL.annotatedProperty, URIRef("http://data.europa.eu/eli/ontology#based_on")))
    target = next(g.objects(axiom, OWL.annotatedTarget))
    g.remove((axiom, None, None))
    conforms, report = validate(g)
    assert not conforms
    assert "has no vn:Assertion with its provenance" in report
    assert str(target) in report


def test_assertion_about_a_missing_triple_and_bad_dates_are_reported(seeds: list[dict]) -> None:
    g = _seed_graph(seeds)
    plan = next(s for s in g.subjects(URIRef(VN + "sourceSha256"), None) if (s, URIRef(VN + "hasTask"), None) in g)
    basis = next(g.objects(plan, URIRef("http://data.europa.eu/eli/ontology#based_on")))
    g.remove((plan, URIRef("http://data.europa.eu/eli/ontology#based_on"), basis))
    # A time frame that ends before it begins, and a date that is not a date.
    task_interval = next(i for i in g.subjects(rdflib.RDF.type, URIRef(TIME + "ProperInterval"))
                         if (i, URIRef(TIME + "hasBeginning"), None) in g and (i, URIRef(TIME + "hasEnd"), None) in g)
    end_instant = next(g.objects(task_interval, URIRef(TIME + "hasEnd")))
    g.set((end_instant, URIRef(TIME + "inXSDDate"), Literal("2000-01-01", datatype=XSD_DATE)))
    g.set((plan, URIRef("http://data.europa.eu/eli/ontology#date_document"), Literal("31/12/2021")))
    conforms, report = validate(g)
    assert not conforms
    assert "annotates a triple that is not in the graph" in report
    assert "ends (2000-01-01) before it begins" in report
    assert "date_document" in report


def test_task_without_lead_is_a_warning_not_a_violation(seeds: list[dict]) -> None:
    g = _seed_graph(seeds)
    task = next(g.subjects(rdflib.RDF.type, URIRef(VN + "Task")))
    for org in list(g.objects(task, URIRef(VN + "leadAgency"))):
        g.remove((task, URIRef(VN + "leadAgency"), org))
        for a in list(g.subjects(OWL.annotatedTarget, org)):
            if (a, OWL.annotatedSource, task) in g:
                g.remove((a, None, None))
    conforms, report = validate(g)
    assert conforms
    assert "A task without a lead agency" in report and "sh:Warning" in report


def test_validate_accepts_files_and_the_cli_reports_failures(tmp_path: Path, seeds: list[dict],
                                                             seed_outputs: Path) -> None:
    path = tmp_path / "g.ttl"
    _seed_graph(seeds, 4).serialize(path, format="turtle")
    assert validate(path)[0]
    assert len(store_union_graph(open_store(seed_outputs))) > 9_000  # the five seeds, all graphs
    result = CliRunner().invoke(app, ["validate", "--outputs", str(seed_outputs)])
    assert result.exit_code == 0 and "conforms" in result.output
    # A broken graph published as a store: `vanban validate` exits 1 with the report.
    item = dict(seeds[4])
    record = dict(item["record"])
    record["document"] = dict(record["document"], date="2022-13-45")
    broken = tmp_path / "broken"
    support.build_outputs(broken, [{**item, "record": record}])
    result = CliRunner().invoke(app, ["validate", "--outputs", str(broken)])
    assert result.exit_code == 1
    assert "Graph <https://w3id.org/vanban/graph/004_73fa6a4ca7d894cc.txt>" in result.output
    assert "Result Path: eli:date_document" in result.output
    assert "Value is not Literal with datatype xsd:date" in result.output
