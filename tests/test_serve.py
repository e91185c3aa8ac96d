"""`vanban serve`: Oxigraph's read-only SPARQL 1.1 Protocol server over the published store."""

from __future__ import annotations

import copy
import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from graph.store import publish_store, resolve_store_dir
from tests import test_graph_support as support

seeds = support.seeds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen) -> None:
    # Polls readiness (not a timed assertion): gives up only if the server died or never listens.
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError(f"vanban serve exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} never answered")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    """One server for the module, on its own outputs folder (a test publishes new versions into it)."""
    outputs = tmp_path_factory.mktemp("served") / "outputs"
    support.build_outputs(outputs, copy.deepcopy(list(support._cached_records())))
    port = _free_port()
    cmd = [sys.executable, "-m", "pipelines.cli", "serve", "--port", str(port), "--timeout-s", "1",
           "--outputs", str(outputs)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=Path(__file__).resolve().parent.parent)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/", proc)
        yield f"http://127.0.0.1:{port}", outputs, proc, resolve_store_dir(outputs)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _sparql(base: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{base}/query")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setTimeout(60)
    return client


def test_serve_answers_json_and_csv_over_the_union_of_graphs(server) -> None:
    base = server[0]
    query = """PREFIX vn: <https://w3id.org/vanban/ontology#>
               PREFIX eli: <http://data.europa.eu/eli/ontology#>
               SELECT ?basis WHERE { ?plan vn:docNumber "397/KH-UBND" ; eli:based_on/vn:docNumber ?basis }
               ORDER BY ?basis"""
    result = _sparql(base, query, JSON).queryAndConvert()
    assert [b["basis"]["value"] for b in result["results"]["bindings"]] == [
        "09-NQ/TU", "2703/QĐ-UBND", "273/KH-UBND", "76/NQ-CP"]
    count = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d <https://w3id.org/vanban/ontology#sourceFile> ?f }"
    raw = _sparql(base, count, CSV).queryAndConvert()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8") if isinstance(raw, bytes) else raw)))
    # Two subjects per document carry vn:sourceFile: the document and its named graph.
    assert rows == [{"n": "10"}]


def test_serve_refuses_updates(server) -> None:
    base, _, _, served = server
    before = sorted(p.name for p in served.iterdir())
    client = SPARQLWrapper(f"{base}/update")
    client.setMethod("POST")
    client.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as info:
        client.query()
    assert "403" in str(info.value) or "Forbidden" in str(info.value)
    ask = _sparql(base, "ASK { <http://example.org/a> ?p ?o }", JSON).queryAndConvert()
    assert ask["boolean"] is False
    assert sorted(p.name for p in served.iterdir()) == before


def test_runaway_query_is_cut_off_by_the_timeout(server) -> None:
    base = server[0]
    # A filtered cross product over ~11k triples (~10^8 string comparisons): embedded pyoxigraph
    # had not finished it after 5 minutes; with --timeout-s 1 the server cancels it.
    runaway = """SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . FILTER(STR(?c) = CONCAT(STR(?f), "never")) } LIMIT 1"""
    req = urllib.request.Request(
        f"{base}/query", data=urllib.parse.urlencode({"query": runaway}).encode(),
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(req, timeout=120) as resp:
        body = resp.read().decode("utf-8", "replace")
    assert "cancelled" in body  # Oxigraph streams the header, then reports the cancellation
    # The server is still serving afterwards.
    ok = _sparql(base, "ASK { ?s ?p ?o }", JSON).queryAndConvert()
    assert ok["boolean"] is True


def test_serving_pins_its_version_and_builds_switch_beside_it(server, seeds: list[dict]) -> None:
    base, outputs, proc, served = server
    assert (served.with_name(served.name + ".readers") / str(proc.pid)).exists()
    # Rebuild twice without one document while the server runs: the served version stays intact.
    graphs = support.write_graphs(outputs / "rebuild", seeds[:4])
    publish_store(outputs, graphs)
    publish_store(outputs, graphs)
    assert resolve_store_dir(outputs) != served and served.is_dir()
    q = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    result = _sparql(base, q, JSON).queryAndConvert()
    assert result["results"]["bindings"][0]["n"]["value"] == "5"


def test_serve_without_store_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "serve", "--outputs", str(tmp_path)],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
                          env={**os.environ}, timeout=60)
    assert done.returncode == 2 and "no published store" in done.stderr
