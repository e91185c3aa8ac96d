"""The published Oxigraph store: versioned directories switched atomically by a symlink.

Layout under ``outputs/``::

    store -> store.versions/<id>        (relative symlink, swapped with os.replace)
    store.versions/<id>/                 an Oxigraph (RocksDB) directory, never written once published
    store.versions/<id>.json             its manifest: graph IRI -> hashes and triple count
    store.versions/<id>.readers/<pid>    marks a version a server is reading (kept until that pid exits)

A new version starts as a backup (checkpoint) of the current one, which hard-links
the immutable SST files, so only changed graphs cost time.  A server reading the
current version is never touched; a kill -9 at any moment leaves ``store``
pointing at a complete version (unfinished directories are swept next time).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import io
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from pipelines.atomic import file_sha256

STORE_LINK = "store"
VERSIONS_DIR = "store.versions"
LOCK_FILE = ".store.lock"
KEEP_PREVIOUS = 1
# Quads per bulk load: Oxigraph's loader holds a whole call in memory (1.6 GB for 2.5 M quads, 180 MB
# for 250k); calls of this size bound it to about 650 MB whatever the corpus size, each extra call
# costing some load time and leaving files to compact.
BULK_LOAD_QUADS = 1_000_000


class StoreError(RuntimeError):
    """A store that cannot be published or opened; the message names the path and the reason."""


@dataclass(frozen=True)
class GraphFile:
    """A named graph's N-Quads file, with the hash and quad count its writer already knows.

    Passing them spares the publisher a read of every file of the corpus on each run; a plain
    path is also accepted and then hashed and counted here.
    """

    path: Path
    sha256: str | None = None
    triples: int | None = None

    def __fspath__(self) -> str:
        return str(self.path)


def graph_file(value: GraphFile | Path | str, iri: str) -> GraphFile:
    """``value`` as a :class:`GraphFile` with hash and count filled in (StoreError if the file is missing)."""
    known = value if isinstance(value, GraphFile) else GraphFile(Path(value))
    if not os.path.isfile(known.path):
        raise StoreError(f"{known.path}: N-Quads file for graph <{iri}> does not exist")
    if known.sha256 and known.triples is not None:
        return known
    path = Path(known.path)
    return GraphFile(path, known.sha256 or file_sha256(path), known.triples if known.triples is not None
                     else _count_lines(path))


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip() and not line.lstrip().startswith(b"#"))


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class ConcatenatedFiles(io.RawIOBase):
    """The N-Quads files read one after the other, as one stream (one bulk load instead of one per
    file: each bulk load writes its own SST files, which dominated publish time for many documents)."""

    def __init__(self, paths: list[Path]) -> None:
        self._paths = list(paths)
        self._fh: io.BufferedReader | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            fh = self._fh
            if fh is None:
                if not self._paths:
                    return 0
                fh = self._fh = self._paths.pop(0).open("rb")
            n = fh.readinto(buffer)
            if n:
                self._last = buffer[n - 1]
                return n
            fh.close()
            self._fh = None
            if getattr(self, "_last", 10) != 10:  # a file without a final newline must not glue lines
                buffer[0] = 10
                self._last = 10
                return 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        super().close()


def as_binary_io(stream: io.RawIOBase) -> BinaryIO:
    """``stream`` as the binary file pyoxigraph's type hints ask for: it reads any object with the
    raw file protocol (``read``/``readinto``), which those hints do not express."""
    return cast(BinaryIO, stream)


def _batches(files: list[tuple[Path, int]], quads: int) -> Iterator[list[Path]]:
    """Consecutive groups of files holding about ``quads`` quads each (a larger file is its own group)."""
    batch: list[Path] = []
    size = 0
    for path, count in files:
        if batch and size + count > quads:
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += count
    if batch:
        yield batch


def resolve_store_dir(outputs_dir: Path) -> Path | None:
    """The published version directory ``outputs/store`` points at (a legacy plain directory is
    returned as is); None when nothing is published."""
    link = Path(outputs_dir) / STORE_LINK
    if link.is_symlink():
        target = link.resolve()
        return target if target.is_dir() else None
    if link.is_dir():
        return link.resolve()
    return None


def read_manifest(outputs_dir: Path) -> dict:
    """Manifest of the published version ({} when none)."""
    current = resolve_store_dir(outputs_dir)
    if current is None:
        return {}
    path = current.with_name(current.name + ".json")
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path}: unreadable store manifest ({exc})") from exc


def open_store(outputs_dir: Path, read_only: bool = True):
    """Open the published store (read-only by default: never write a version a server may read)."""
    import pyoxigraph as ox

    current = resolve_store_dir(outputs_dir)
    if current is None:
        raise StoreError(f"{Path(outputs_dir) / STORE_LINK}: no published store (run `vanban build` first)")
    try:
        return ox.Store.read_only(str(current)) if read_only else ox.Store(str(current))
    except OSError as exc:
        raise StoreError(f"{current}: cannot open store ({exc})") from exc


@contextlib.contextmanager
def _lock(outputs_dir: Path) -> Iterator[None]:
    outputs_dir.mkdir(parents=True, exist_ok=True)
    with (outputs_dir / LOCK_FILE).open("a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _readers_dir(version_dir: Path) -> Path:
    return version_dir.with_name(version_dir.name + ".readers")


def _live_readers(version_dir: Path) -> list[int]:
    d = _readers_dir(version_dir)
    alive = []
    if d.is_dir():
        for f in d.iterdir():
            if f.name.isdigit() and _pid_alive(int(f.name)):
                alive.append(int(f.name))
            else:
                with contextlib.suppress(OSError):
                    f.unlink()
    return alive


def register_reader(version_dir: Path, pid: int) -> Path:
    """Mark ``version_dir`` as read by process ``pid`` so publishing never deletes it meanwhile."""
    d = _readers_dir(Path(version_dir))
    d.mkdir(exist_ok=True)
    marker = d / str(pid)
    marker.write_text(str(time.time()))
    return marker


def _switch(outputs_dir: Path, version_dir: Path) -> None:
    link = outputs_dir / STORE_LINK
    tmp = outputs_dir / f".{STORE_LINK}.{uuid.uuid4().hex}.tmp"
    os.symlink(os.path.relpath(version_dir, outputs_dir), tmp)
    if link.exists() and not link.is_symlink():
        # A legacy plain directory: move it into the versions folder so the link can take its name.
        legacy = outputs_dir / VERSIONS_DIR / f"legacy-{uuid.uuid4().hex[:8]}"
        os.replace(link, legacy)
    os.replace(tmp, link)
    _fsync_dir(outputs_dir)


def _sweep(outputs_dir: Path, keep: set[Path]) -> list[str]:
    """Remove versions that are neither current, the previous one(s), nor being read."""
    versions = outputs_dir / VERSIONS_DIR
    removed: list[str] = []
    if not versions.is_dir():
        return removed
    for d in versions.iterdir():
        if not d.is_dir() or d.name.endswith(".readers") or d.resolve() in keep:
            continue
        if _live_readers(d):
            continue
        shutil.rmtree(d, ignore_errors=True)
        for extra in (d.with_name(d.name + ".json"), _readers_dir(d)):
            if extra.is_dir():
                shutil.rmtree(extra, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    extra.unlink()
        removed.append(d.name)
    for f in versions.glob("*.json"):
        if not f.with_suffix("").exists():
            with contextlib.suppress(OSError):
                f.unlink()
    for f in outputs_dir.glob(f".{STORE_LINK}.*.tmp"):
        with contextlib.suppress(OSError):
            f.unlink()
    return removed


def _first_bad_file(paths: list[Path]) -> Path | None:
    """The first file that does not parse, to name it in the error (only run after a failed load)."""
    import pyoxigraph as ox

    for path in paths:
        try:
            for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
                pass
        except (SyntaxError, ValueError, OSError):
            return path
    return None


def _graph_present(store, iri: str) -> bool:
    import pyoxigraph as ox

    return next(iter(store.quads_for_pattern(None, None, None, ox.NamedNode(iri))), None) is not None


def publish_store(outputs_dir: Path, graphs: Mapping[str, GraphFile | Path]) -> dict:
    """Make ``outputs_dir/store`` hold exactly ``graphs`` (named-graph IRI -> N-Quads file).

    Unchanged graphs (same N-Quads bytes) are untouched, changed ones replaced, missing ones
    removed.  The new version is built in a fresh directory and switched in atomically.
    Returns {added, replaced, removed, unchanged, triples, path, version}.
    """
    import pyoxigraph as ox

    outputs_dir = Path(outputs_dir)
    wanted = {iri: graph_file(value, iri) for iri, value in graphs.items()}

    with _lock(outputs_dir):
        versions = outputs_dir / VERSIONS_DIR
        versions.mkdir(parents=True, exist_ok=True)
        current = resolve_store_dir(outputs_dir)
        old_manifest = read_manifest(outputs_dir) if current else {}
        old_graphs: dict[str, dict] = dict(old_manifest.get("graphs", {}))

        version_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
        new_dir = versions / version_id
        try:
            if current is not None:
                src = ox.Store.read_only(str(current))
                try:
                    src.backup(str(new_dir))
                finally:
                    del src
                    gc.collect()
            store = ox.Store(str(new_dir))
        except OSError as exc:
            shutil.rmtree(new_dir, ignore_errors=True)
            raise StoreError(f"{new_dir}: cannot prepare a new store version ({exc})") from exc

        present = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
        added, replaced, removed, unchanged = [], [], [], []
        for iri in sorted(present - set(wanted)):
            store.remove_graph(ox.NamedNode(iri))
            removed.append(iri)
        entries: dict[str, dict] = {}
        to_load: list[tuple[Path, int]] = []
        for iri, known in sorted(wanted.items()):
            digest = known.sha256
            old = old_graphs.get(iri)
            if iri in present and old and old.get("nquads_sha256") == digest:
                unchanged.append(iri)
                entries[iri] = old
                continue
            if iri in present:
                store.remove_graph(ox.NamedNode(iri))
                replaced.append(iri)
            else:
                added.append(iri)
            path = Path(known.path)
            to_load.append((path, int(known.triples or 0)))
            entries[iri] = {"nquads_sha256": digest, "triples": known.triples, "file": str(path)}
        batches = list(_batches(to_load, BULK_LOAD_QUADS))
        for batch in batches:
            try:
                store.bulk_load(as_binary_io(ConcatenatedFiles(batch)), format=ox.RdfFormat.N_QUADS)
            except (SyntaxError, ValueError, OSError) as exc:
                del store
                gc.collect()
                shutil.rmtree(new_dir, ignore_errors=True)
                where = _first_bad_file(batch) or batch[0]
                raise StoreError(f"{where}: cannot load N-Quads ({exc})") from exc
        unknown = [iri for iri in added + replaced if not _graph_present(store, iri)]
        if unknown:
            del store
            gc.collect()
            shutil.rmtree(new_dir, ignore_errors=True)
            bad = wanted[unknown[0]].path
            raise StoreError(f"{bad}: N-Quads file holds no quads of its graph <{unknown[0]}>")

        # Source versions as the graphs themselves state them (graph/build.py writes them), read
        # for every graph.  Reading only the loaded graphs' would be cheaper (0.14 s at 10,000
        # plans), but without this read the queries on the new version ran 15-20% slower
        # (group-by at 1,000 plans 1.0-1.1 s against 0.84-0.91 s, measured A/B).  A pause of 0.3 s
        # in its place did about as well, so what matters is probably the time it leaves the
        # store's background work (compaction of the new files) before the store is closed.
        q = (
            "PREFIX vn: <https://w3id.org/vanban/ontology#>\n"
            "SELECT ?g ?sha ?prev WHERE { GRAPH ?g { ?g vn:sourceSha256 ?sha "
            "OPTIONAL { ?g vn:previousSha256 ?prev } } }"
        )
        rows = store.query(q)
        assert isinstance(rows, ox.QuerySolutions)  # a SELECT query
        for row in rows:
            e = entries.get(row["g"].value)
            if e is not None:
                e["source_sha256"] = row["sha"].value
                e["previous_sha256"] = row["prev"].value if row["prev"] is not None else None
        store.flush()
        if len(batches) > 1:
            # Each bulk load leaves its own sorted files and every lookup visits all of them:
            # compacting (4 s at 1,000 plans) made the exports of that store a quarter faster.
            store.optimize()
        # Each file holds only its own graph's distinct quads, so the counts add up to the store's
        # size without a scan of every quad (minutes at tens of millions).
        total = sum(int(e.get("triples") or 0) for e in entries.values())
        del store
        gc.collect()

        manifest = {
            "version": version_id,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "triples": total,
            "graphs": entries,
        }
        # No indent: with one, json falls back to its Python encoder (0.15 s at 10,000 graphs).
        _atomic_write_text(new_dir.with_name(version_id + ".json"), json.dumps(manifest, ensure_ascii=False))
        _fsync_dir(versions)
        _switch(outputs_dir, new_dir)

        keep = {new_dir.resolve()}
        if current is not None:
            keep.add(current.resolve())
        _sweep(outputs_dir, keep)

    return {
        "added": added,
        "replaced": replaced,
        "removed": removed,
        "unchanged": unchanged,
        "triples": total,
        "path": str(new_dir),
        "version": version_id,
    }
