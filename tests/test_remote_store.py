"""The remote store against a real Oxigraph server started on 127.0.0.1 by the test."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.remote import (
    PUBLISH_SHA,
    RemoteStore,
    RemoteStoreError,
    nquads_to_ntriples,
    parse_store_url,
    publish_remote,
    snapshot_store,
)

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "gold"
RAW = ROOT / "data" / "raw"
QUERIES = ROOT / "graph" / "queries"
ELI = "http://data.europa.eu/eli/ontology#"
VN = "https://w3id.org/vanban/ontology#"


def _oxigraph_binary() -> str:
    local = Path(sys.executable).parent / "oxigraph"
    found = str(local) if local.exists() else shutil.which("oxigraph")
    if not found:
        pytest.skip("the oxigraph server binary (pip install oxigraph) is not installed")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``oxigraph serve`` on a free loopback port, union default graph like the embedded queries."""
    location = tmp_path_factory.mktemp("oxigraph")
    port = _free_port()
    proc = subprocess.Popen(
        [
            _oxigraph_binary(),
            "serve",
            "--location",
            str(location / "db"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"oxigraph serve did not start: {err}")
            time.sleep(0.05)
    try:
        yield f"sparql+http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture()
def store(server: str) -> Iterator[RemoteStore]:
    with RemoteStore(server) as s:
        for g in s.graphs():  # every test starts from an empty server
            s.delete_graph(g)
        yield s


@pytest.fixture(scope="module")
def gold_graphs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One N-Quads file per gold record, built by graph.build (as the pipeline does); read-only."""
    from graph.build import document_graph_nquads

    graphs: dict[str, Path] = {}
    out = tmp_path_factory.mktemp("gold_graphs")
    for path in sorted(GOLD.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        sha = hashlib.sha256((RAW / record["source"]).read_bytes()).hexdigest()
        iri, data = document_graph_nquads(record, source_name=record["source"], source_sha256=sha)
        target = out / f"{path.stem}.nq"
        target.write_bytes(data)
        graphs[iri] = target
    return graphs


def test_store_url_maps_to_server_endpoints() -> None:
    ox_ep = parse_store_url("sparql+http://127.0.0.1:7878")
    assert (ox_ep.query, ox_ep.update, ox_ep.store, ox_ep.port) == ("/query", "/update", "/store", 7878)
    fu = parse_store_url("sparql+https://kg.example.org/vanban")
    assert (fu.scheme, fu.port, fu.query, fu.update, fu.store) == (
        "https",
        443,
        "/vanban/query",
        "/vanban/update",
        "/vanban/data",
    )
    assert parse_store_url("sparql+http://h:1/x?layout=oxigraph").store == "/x/store"
    assert parse_store_url("sparql+http://h:1?union-default-graph").union_default_graph
    for bad in ("http://h:1", "sparql+ftp://h", "sparql+http://h:1/?layout=fuseki", "sparql+http://h:1?layout=x"):
        with pytest.raises(ValueError, match=r"store URL|layout|Fuseki"):
            parse_store_url(bad)


def test_nquads_become_triples_of_one_graph() -> None:
    g = "https://example.org/g"
    nq = f'<https://e/a> <https://e/p> "x"@vi <{g}> .\n<https://e/a> <https://e/q> "1" .\n'.encode()
    triples = list(ox.parse(nquads_to_ntriples(nq, g), format=ox.RdfFormat.N_TRIPLES))
    assert {(t.predicate.value, t.object.value) for t in triples} == {("https://e/p", "x"), ("https://e/q", "1")}
    with pytest.raises(ValueError, match="another graph"):
        nquads_to_ntriples(b"<https://e/a> <https://e/p> <https://e/b> <https://other/g> .\n", g)


def test_put_creates_then_replaces_and_delete_reports_missing(store: RemoteStore) -> None:
    g = "https://w3id.org/vanban/test/graph"
    first = '<https://e/s> <https://e/p> "một" <https://w3id.org/vanban/test/graph> .\n'.encode()
    second = b'<https://e/s> <https://e/p> "hai" <https://w3id.org/vanban/test/graph> .\n'
    assert store.put_graph(g, first) == 201
    assert store.put_graph(g, second) == 204
    body = store.get_graph(g)
    assert body is not None
    values = {t.object.value for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}
    assert values == {"hai", hashlib.sha256(second).hexdigest()}  # replaced, not merged; plus its hash
    assert store.graphs() == [g]
    assert store.published() == {g: hashlib.sha256(second).hexdigest()}
    assert store.delete_graph(g) is True
    assert store.delete_graph(g) is False
    assert store.get_graph(g) is None


def test_publish_remote_replaces_changed_removes_missing_keeps_rest(
    store: RemoteStore, server: str, tmp_path: Path, gold_graphs: dict[str, Path]
) -> None:
    graphs = gold_graphs
    iris = sorted(graphs)
    # a graph another tool wrote (no publish hash): publish_remote must leave it alone
    status, _ = store.request(
        "PUT",
        "/store?graph=https%3A%2F%2Fexample.org%2Fsomeone-else",
        b'<https://e/s> <https://e/p> "x" .\n',
        {"Content-Type": "application/n-triples"},
    )
    assert status == 201

    first = publish_remote(server, graphs)
    assert sorted(first["added"]) == iris and not first["replaced"] and not first["removed"]
    assert first["foreign"] == ["https://example.org/someone-else"]
    embedded = ox.Store()
    for path in graphs.values():
        embedded.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    assert first["triples"] == len(embedded) + 1  # plus the foreign graph's one triple

    again = publish_remote(server, graphs)
    assert sorted(again["unchanged"]) == iris and not (again["added"] or again["replaced"] or again["removed"])

    changed_iri, dropped_iri = iris[0], iris[-1]
    edited = tmp_path / "edited.nq"
    edited.write_bytes(
        graphs[changed_iri].read_bytes() + f'<{changed_iri}> <{ELI}title> "sửa đổi"@vi <{changed_iri}> .\n'.encode()
    )
    wanted = {**graphs, changed_iri: edited}
    del wanted[dropped_iri]
    third = publish_remote(server, wanted)
    assert third["replaced"] == [changed_iri]
    assert third["removed"] == [dropped_iri]
    assert sorted(third["unchanged"]) == iris[1:-1]
    assert set(store.graphs()) == set(wanted) | {"https://example.org/someone-else"}
    rows = store.query(f'ASK {{ GRAPH <{changed_iri}> {{ <{changed_iri}> <{ELI}title> "sửa đổi"@vi }} }}')
    assert rows["boolean"] is True


def test_publish_remote_names_missing_file(server: str, tmp_path: Path) -> None:
    from graph.store import StoreError

    with pytest.raises(StoreError, match=r"missing\.nq"):
        publish_remote(server, {"https://e/g": tmp_path / "missing.nq"})


def test_unreachable_server_is_a_clear_error() -> None:
    with (
        RemoteStore(f"sparql+http://127.0.0.1:{_free_port()}") as s,
        pytest.raises(RemoteStoreError, match=r"127\.0\.0\.1"),
    ):
        s.graphs()


def _embedded_rows(store: ox.Store, sparql: str) -> object:
    result = store.query(sparql, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    variables = [v.value for v in result.variables]
    return sorted(tuple(_term_key(sol[v]) for v in variables) for sol in result)


def _term_key(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:b"  # labels are local to each store
    if isinstance(term, ox.Literal) and term.language is None and term.datatype.value.endswith("#string"):
        # GROUP_CONCAT order is unspecified in SPARQL: compare the set of concatenated parts
        for sep in (" | ", ", "):
            if sep in term.value:
                return str(ox.Literal(sep.join(sorted(term.value.split(sep)))))
    if isinstance(term, ox.Literal) and term.language and " | " in term.value:
        return str(ox.Literal(" | ".join(sorted(term.value.split(" | "))), language=term.language))
    return str(term)


def _remote_rows(store: RemoteStore, sparql: str) -> object:
    doc = store.query(sparql)
    if "boolean" in doc:
        return doc["boolean"]
    variables = doc["head"]["vars"]
    rows = []
    for b in doc["results"]["bindings"]:
        row = []
        for v in variables:
            t = b.get(v)
            if t is None:
                row.append("")
            elif t["type"] == "uri":
                row.append(str(ox.NamedNode(t["value"])))
            elif t["type"] == "bnode":
                row.append("_:b")
            elif "xml:lang" in t:
                row.append(_term_key(ox.Literal(t["value"], language=t["xml:lang"])))
            else:
                dt = t.get("datatype")
                row.append(
                    _term_key(ox.Literal(t["value"], datatype=ox.NamedNode(dt)) if dt else ox.Literal(t["value"]))
                )
        rows.append(tuple(row))
    return sorted(rows)


BASELINE_QUERIES = {
    # lineage up (transitive legal basis), and a group-by: the two shapes the benchmark times
    "lineage": (f"SELECT DISTINCT ?doc ?basis WHERE {{ ?doc (<{ELI}based_on>|<{VN}implements>)+ ?basis }}"),
    "per_graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
}


def test_saved_queries_answer_the_same_embedded_and_remote(
    store: RemoteStore, server: str, tmp_path: Path, gold_graphs: dict[str, Path]
) -> None:
    graphs = gold_graphs
    publish_remote(server, graphs)
    embedded = ox.Store()
    for iri, path in graphs.items():
        embedded.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        # the same bookkeeping triple the remote graph carries, so whole-graph counts agree too
        embedded.add(
            ox.Quad(
                ox.NamedNode(iri),
                ox.NamedNode(PUBLISH_SHA),
                ox.Literal(hashlib.sha256(path.read_bytes()).hexdigest()),
                ox.NamedNode(iri),
            )
        )
    queries = dict(BASELINE_QUERIES)
    queries.update({p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.rq"))})
    answered = 0
    for name, sparql in queries.items():
        try:
            want = _embedded_rows(embedded, sparql)
        except (SyntaxError, ValueError) as exc:  # a template needing parameters: not runnable as is
            pytest.fail(f"saved query {name} does not run on the embedded store: {exc}")
        got = _remote_rows(store, sparql)
        assert got == want, name
        answered += bool(want)
    assert answered >= 2  # at least the baseline queries return rows on the gold graphs


def test_snapshot_copies_published_graphs_without_bookkeeping(
    store: RemoteStore, server: str, tmp_path: Path, gold_graphs: dict[str, Path]
) -> None:
    graphs = gold_graphs
    publish_remote(server, graphs)
    embedded = ox.Store()
    for path in graphs.values():
        embedded.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    copy = snapshot_store(server)
    assert set(copy) == set(embedded)
    assert {g.value for g in copy.named_graphs()} == set(graphs)


def test_build_with_a_store_url_publishes_checks_and_exports_from_the_server(
    store: RemoteStore, server: str, tmp_path: Path
) -> None:
    import csv

    from dagster import DagsterInstance

    from pipelines.runner import run_build
    from pipelines.settings import Settings
    from tests.conftest import copy_corpus

    root = tmp_path / "project"
    copy_corpus(root / "data" / "raw")
    settings = Settings.from_root(root, store_url=server, draw=True)
    with DagsterInstance.ephemeral() as instance:
        report = run_build(settings, instance=instance)
    assert report.success and not report.problems, report.problems
    assert not (settings.outputs_dir / "store").exists()  # nothing embedded: the server holds the graph
    assert len(store.published()) == 5
    with (settings.outputs_dir / "tasks.csv").open(encoding="utf-8") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == report.tasks > 100
    assert report.triples > 10_000
    for name in ("graph.trig", "citations.csv", "agencies.csv", "graph.html"):
        assert (settings.outputs_dir / name).stat().st_size > 1000, name
