"""The store checks at scale: SPARQL constraints on Oxigraph, cached verdicts, dangling IRIs.

Each seed graph is broken in its own way (one per SPARQL constraint, one core constraint), published,
and checked: every failure is reported under its document's graph, whether it was validated now or
read from the cache.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import shacl
from graph.shacl import CACHE_FILE, check_store, sparql_constraints, sparql_violations, validate_store
from graph.store import open_store, publish_store, read_manifest
from tests import test_graph_support as support

seeds = support.seeds
ELI = "http://data.europa.eu/eli/ontology#"
OWL = "http://www.w3.org/2002/07/owl#"
TIME = "http://www.w3.org/2006/time#"
VN = "https://w3id.org/vanban/ontology#"
PREFIX = "https://w3id.org/vanban/id/"
NOWHERE = PREFIX + "doc/nowhere/1-qd"


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _edit(path: Path, edit) -> None:
    """Apply ``edit(store, graph)`` to the one named graph of an N-Quads file, in place."""
    store = ox.Store()
    store.load(path.read_bytes(), format=ox.RdfFormat.N_QUADS)
    graph = next(iter(store.named_graphs()))
    edit(store, graph)
    path.write_bytes(store.dump(format=ox.RdfFormat.N_QUADS))


def _first(store: ox.Store, s=None, p=None, o=None, g=None) -> ox.Quad:
    return next(iter(store.quads_for_pattern(s, p, o, g)))


def _drop_provenance(store: ox.Store, g) -> None:
    axiom = _first(store, None, _nn(OWL + "annotatedProperty"), _nn(ELI + "based_on"), g).subject
    for q in list(store.quads_for_pattern(axiom, None, None, g)):
        store.remove(q)


def _drop_annotated_edge(store: ox.Store, g) -> None:
    store.remove(_first(store, None, _nn(ELI + "based_on"), None, g))


def _reverse_interval(store: ox.Store, g) -> None:
    for q in store.quads_for_pattern(None, _nn(TIME + "hasBeginning"), None, g):
        if any(store.quads_for_pattern(q.subject, _nn(TIME + "hasEnd"), None, g)):
            end = _first(store, q.subject, _nn(TIME + "hasEnd"), None, g).object
            old = _first(store, end, _nn(TIME + "inXSDDate"), None, g)
            store.remove(old)
            store.add(ox.Quad(end, old.predicate, ox.Literal("2000-01-01", datatype=old.object.datatype), g))
            return
    raise AssertionError("no interval with both ends")


def _bad_date(store: ox.Store, g) -> None:
    old = _first(store, None, _nn(ELI + "date_document"), None, g)
    store.remove(old)
    store.add(ox.Quad(old.subject, old.predicate, ox.Literal("31/12/2021"), g))


def _dangling_link(store: ox.Store, g) -> None:
    plan = _first(store, None, _nn(VN + "sourceSha256"), None, g).subject
    store.add(ox.Quad(plan, _nn("http://www.w3.org/2000/01/rdf-schema#seeAlso"), _nn(NOWHERE), g))


# Graph (by sorted position) -> how it is broken and what the report must say.  Only seed 0 has
# intervals with both ends; seeds 0, 2 and 4 state a basis (eli:based_on).
BREAKS = {
    0: (_reverse_interval, "ends (2000-01-01) before it begins"),
    1: (_bad_date, "Value is not Literal with datatype xsd:date"),
    2: (_drop_provenance, "has no vn:Assertion with its provenance"),
    4: (_drop_annotated_edge, "annotates a triple that is not in the graph"),
}
DANGLING_AT = 3


@pytest.fixture()
def broken(tmp_path: Path, seeds: list[dict]) -> tuple[Path, dict[str, Path]]:
    """Outputs whose graphs each break one constraint (BREAKS), but one that conforms and links to
    an IRI no graph describes."""
    outputs = tmp_path / "outputs"
    graphs = support.write_graphs(outputs / "work" / "graphs", seeds)
    for n, iri in enumerate(sorted(graphs)):
        _edit(graphs[iri], BREAKS[n][0] if n in BREAKS else _dangling_link)
    publish_store(outputs, graphs)
    return outputs, graphs


def _section(report: str, iri: str) -> str:
    start = report.index(f"Graph <{iri}>:")
    end = report.find("\nGraph <", start + 1)
    return report[start:] if end < 0 else report[start:end]


def test_sparql_constraints_come_from_the_shapes_file() -> None:
    constraints = sparql_constraints()
    assert len(constraints) == 3
    assert {c.focus for c in constraints} == {"https://w3id.org/vanban/shapes#graph"}
    assert all(f"GRAPH ?{shacl._GRAPH_VAR}" in c.query for c in constraints)
    assert any("ends ({?end}) before it begins" in c.message for c in constraints)
    core = shacl._core_shapes()
    assert not list(core.triples((None, shacl.SH.sparql, None)))
    assert not list(core.triples((None, shacl.SH.select, None)))
    assert len(core) > 100  # the core shapes are all still there


def test_every_broken_constraint_fails_under_its_document(broken, tmp_path: Path) -> None:
    outputs, graphs = broken
    cache = tmp_path / CACHE_FILE
    first = check_store(outputs, cache_path=cache, workers=2, iri_prefix=PREFIX)
    iris = sorted(graphs)
    assert not first.conforms
    assert first.validated == 5 and first.from_cache == 0
    assert first.failing == [iris[n] for n in sorted(BREAKS)]
    for n, (_, message) in BREAKS.items():
        assert message in _section(first.report, iris[n]), iris[n]
    assert first.report.startswith("Validated 5 named graphs: violations found.")
    assert first.dangling == [NOWHERE]

    # Nothing changed: every verdict comes from the cache, failures still named per document.
    second = check_store(outputs, cache_path=cache, workers=2, iri_prefix=PREFIX)
    assert second.from_cache == 5 and second.validated == 0
    assert (second.conforms, second.failing, second.dangling) == (False, first.failing, [NOWHERE])
    for n, (_, message) in BREAKS.items():
        assert message in _section(second.report, iris[n])

    # The same constraints over the published store at once name the same graphs.
    store_wide = sparql_violations(open_store(outputs))
    assert sorted(store_wide) == [iris[n] for n in (0, 2, 4)]
    assert sparql_violations(open_store(outputs), graphs=[iris[2], iris[3]]).keys() == {iris[2]}

    data = json.loads(cache.read_text(encoding="utf-8"))
    assert sorted(data["verdicts"]) == sorted(e["nquads_sha256"] for e in read_manifest(outputs)["graphs"].values())


def test_only_changed_graphs_are_validated_again(tmp_path: Path, seeds: list[dict]) -> None:
    outputs = tmp_path / "outputs"
    graphs = support.write_graphs(outputs / "work" / "graphs", seeds)
    publish_store(outputs, graphs)
    cache = tmp_path / CACHE_FILE
    first = check_store(outputs, cache_path=cache, workers=1, iri_prefix=PREFIX)
    assert first.conforms and first.validated == 5 and first.dangling == []

    changed = sorted(graphs)[0]
    _edit(graphs[changed], _reverse_interval)
    publish_store(outputs, graphs)
    second = check_store(outputs, cache_path=cache, workers=1, iri_prefix=PREFIX)
    assert (second.validated, second.from_cache) == (1, 4)
    assert not second.conforms and second.failing == [changed]
    assert "ends (2000-01-01) before it begins" in _section(second.report, changed)

    # A cache made by other shapes (or another prefix) is not trusted.
    assert check_store(outputs, cache_path=cache, workers=1, iri_prefix=PREFIX + "x/").validated == 5
    payload = json.loads(cache.read_text(encoding="utf-8"))
    payload["key"] = "0" * 64
    cache.write_text(json.dumps(payload), encoding="utf-8")
    assert validate_store(outputs, cache_path=cache, workers=1)[1].count("5 validated") == 1


def test_a_work_file_edited_after_publish_is_read_from_the_store(tmp_path: Path, seeds: list[dict]) -> None:
    outputs = tmp_path / "outputs"
    graphs = support.write_graphs(outputs / "work" / "graphs", seeds)
    publish_store(outputs, graphs)
    iri = sorted(graphs)[0]
    assert read_manifest(outputs)["graphs"][iri]["file"] == str(graphs[iri])
    _edit(graphs[iri], _bad_date)  # not published: the store still holds the valid graph
    graphs[sorted(graphs)[1]].unlink()  # a vanished work file: read from the store as well
    result = check_store(outputs, workers=1)
    assert result.conforms and result.validated == 5, result.report


def test_the_asset_checks_report_failures_and_dangling_iris(broken, tmp_path: Path) -> None:
    from pipelines.checks import no_dangling_iris, shacl_shapes_conform
    from pipelines.resources import VanbanResource

    outputs, graphs = broken
    resource = VanbanResource(root=str(tmp_path), outputs_dir=str(outputs), raw_dir=str(tmp_path / "raw"),
                              inbox_dir=str(tmp_path / "inbox"), quarantine_dir=str(tmp_path / "q"), draw=False)
    result = shacl_shapes_conform(vanban=resource)
    assert not result.passed
    assert result.metadata["failing"].value == 4 and result.metadata["validated"].value == 5
    assert (outputs / "work" / CACHE_FILE).is_file()
    dangling = no_dangling_iris(vanban=resource)
    assert not dangling.passed and dangling.metadata["iris"].value == NOWHERE
    again = shacl_shapes_conform(vanban=resource)
    assert not again.passed and again.metadata["from_cache"].value == 5
    assert sorted(graphs)[1] in again.metadata["report"].value


def test_verdicts_computed_beside_the_load_are_what_the_check_would_find(broken, tmp_path: Path) -> None:
    """prevalidate (another process, during publishing) fills the cache with the verdicts a cold check
    computes; the check then validates nothing, names the same failures and prunes replaced graphs."""
    from pipelines.atomic import file_sha256

    outputs, graphs = broken
    cold = check_store(outputs, cache_path=tmp_path / "cold.json", workers=1, iri_prefix=PREFIX)
    files = [(iri, str(path), file_sha256(path)) for iri, path in sorted(graphs.items())]
    warm = tmp_path / "warm.json"
    with shacl.prevalidate(files, warm, workers=2, iri_prefix=PREFIX, minimum=1):
        pass  # the store load would run here
    cold_cache = json.loads((tmp_path / "cold.json").read_text(encoding="utf-8"))
    assert json.loads(warm.read_text(encoding="utf-8")) == cold_cache
    checked = check_store(outputs, cache_path=warm, workers=1, iri_prefix=PREFIX)
    assert (checked.validated, checked.from_cache) == (0, 5)
    assert (checked.failing, checked.dangling) == (cold.failing, cold.dangling)
    # Same report but for the summary's count of cached verdicts.
    assert checked.report.split("\n", 1)[1] == cold.report.split("\n", 1)[1]

    # Below the minimum nothing is started; a graph replaced later leaves its old verdict to be pruned.
    assert shacl.warm_cache(files, warm, workers=1, iri_prefix=PREFIX) == 0
    changed = sorted(graphs)[3]
    _edit(graphs[changed], _bad_date)
    publish_store(outputs, graphs)
    files = [(iri, str(path), file_sha256(path)) for iri, path in sorted(graphs.items())]
    assert shacl.warm_cache(files, warm, workers=1, iri_prefix=PREFIX) == 1
    assert len(json.loads(warm.read_text(encoding="utf-8"))["verdicts"]) == 6
    again = check_store(outputs, cache_path=warm, workers=1, iri_prefix=PREFIX)
    assert again.validated == 0 and changed in again.failing
    assert len(json.loads(warm.read_text(encoding="utf-8"))["verdicts"]) == 5
