"""A SPARQL server as the store: Graph Store Protocol to write, SPARQL Protocol to read.

``--store`` URLs name the server with a ``sparql+`` scheme prefix::

    sparql+http://HOST:PORT            Oxigraph server: /query, /update, /store
    sparql+http://HOST:PORT/ds         Apache Jena Fuseki dataset "ds": /ds/query, /ds/update, /ds/data
    sparql+https://...                 the same over TLS (e.g. behind a reverse proxy)

A URL with an empty path is taken as Oxigraph's layout, a URL with a path as a
Fuseki dataset.  Either can be forced with ``?layout=oxigraph`` or
``?layout=fuseki``; ``?union-default-graph`` asks Oxigraph to query the union of
the named graphs as the default graph (Fuseki: set ``tdb2:unionDefaultGraph``
in the dataset configuration instead).

Each source document is one named graph, written with a Graph Store Protocol
``PUT ?graph=IRI`` (201 Created, 204 No Content on replace).  GSP bodies are
triples, so the document's N-Quads are converted to N-Triples of that graph.
Every graph carries one extra triple ``<graph> <urn:vanban:publish#nquadsSha256>
"…"``: the hash of the N-Quads it was written from.  That is how
:func:`publish_remote` knows which graphs are current without a side file, and
it travels with the graph, so a crash half-way leaves no stale bookkeeping.

No authentication is sent or supported here: Oxigraph's server has none.  Keep
its write endpoints on loopback or behind a proxy that authenticates (see
docs/scaling.md).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlencode, urlsplit

if TYPE_CHECKING:
    from graph.store import GraphFile

PUBLISH_SHA = "urn:vanban:publish#nquadsSha256"
DEFAULT_TIMEOUT_S = 300.0


class RemoteStoreError(RuntimeError):
    """An HTTP exchange with the store server failed; the message names the URL, status and reason."""


@dataclass(frozen=True)
class Endpoints:
    scheme: str  # http | https
    host: str
    port: int
    query: str  # request paths
    update: str
    store: str
    union_default_graph: bool

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


def parse_store_url(url: str) -> Endpoints:
    """Map a ``sparql+http(s)://`` URL to the server's query, update and graph-store paths."""
    parts = urlsplit(url)
    scheme = parts.scheme.removeprefix("sparql+")
    if not parts.scheme.startswith("sparql+") or scheme not in ("http", "https"):
        raise ValueError(f"{url}: store URL must start with sparql+http:// or sparql+https://")
    if not parts.hostname:
        raise ValueError(f"{url}: store URL has no host")
    params = parse_qs(parts.query, keep_blank_values=True)
    path = parts.path.rstrip("/")
    layout = (params.get("layout") or ["fuseki" if path else "oxigraph"])[0]
    if layout == "oxigraph":
        query, update, store = f"{path}/query", f"{path}/update", f"{path}/store"
    elif layout == "fuseki":
        if not path:
            raise ValueError(f"{url}: a Fuseki URL names the dataset, e.g. sparql+http://HOST:3030/ds")
        query, update, store = f"{path}/query", f"{path}/update", f"{path}/data"
    else:
        raise ValueError(f"{url}: unknown layout {layout!r} (oxigraph or fuseki)")
    return Endpoints(
        scheme=scheme,
        host=parts.hostname,
        port=parts.port or (443 if scheme == "https" else 80),
        query=query,
        update=update,
        store=store,
        union_default_graph="union-default-graph" in params,
    )


def nquads_to_ntriples(nquads: bytes, graph_iri: str) -> bytes:
    """The triples of ``graph_iri`` (and of the default graph) as N-Triples.

    Quads of any other named graph are an error: a document's N-Quads must hold only its own graph.
    """
    import pyoxigraph as ox

    triples = []
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        g = quad.graph_name
        if isinstance(g, ox.NamedNode) and g.value != graph_iri:
            raise ValueError(f"N-Quads for <{graph_iri}> contain a quad of another graph <{g.value}>")
        triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


class RemoteStore:
    """A SPARQL 1.1 server reached over HTTP (one keep-alive connection, reopened when dropped)."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.url = url
        self.endpoints = parse_store_url(url)
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    # ------------------------------------------------------------------ HTTP
    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self.endpoints.scheme == "https" else http.client.HTTPConnection
            self._conn = cls(self.endpoints.host, self.endpoints.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """One request; a dropped keep-alive connection is retried once on a fresh one."""
        hdrs = {"Connection": "keep-alive", **(headers or {})}
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=hdrs)
                resp = conn.getresponse()
                return resp.status, resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if attempt == 2:
                    raise RemoteStoreError(f"{self.endpoints.base}{path}: connection lost ({exc})") from exc
            except OSError as exc:
                self.close()
                raise RemoteStoreError(f"{self.endpoints.base}{path}: cannot connect ({exc})") from exc
        raise AssertionError("unreachable")

    def _fail(self, method: str, path: str, status: int, body: bytes) -> RemoteStoreError:
        text = body.decode("utf-8", "replace").strip().replace("\n", " ")[:300]
        return RemoteStoreError(f"{method} {self.endpoints.base}{path}: HTTP {status} {text}")

    def _graph_path(self, iri: str) -> str:
        return f"{self.endpoints.store}?graph={quote(iri, safe='')}"

    # ------------------------------------------------------------------ Graph Store Protocol
    def put_graph(self, iri: str, nquads: bytes, *, nquads_sha256: str | None = None) -> int:
        """Replace named graph ``iri`` with the triples of ``nquads``; returns 201 (created) or 204 (replaced).

        The graph also receives its publish hash triple (see the module docstring).
        """
        import pyoxigraph as ox

        digest = nquads_sha256 or hashlib.sha256(nquads).hexdigest()
        stamp = ox.serialize(
            [ox.Triple(ox.NamedNode(iri), ox.NamedNode(PUBLISH_SHA), ox.Literal(digest))],
            format=ox.RdfFormat.N_TRIPLES,
        )
        body = nquads_to_ntriples(nquads, iri) + (stamp or b"")
        path = self._graph_path(iri)
        status, resp = self.request("PUT", path, body, {"Content-Type": "application/n-triples"})
        if status not in (200, 201, 204):
            raise self._fail("PUT", path, status, resp)
        return status

    def get_graph(self, iri: str) -> bytes | None:
        """The graph as N-Triples, or None when the server does not have it."""
        path = self._graph_path(iri)
        status, body = self.request("GET", path, headers={"Accept": "application/n-triples"})
        if status == 404:
            return None
        if status != 200:
            raise self._fail("GET", path, status, body)
        return body

    def delete_graph(self, iri: str) -> bool:
        """Drop named graph ``iri``; False when it did not exist (404)."""
        path = self._graph_path(iri)
        status, body = self.request("DELETE", path)
        if status == 404:
            return False
        if status not in (200, 204):
            raise self._fail("DELETE", path, status, body)
        return True

    # ------------------------------------------------------------------ SPARQL Protocol
    def query(self, sparql: str) -> dict:
        """Run a SELECT or ASK query; returns the SPARQL 1.1 JSON results document."""
        path = self.endpoints.query
        if self.endpoints.union_default_graph:
            path += "?" + urlencode({"union-default-graph": ""})
        status, body = self.request(
            "POST",
            path,
            sparql.encode("utf-8"),
            {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": "application/sparql-results+json"},
        )
        if status != 200:
            raise self._fail("POST", path, status, body)
        return json.loads(body)

    def update(self, sparql: str) -> None:
        path = self.endpoints.update
        status, body = self.request(
            "POST", path, sparql.encode("utf-8"), {"Content-Type": "application/sparql-update; charset=utf-8"}
        )
        if status not in (200, 204):
            raise self._fail("POST", path, status, body)

    def graphs(self) -> list[str]:
        """IRIs of the named graphs on the server (sorted)."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")["results"]["bindings"]
        return sorted(r["g"]["value"] for r in rows if r["g"]["type"] == "uri")

    def published(self) -> dict[str, str]:
        """Named graphs this tool wrote, with the N-Quads hash each was written from."""
        rows = self.query(f"SELECT ?g ?sha WHERE {{ GRAPH ?g {{ ?g <{PUBLISH_SHA}> ?sha }} }}")["results"]["bindings"]
        return {r["g"]["value"]: r["sha"]["value"] for r in rows}

    def dump_nquads(self) -> bytes:
        """Every named graph as N-Quads: one GET of the whole dataset (Oxigraph), else graph by graph."""
        status, body = self.request("GET", self.endpoints.store, headers={"Accept": "application/n-quads"})
        if status == 200 and body.lstrip()[:1] in (b"<", b"_", b""):
            return body
        parts = []
        for iri in self.graphs():
            triples = self.get_graph(iri) or b""
            node = f"<{iri}>".encode()
            parts += [line[: line.rfind(b".")] + node + b" .\n" for line in triples.splitlines() if line.strip()]
        return b"".join(parts)

    def triple_count(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")["results"]["bindings"]
        return int(rows[0]["n"]["value"]) if rows else 0




def publish_remote(url: str, graphs: Mapping[str, GraphFile | Path]) -> dict:
    """Make the server hold exactly ``graphs`` (named-graph IRI -> N-Quads file), like ``publish_store``.

    Changed graphs are replaced (PUT), unchanged ones (same N-Quads hash) left alone, and graphs this
    tool published earlier that are no longer wanted are deleted.  Graphs written by anyone else are
    never touched; they are listed under ``foreign``.  Each PUT replaces one graph atomically on the
    server, so readers see every document either in its old or in its new version.
    Returns {added, replaced, removed, unchanged, foreign, triples, url, seconds}.
    """
    from graph.store import StoreError, graph_file

    t0 = time.perf_counter()
    wanted: dict[str, tuple[Path, str | None]] = {}
    for iri, value in graphs.items():
        known = graph_file(value, iri)
        wanted[iri] = (Path(known.path), known.sha256)

    added: list[str] = []
    replaced: list[str] = []
    removed: list[str] = []
    unchanged: list[str] = []
    with RemoteStore(url) as store:
        published = store.published()
        present = set(store.graphs())
        for iri in sorted(set(published) - set(wanted)):
            store.delete_graph(iri)
            removed.append(iri)
        for iri, (path, digest) in sorted(wanted.items()):
            if published.get(iri) == digest:
                unchanged.append(iri)
                continue
            try:
                status = store.put_graph(iri, path.read_bytes(), nquads_sha256=digest)
            except (SyntaxError, ValueError) as exc:
                raise StoreError(f"{path}: cannot load N-Quads for <{iri}> ({exc})") from exc
            (replaced if status == 204 or iri in present else added).append(iri)
        foreign = sorted(present - set(published) - set(wanted))
        # the publish-hash triples are bookkeeping, not data: leave them out as publish_store would
        total = store.triple_count() - len(store.published())
    return {
        "added": added,
        "replaced": replaced,
        "removed": removed,
        "unchanged": unchanged,
        "foreign": foreign,
        "triples": total,
        "url": url,
        "seconds": round(time.perf_counter() - t0, 3),
    }


def snapshot_store(url: str):
    """The server's published graphs copied into an in-memory pyoxigraph Store (bookkeeping triples left out).

    For the readers that need a local store (SHACL checks, exports, the NetworkX projection) when the
    graph lives on a server: ``store = snapshot_store(settings.store_url)`` instead of ``open_store(...)``.
    """
    import pyoxigraph as ox

    with RemoteStore(url) as remote:
        data = remote.dump_nquads()
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    for quad in list(store.quads_for_pattern(None, ox.NamedNode(PUBLISH_SHA), None, None)):
        store.remove(quad)
    return store
