"""Exports of the published store: TriG, Turtle, JSON-LD, GraphML and CSV tables (pandas).

Each file is written to a temporary name and renamed into place, so a reader sees the old
export or the new one, never half of either.

Every export streams: nothing holds the whole graph as Python objects.  Decoding the store's
terms (RocksDB lookups) costs about 5 µs a quad, so the store is decoded once, by Oxigraph, into
graph.trig; JSON-LD is re-serialised by Oxigraph from that file, which parses about four times
faster than the store decodes, and Turtle is that file's text with the graph blocks taken away
(:func:`_turtle_of_trig`).  JSON-LD gets its compact IRIs from parsing the TriG
with each prefix bound to its own name (see _CompactIriReader).  GraphML is written straight from
the projection's queries (graph/network.py) and tasks.csv in chunks.  In ``write_exports`` the
three RDF files are written by a child process while this one queries graph.graphml and
tasks.csv; citations.csv and agencies.csv go to whichever process ends first.

graph.ttl is the union of the document graphs: a triple stated in several documents (a widely
cited instrument's title, an agency's name) is written once per stating graph.  An RDF graph is
a set, so every parser merges the repeats; removing them would need a set of every triple.

Measured at 1,000 plans (2.3 M quads) on 2 cores (benchmarks/bench_exports.py): 12.5-13.6 s wall
for all seven files, peak RSS 284 MB in this process and 176 MB in the child; 14.3-15.5 s in
alternating runs before Turtle was moved out of the TriG text (21.9 s at an earlier 2.5 M quads,
121 s before the streamed exports).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyoxigraph as ox

from graph.iris import PREFIXES, RDF, SCHEME, XSD
from graph.network import write_graphml
from graph.query import (
    GRAPHS_PER_QUERY,
    batched_rows,
    iter_tasks,
    ordered_graph_batches,
    select,
    solutions,
    sort_key,
    tasks,
)
from graph.store import ConcatenatedFiles, as_binary_io, open_store, read_manifest
from pipelines.atomic import file_sha256, write_atomic

# Facts are read in the citing document's graph (GRAPH ?g): see graph/network.py on union repeats.
# The VALUES in the annotation OPTIONAL keeps its right-hand side to citation annotations (Oxigraph
# evaluates it on its own before the join): 2.7 s instead of 6.1 s at 1,000 plans, same rows.
_CITATIONS = """
SELECT ?source ?citing ?citingNumber ?relation ?cited ?citedNumber (SAMPLE(?issuer_) AS ?citedIssuer)
       (SAMPLE(?date_) AS ?citedDate) (SAMPLE(?title_) AS ?citedTitle) (SAMPLE(?quote_) AS ?quote)
       (SAMPLE(?start_) AS ?start) (SAMPLE(?end_) AS ?end) WHERE {
  GRAPH ?g {
    { ?citing eli:based_on ?cited BIND(eli:based_on AS ?p) }
    UNION { ?citing vn:implements ?cited BIND(vn:implements AS ?p) }
    UNION { ?citing eli:cites ?cited BIND(eli:cites AS ?p) }
    ?citing vn:sourceFile ?source .
    OPTIONAL { ?citing vn:docNumber ?citingNumber }
    OPTIONAL { VALUES ?p { eli:based_on vn:implements eli:cites }
               ?a owl:annotatedProperty ?p ; owl:annotatedTarget ?cited ; owl:annotatedSource ?citing .
               OPTIONAL { ?a oa:hasSelector ?qs . ?qs oa:exact ?quote_ }
               OPTIONAL { ?a oa:hasSelector ?pos . ?pos oa:start ?start_ ; oa:end ?end_ } }
    OPTIONAL { ?cited vn:docNumber ?citedNumber }
    OPTIONAL { ?cited eli:passed_by ?org . ?org skos:prefLabel ?issuer_ }
    OPTIONAL { ?cited eli:date_document ?date_ }
    OPTIONAL { ?cited eli:title ?title_ }
  }
  BIND(IF(?p = vn:implements, "implements", IF(?p = eli:based_on, "based_on", "cites")) AS ?relation)
}
GROUP BY ?source ?citing ?citingNumber ?relation ?cited ?citedNumber
ORDER BY ?source ?relation ?citedNumber ?citing ?cited
"""
# Every graph's source file, to query citations a few graphs at a time in ?source order.
_SOURCE_GRAPHS = "SELECT DISTINCT ?g ?source WHERE { GRAPH ?g { ?d vn:sourceFile ?source } }"
# Documents of the corpus: a cited instrument among them is "inCorpus" (whichever graph describes it).
_CORPUS_DOCUMENTS = "SELECT DISTINCT ?d WHERE { GRAPH ?g { ?d vn:sourceFile ?source } }"
CITATION_COLUMNS = ("source", "citing", "citingNumber", "relation", "cited", "citedNumber", "citedIssuer",
                    "citedDate", "citedTitle", "quote", "start", "end", "inCorpus")
_AGENCIES = """
SELECT ?agency ?name ?province ?type ?aliases ?parent ?tasksLed ?tasksCoordinated WHERE {
  { SELECT ?agency (SAMPLE(?name_) AS ?name) (SAMPLE(?province_) AS ?province) (SAMPLE(?type_) AS ?type)
           (SAMPLE(?parent_) AS ?parent) WHERE {
      GRAPH ?g {
        ?agency a cv:PublicOrganisation ; skos:prefLabel ?name_ .
        OPTIONAL { ?agency vn:province ?place . ?place skos:prefLabel ?province_ }
        OPTIONAL { ?agency vn:agencyType ?t . ?t skos:notation ?type_ }
        OPTIONAL { ?agency org:subOrganizationOf ?parent_ }
      }
    } GROUP BY ?agency }
  OPTIONAL { SELECT ?agency (GROUP_CONCAT(DISTINCT ?alt; separator=" | ") AS ?aliases) WHERE {
      GRAPH ?g2 { ?agency skos:altLabel ?alt ; a cv:PublicOrganisation } } GROUP BY ?agency }
  OPTIONAL { SELECT ?agency (COUNT(DISTINCT ?led) AS ?tasksLed) WHERE {
      GRAPH ?g3 { ?led vn:leadAgency ?agency } } GROUP BY ?agency }
  OPTIONAL { SELECT ?agency (COUNT(DISTINCT ?co) AS ?tasksCoordinated) WHERE {
      GRAPH ?g4 { ?co vn:coordinatingAgency ?agency } } GROUP BY ?agency }
}
ORDER BY ?province ?name
"""
TASK_COLUMNS = {
    "number": "plan", "province": "province", "section": "section", "index": "index", "content": "content",
    "lead": "lead", "coordinators": "coordinators", "approver": "approver", "timeframe": "timeframe",
    "start": "start", "end": "end", "recurring": "recurring", "task": "task", "plan": "plan_iri",
}

def _data_prefixes(store: ox.Store) -> dict[str, str]:
    """Standard prefixes plus the data namespaces of this store (its base IRI is read off a graph name)."""
    prefixes = dict(PREFIXES)
    prefixes["vns"] = SCHEME
    graph = next((g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and "/graph/" in g.value), None)
    if graph is not None:
        base = graph.rsplit("/graph/", 1)[0] + "/"
        prefixes.update({"vnd": base + "id/", "vng": base + "graph/"})
    return prefixes


@contextlib.contextmanager
def _atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to stream into; fsynced and renamed over ``path`` on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class _CompactIriReader(io.RawIOBase):
    """graph.trig as read with every prefix bound to its own name (``@prefix vn: <vn:> .``).

    Oxigraph writes every IRI of a known namespace as a prefixed name (escaping ``/`` in local
    names), so the parsed IRIs are the compact IRIs themselves ("vn:docNumber", "vnd:doc/…"): the
    JSON-LD serialiser then writes compact form at Rust speed, and the context expands them back.
    An IRI outside every namespace stays absolute, which JSON-LD reads the same.
    """

    _PREFIX = re.compile(rb"@prefix ([A-Za-z][\w.-]*): <[^>]*> \.\n")

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._file = path.open("rb")
        head = self._file.read(1 << 16)
        end = 0
        while m := self._PREFIX.match(head, end):
            end = m.end()
        self._head = self._PREFIX.sub(lambda m: b"@prefix " + m.group(1) + b": <" + m.group(1) + b":> .\n",
                                      head[:end]) + head[end:]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        return self._file.readinto(buffer)

    def close(self) -> None:
        self._file.close()
        super().close()


class _TypeWriter(io.RawIOBase):
    """Binary sink for Oxigraph's JSON-LD that writes ``rdf:type`` arrays as ``@type`` (compacted form).

    Oxigraph writes compact JSON (no spaces).  A JSON string's own quotes are escaped, so the key
    ``"<rdf:type IRI>":[`` right after ``{`` or ``,`` never occurs inside a literal.  Text is rewritten
    up to the last boundary between two node objects (``]},{"@id":"``), so no match is cut in two.
    """

    _BOUNDARY = b']},{"@id":"'
    _TYPES = re.compile(rb'"' + re.escape(RDF.encode()) + rb'type":\[((?:\{"@id":"[^"\\]*"\},?)+)\]')
    # Datatypes of literals Turtle writes natively (1, true) come back as absolute xsd IRIs.
    _XSD = (b'"@type":"' + XSD.encode(), b'"@type":"xsd:')
    chunk = 1 << 20  # bytes gathered before a rewrite

    def __init__(self, out: BinaryIO) -> None:
        super().__init__()
        self._out = out
        self._pending = bytearray()

    @staticmethod
    def _types(m: re.Match) -> bytes:
        if m.string[m.start() - 1] not in b"{,":
            return m.group(0)
        return b'"@type":[' + m.group(1)[7:-1].replace(b'},{"@id":', b",") + b"]"

    def _rewrite(self, data: bytes) -> bytes:
        return self._TYPES.sub(self._types, data).replace(*self._XSD)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._pending += data
        cut = self._pending.rfind(self._BOUNDARY)
        if cut > self.chunk:
            cut += 4  # keep "]}," here; the next node object starts the pending text
            self._out.write(self._rewrite(bytes(self._pending[:cut])))
            del self._pending[:cut]
        return len(data)

    def flush_all(self) -> None:
        self._out.write(self._rewrite(bytes(self._pending)))
        self._pending.clear()


def _published_files(outputs_dir: Path, store: ox.Store) -> list[Path] | None:
    """The N-Quads files the published store was loaded from, when every one is still byte for byte
    what was loaded (sha256 against the manifest) and they cover exactly the store's graphs."""
    graphs = read_manifest(outputs_dir).get("graphs") or {}
    names = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    if not graphs or set(graphs) != names:
        return None
    files = []
    for entry in graphs.values():
        path = Path(entry.get("file") or "")
        try:
            if not path.is_file() or file_sha256(path) != entry.get("nquads_sha256"):
                return None
        except OSError:
            return None
        files.append(path)
    return files


def write_trig(store: ox.Store, outputs_dir: Path, *, from_files: bool = True) -> Path:
    """Every named graph in one TriG file.

    Re-serialising the N-Quads files the store was loaded from (checked by hash) costs a third of
    decoding the store's indexes (3.5 s against 12 s at 1,000 plans); the store is the fallback.
    """
    path = Path(outputs_dir) / "graph.trig"
    prefixes = _data_prefixes(store)
    files = _published_files(Path(outputs_dir), store) if from_files else None
    with _atomic_path(path) as tmp:
        if files:
            quads = ox.parse(as_binary_io(ConcatenatedFiles(files)), format=ox.RdfFormat.N_QUADS)
            ox.serialize(quads, str(tmp), format=ox.RdfFormat.TRIG, prefixes=prefixes)
        else:
            store.dump(str(tmp), format=ox.RdfFormat.TRIG, prefixes=prefixes)
    return path


def _trig_quads(outputs_dir: Path) -> ox.QuadParser:
    return ox.parse(path=str(Path(outputs_dir) / "graph.trig"), format=ox.RdfFormat.TRIG)


def _turtle_of_trig(trig: Path, out: BinaryIO) -> bool:
    """Write the union of ``trig``'s named graphs to ``out`` as Turtle, by moving text: Oxigraph's
    TriG writer puts a graph's statements between a line ``NAME {`` and a line ``}``, each line one
    tab further in than its Turtle writer puts the same statement at the top level, under the same
    prefix lines, and a literal never spans lines (line breaks are escaped).  Returns False, with
    part of the text written, at any line of another layout (a default-graph statement, another
    writer's output): the caller then serialises the triples instead."""
    in_graph = False
    with trig.open("rb") as source:
        while lines := source.readlines(1 << 22):
            kept: list[bytes] = []
            for line in lines:
                if in_graph:
                    if line[:1] == b"\t":
                        kept.append(line[1:])
                    elif line == b"}\n":
                        in_graph = False
                    else:
                        return False
                elif line.startswith(b"@prefix "):
                    kept.append(line)
                elif line.endswith(b" {\n") and line[:1] not in (b"\t", b" "):
                    in_graph = True
                else:
                    return False
            out.write(b"".join(kept))
    return not in_graph


def write_turtle(store: ox.Store, outputs_dir: Path) -> Path:
    """The union of the document graphs, taken from graph.trig (written first): its graphs'
    statements moved out of their blocks (:func:`_turtle_of_trig`, a tenth of the time), else
    parsed and re-serialised."""
    path = Path(outputs_dir) / "graph.ttl"
    trig = Path(outputs_dir) / "graph.trig"
    with _atomic_path(path) as tmp:
        with tmp.open("wb") as handle:
            moved = _turtle_of_trig(trig, handle)
        if not moved:
            triples = (q.triple for q in _trig_quads(outputs_dir))
            ox.serialize(triples, str(tmp), format=ox.RdfFormat.TURTLE, prefixes=_data_prefixes(store))
    return path


def write_jsonld(store: ox.Store, outputs_dir: Path) -> Path:
    """``{"@context": prefixes, "@graph": [one object per named graph]}`` with compact IRIs,
    re-serialised from graph.trig (written first)."""
    path = Path(outputs_dir) / "graph.jsonld"
    prefixes = _data_prefixes(store)
    trig = _CompactIriReader(Path(outputs_dir) / "graph.trig")
    with trig, _atomic_path(path) as tmp, tmp.open("wb") as handle:
        handle.write(b'{"@context":' + json.dumps(prefixes, ensure_ascii=False).encode() + b',"@graph":')
        sink = _TypeWriter(handle)
        ox.serialize(ox.parse(as_binary_io(trig), format=ox.RdfFormat.TRIG), as_binary_io(sink),
                     format=ox.RdfFormat.JSON_LD)
        sink.flush_all()
        handle.write(b"}\n")
    return path


def write_graphml_file(store: ox.Store, outputs_dir: Path) -> Path:
    path = Path(outputs_dir) / "graph.graphml"
    with _atomic_path(path) as tmp, tmp.open("wb") as handle:
        write_graphml(store, handle)
    return path


def _csv(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def _tasks_table(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(TASK_COLUMNS)) if rows else pd.DataFrame(columns=list(TASK_COLUMNS))
    df = df.rename(columns=TASK_COLUMNS)
    df["recurring"] = df["recurring"].map({"true": True, "false": False})
    return df


def tasks_frame(store: ox.Store) -> pd.DataFrame:
    return _tasks_table(tasks(store))


def _write_csv_chunks(path: Path, rows: Iterator[dict], table: Callable[[list[dict]], pd.DataFrame],
                      chunk: int = 20_000) -> Path:
    """``table(all rows).to_csv`` as one frame would write it, built ``chunk`` rows at a time."""
    with _atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as handle:
        first = True
        while True:
            block = list(itertools.islice(rows, chunk))
            if block or first:
                table(block).to_csv(handle, index=False, header=first)
            first = False
            if len(block) < chunk:
                break
    return path


def write_tasks_csv(store: ox.Store, outputs_dir: Path, chunk: int = 20_000) -> Path:
    """tasks.csv as ``tasks_frame(store).to_csv`` writes it, built ``chunk`` rows at a time."""
    return _write_csv_chunks(Path(outputs_dir) / "tasks.csv", iter_tasks(store), _tasks_table, chunk)


def iter_citations(store: ox.Store, graphs_per_query: int | None = GRAPHS_PER_QUERY) -> Iterator[dict]:
    """Rows of citations.csv, ordered by source file, relation and cited number, queried
    ``graphs_per_query`` named graphs at a time (None: in one query; same rows either way)."""
    corpus = {row["d"].value for row in solutions(store.query(_CORPUS_DOCUMENTS, prefixes=PREFIXES))}
    if graphs_per_query is None:
        batches: list = [None]
    else:
        entries = solutions(store.query(_SOURCE_GRAPHS, prefixes=PREFIXES))
        batches = ordered_graph_batches(((r["g"], sort_key(r["source"]), None) for r in entries),
                                        max(1, graphs_per_query))
    for row in batched_rows(store, _CITATIONS, batches):
        row["inCorpus"] = row["cited"] in corpus
        yield row


def _citations_table(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(CITATION_COLUMNS))


def citations_frame(store: ox.Store) -> pd.DataFrame:
    return _citations_table(list(iter_citations(store)))


def write_citations_csv(store: ox.Store, outputs_dir: Path, chunk: int = 20_000) -> Path:
    """citations.csv as ``citations_frame(store).to_csv`` writes it, built ``chunk`` rows at a time."""
    return _write_csv_chunks(Path(outputs_dir) / "citations.csv", iter_citations(store), _citations_table, chunk)


def agencies_frame(store: ox.Store) -> pd.DataFrame:
    names, rows = select(store, _AGENCIES)
    df = pd.DataFrame(rows, columns=names)
    for col in ("tasksLed", "tasksCoordinated"):
        df[col] = pd.to_numeric(df[col]).fillna(0).astype("int64")
    return df


def _csv_writer(name: str, frame: Callable[[ox.Store], pd.DataFrame]) -> Callable[[ox.Store, Path], Path]:
    def write(store: ox.Store, outputs_dir: Path) -> Path:
        return write_atomic(Path(outputs_dir) / name, _csv(frame(store)))

    write.__name__ = f"write_{name.replace('.', '_')}"
    return write


# In writing order: Turtle and JSON-LD are read back from graph.trig.
EXPORTS: dict[str, Callable[[ox.Store, Path], Path]] = {
    "graph.trig": write_trig,
    "graph.ttl": write_turtle,
    "graph.jsonld": write_jsonld,
    "graph.graphml": write_graphml_file,
    "tasks.csv": write_tasks_csv,
    "citations.csv": write_citations_csv,
    "agencies.csv": _csv_writer("agencies.csv", agencies_frame),
}


def _claim_path(outputs_dir: Path, name: str, export_id: str) -> Path:
    return outputs_dir / f".{name}.{export_id}.claim"


def _claim(outputs_dir: Path, name: str, export_id: str) -> bool:
    """Whether this process is the first of the export ``export_id`` to ask for ``name`` (an exclusive create)."""
    try:
        os.close(os.open(_claim_path(outputs_dir, name, export_id), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    return True


def _write_half(store: ox.Store, outputs_dir: Path, own: tuple[str, ...], export_id: str) -> dict[str, Path]:
    """One process's half of a parallel export: its own files, then each file of EITHER_FILES the
    other process has not claimed yet (whichever half ends first writes it)."""
    written = {name: EXPORTS[name](store, outputs_dir) for name in own}
    for name in EITHER_FILES:
        if _claim(outputs_dir, name, export_id):
            written[name] = EXPORTS[name](store, outputs_dir)
    return written


def _write_child_files(outputs_dir: Path, export_id: str) -> dict[str, Path]:
    """The child's half: graph.trig, then graph.ttl and graph.jsonld read back from it."""
    return _write_half(open_store(outputs_dir, read_only=True), outputs_dir, CHILD_FILES, export_id)


# The two halves of a parallel export.  Which one is longer depends on the corpus (at 1,000 plans the
# tables: graph.graphml and tasks.csv alone take about 12 s, the three RDF files about 9.5; at
# 10,000 the RDF files), so the two short tables go to whichever half ends first, in this order.
CHILD_FILES = ("graph.trig", "graph.ttl", "graph.jsonld")
PARENT_FILES = ("graph.graphml", "tasks.csv")
EITHER_FILES = ("citations.csv", "agencies.csv")
# Below this many quads a second process costs more (about a second to start) than it saves.
PARALLEL_MIN_QUADS = 200_000


def write_exports(outputs_dir: Path, *, parallel: bool | None = None, store: ox.Store | None = None) -> dict[str, Path]:
    """Write graph.trig, graph.ttl, graph.jsonld, graph.graphml, tasks.csv, citations.csv and
    agencies.csv from the published store into ``outputs_dir``; returns name -> path.

    With ``parallel`` (default: stores of at least PARALLEL_MIN_QUADS quads) the three RDF files
    are written by a child Python (``python -m graph.export``, which opens the store read-only
    too) while this process writes graph.graphml, tasks.csv and citations.csv, and agencies.csv
    goes to the half that ends first: the halves take about as long and each is bound to one core
    (the RDF files by Oxigraph's decoding, the tables by the GIL).  A fresh
    interpreter, not a fork: the parent holds RocksDB's threads and may be any caller's script."""
    outputs_dir = Path(outputs_dir)
    if store is not None:  # a graph read from elsewhere (a SPARQL server's snapshot): one process
        outputs_dir.mkdir(parents=True, exist_ok=True)
        written = {"graph.trig": write_trig(store, outputs_dir, from_files=False)}
        return {name: written.get(name) or writer(store, outputs_dir) for name, writer in EXPORTS.items()}
    store = open_store(outputs_dir, read_only=True)
    if parallel is None:
        # The manifest's count, not len(store): counting scans every quad.
        parallel = int(read_manifest(outputs_dir).get("triples") or 0) >= PARALLEL_MIN_QUADS
    if not parallel:
        return {name: writer(store, outputs_dir) for name, writer in EXPORTS.items()}
    export_id = uuid.uuid4().hex  # names this export's claims: another export may run beside it
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen([sys.executable, "-m", "graph.export", str(outputs_dir.resolve()), export_id],
                                 stdout=subprocess.DEVNULL, stderr=errors)
        try:
            written = _write_half(store, outputs_dir, PARENT_FILES, export_id)
        finally:
            code = child.wait()
            for name in EITHER_FILES:
                _claim_path(outputs_dir, name, export_id).unlink(missing_ok=True)
        if code != 0:
            errors.seek(0)
            detail = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(f"{outputs_dir}: the export process writing {', '.join(CHILD_FILES)} failed "
                               f"(exit {code}): {detail[-1] if detail else 'no message'}")
    written.update({name: outputs_dir / name for name in (*CHILD_FILES, *EITHER_FILES) if name not in written})
    return {name: written[name] for name in EXPORTS}


if __name__ == "__main__":
    # The child of write_exports: python -m graph.export OUTPUTS_DIR EXPORT_ID
    _write_child_files(Path(sys.argv[1]), sys.argv[2])
