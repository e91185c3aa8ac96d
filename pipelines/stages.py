"""The build stages over the work folder, one function per stage.

Each stage is plain Python over files (no Dagster here): the Dagster assets in
``pipelines/assets.py`` are thin wrappers that call these, and tests call them
directly.  Per-document stages are incremental by content hash: a document
whose bytes and extractor are unchanged is skipped, a changed one is redone,
and a failed one keeps its previous outputs so nothing already ingested is lost.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.atomic import write_atomic
from pipelines.extract.record import EXTRACTOR_VERSION, extract_record
from pipelines.ingest.source import SourceError, SourceText, read_source
from pipelines.settings import Settings

if TYPE_CHECKING:
    from graph.store import GraphFile

SOURCE_SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")


@dataclass(frozen=True)
class StageResult:
    key: str
    status: str  # new | changed | unchanged | quarantined | removed | skipped | failed
    detail: str = ""


# Below this many documents a process pool costs more than it saves.
PARALLEL_MIN_DOCUMENTS = 16


def run_per_document(
    settings: Settings, stage: Callable[[Settings, str], StageResult], keys: list[str]
) -> list[StageResult]:
    """Run one per-document stage over ``keys``, across processes when there are many.

    Each call touches only its own document's work files, so documents are independent.  An
    exception on one document becomes a ``failed`` result naming it and the reason; the other
    documents go on, and the failed one keeps its previous outputs.
    """
    from pipelines.extract.parallel import ExtractionFailure, default_workers, map_ordered

    workers = settings.workers or default_workers()
    if workers == 1 or len(keys) < PARALLEL_MIN_DOCUMENTS:
        workers = 1
    chunksize = max(1, min(32, len(keys) // (workers * 4) or 1))
    results = []
    for key, result in map_ordered(partial(stage, settings), keys, workers, chunksize=chunksize):
        if isinstance(result, ExtractionFailure):
            result = StageResult(key, "failed", result.reason)
        results.append(result)
    return results


def _read_json(path: Path | str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.loads(fh.read())
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data: object) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))


def is_source_file(path: Path) -> bool:
    name = path.name
    return (
        path.is_file()
        and path.suffix.lower() in SOURCE_SUFFIXES
        and not name.startswith((".", "~$"))
    )


def list_sources(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if is_source_file(p))


def source_keys(settings: Settings) -> list[str]:
    """Every source file name in the corpus and the inbox: a file name is a document's key."""
    names = {p.name for p in list_sources(settings.raw_dir)}
    names |= {p.name for p in list_sources(settings.inbox_dir)}
    return sorted(names)


def work_keys(settings: Settings) -> list[str]:
    """Documents that have work files (ingested at some point)."""
    folder = settings.work_dir / "sources"
    return sorted(p.name.removesuffix(".json") for p in folder.glob("*.json")) if folder.is_dir() else []


def live_keys(settings: Settings) -> list[str]:
    """Documents in the corpus that were ingested successfully at least once."""
    present = {p.name for p in list_sources(settings.raw_dir)}
    return [k for k in work_keys(settings) if k in present]


def locate_source(settings: Settings, key: str) -> Path | None:
    """A file waiting in the inbox wins over the corpus copy: it is the newer version."""
    for folder in (settings.inbox_dir, settings.raw_dir):
        candidate = folder / key
        if candidate.is_file():
            return candidate
    return None


def forget_document(settings: Settings, key: str) -> None:
    """Drop a removed source's work files; the next publish removes its named graph."""
    for path in (
        settings.text_path(key),
        settings.source_meta_path(key),
        settings.record_path(key),
        settings.graph_path(key),
        graph_meta_path(settings, key),
    ):
        path.unlink(missing_ok=True)


def graph_meta_path(settings: Settings, key: str) -> Path:
    return settings.graph_path(key).with_suffix(".json")


def ingest_source(settings: Settings, key: str) -> StageResult:
    """Decode one source into the work folder; quarantine it if it cannot be read."""
    path = locate_source(settings, key)
    if path is None:
        forget_document(settings, key)
        return StageResult(key, "removed", "source file no longer present")
    previous = _read_json(settings.source_meta_path(key))
    try:
        source = read_source(path, max_bytes=settings.max_bytes)
    except SourceError as exc:
        from pipelines.ingest.quarantine import quarantine

        # An inbox file moves to quarantine; a corpus file stays where its owner put it (a copy is kept).
        in_corpus = path.parent == settings.raw_dir
        where = quarantine(path, exc.reason, settings.quarantine_dir, keep_original=in_corpus)
        kept = " (previous version kept)" if previous else ""
        return StageResult(key, "quarantined", f"{exc.reason} -> {where}{kept}")
    if previous and previous.get("sha256") == source.sha256 and settings.text_path(key).exists():
        status = "unchanged"
    else:
        write_atomic(settings.text_path(key), source.text)
        meta = {
            "key": key,
            "name": source.name,
            "sha256": source.sha256,
            "previous_sha256": previous.get("sha256") if previous else None,
            "format": source.format,
            "size": source.size,
            "facts": source.facts,
        }
        _write_json(settings.source_meta_path(key), meta)
        status = "changed" if previous else "new"
    if path.parent == settings.inbox_dir:
        settings.raw_dir.mkdir(parents=True, exist_ok=True)
        os.replace(path, settings.raw_dir / key)
    return StageResult(key, status)


def load_source_text(settings: Settings, key: str) -> SourceText | None:
    meta = _read_json(settings.source_meta_path(key))
    if meta is None or not settings.text_path(key).exists():
        return None
    return SourceText(
        path=str(settings.raw_dir / key),
        name=meta["name"],
        text=settings.text_path(key).read_text(encoding="utf-8"),
        sha256=meta["sha256"],
        format=meta["format"],
        size=meta["size"],
        facts=meta.get("facts") or {},
    )


def extract_document(settings: Settings, key: str, *, force: bool = False) -> StageResult:
    source = load_source_text(settings, key)
    if source is None:
        return StageResult(key, "skipped", "no decoded source")
    previous = _read_json(settings.record_path(key))
    if (
        not force
        and previous
        and previous.get("source_sha256") == source.sha256
        and previous.get("extractor_version") == EXTRACTOR_VERSION
    ):
        return StageResult(key, "unchanged")
    record = extract_record(source)
    _write_json(settings.record_path(key), record)
    return StageResult(key, "changed" if previous else "new")


def build_document_graph(settings: Settings, key: str, *, force: bool = False) -> StageResult:
    from graph.build import GRAPH_FORMAT, document_graph_nquads

    record = _read_json(settings.record_path(key))
    if record is None:
        return StageResult(key, "skipped", "no extraction record")
    meta = _read_json(settings.source_meta_path(key)) or {}
    graph_meta = _read_json(graph_meta_path(settings, key))
    stamp = {
        "sha256": record.get("source_sha256"),
        "extractor_version": record.get("extractor_version"),
        "graph_format": GRAPH_FORMAT,
        "base_iri": settings.base_iri,
    }
    if not force and graph_meta and {k: graph_meta.get(k) for k in stamp} == stamp and settings.graph_path(
        key
    ).exists():
        return StageResult(key, "unchanged")
    iri, nquads = document_graph_nquads(
        record,
        source_name=record.get("source", key),
        source_sha256=record.get("source_sha256", ""),
        previous_sha256=meta.get("previous_sha256"),
        base_iri=settings.base_iri,
    )
    write_atomic(settings.graph_path(key), nquads)
    # Publishing compares these instead of re-reading every graph file of the corpus.
    facts = {"nquads_sha256": hashlib.sha256(nquads).hexdigest(), "triples": nquads.count(b"\n")}
    _write_json(graph_meta_path(settings, key), {**stamp, "iri": iri, **facts})
    return StageResult(key, "changed" if graph_meta else "new")


def document_graphs(settings: Settings, keys: list[str]) -> dict[str, GraphFile]:
    """The desired content of the store: named-graph IRI -> its N-Quads file, for every live document."""
    from graph.store import GraphFile

    folder = settings.graphs_dir
    try:
        # One listing instead of a test per document: publishing one changed plan reads the
        # metadata of every graph, so at 10,000 plans the per-file overhead is what costs.
        present = set(os.listdir(folder))
    except OSError:
        return {}
    graphs: dict[str, GraphFile] = {}
    for key in keys:
        name = f"{key}.nq"
        if name not in present:
            continue
        meta = _read_json(os.path.join(folder, f"{key}.json"))  # = graph_meta_path(settings, key)
        if meta:
            graphs[meta["iri"]] = GraphFile(folder / name, meta.get("nquads_sha256"), meta.get("triples"))
    return graphs


def publish(settings: Settings, keys: list[str]) -> dict:
    """Publish every live document's graph; the SHACL verdicts of new graphs are computed meanwhile
    (the store checks then read them from the cache: the load runs on one core, the checks on all)."""
    from graph.shacl import default_cache_path, prevalidate

    graphs = document_graphs(settings, keys)
    files = [(iri, str(g.path), g.sha256 or "") for iri, g in graphs.items()]
    with prevalidate(files, default_cache_path(settings.outputs_dir), workers=settings.workers or None,
                     iri_prefix=settings.data_iri_prefix):
        if settings.store_url:
            from graph.remote import publish_remote

            return publish_remote(settings.store_url, graphs)
        from graph.store import publish_store

        return publish_store(settings.outputs_dir, graphs)


def write_exports(settings: Settings) -> dict[str, Path]:
    from graph.export import write_exports as export_all

    if settings.store_url:
        return export_all(settings.outputs_dir, store=open_graph_store(settings))
    return export_all(settings.outputs_dir)


def open_graph_store(settings: Settings):
    """The published graph as a pyoxigraph Store to read: the embedded store, or with a SPARQL server
    (``store_url``) an in-memory copy of the graphs published there."""
    if settings.store_url:
        from graph.remote import snapshot_store

        return snapshot_store(settings.store_url)
    from graph.store import open_store

    return open_store(settings.outputs_dir, read_only=True)


def draw_graph(settings: Settings) -> dict:
    from graph.draw import write_graph_page
    from graph.network import project

    return write_graph_page(project(open_graph_store(settings)), settings.outputs_dir / "graph.html")


def iter_records(settings: Settings, keys: list[str]) -> Iterator[dict]:
    """The extraction records of ``keys``, read one at a time (a corpus' records do not fit in memory)."""
    for key in keys:
        record = _read_json(settings.record_path(key))
        if record is not None:
            yield record


def load_records(settings: Settings, keys: list[str]) -> list[dict]:
    return list(iter_records(settings, keys))


def clear_work(settings: Settings) -> None:
    shutil.rmtree(settings.work_dir, ignore_errors=True)
