"""Extraction across cores: a process pool fed in chunks, results streamed back in input order.

Extraction is pure CPU work on one document at a time, so processes (not threads)
scale it.  Memory stays bounded: only ``workers * prefetch`` chunks are in flight,
and each worker holds one document's text at a time.  Bad input does not stop the
run: it comes back as an :class:`ExtractionFailure` naming the file and reason.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ExtractionFailure:
    """Why one file produced no record."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


Result = tuple[Path, "dict | ExtractionFailure"]


def extract_one(path: Path | str) -> dict | ExtractionFailure:
    """Read and extract one file; every failure becomes an :class:`ExtractionFailure`."""
    from pipelines.extract.record import extract_record
    from pipelines.ingest.source import SourceError, read_source

    try:
        return extract_record(read_source(path))
    except SourceError as exc:
        return ExtractionFailure(str(path), exc.reason)
    except Exception as exc:  # an extractor bug on one document must not sink the other thousands
        return ExtractionFailure(str(path), f"extraction failed: {type(exc).__name__}: {exc}")


def _extract_chunk(paths: list[str]) -> list[dict | ExtractionFailure]:
    return [extract_one(p) for p in paths]


def _chunks(paths: Iterable[Path | str], size: int) -> Iterator[list[Path]]:
    chunk: list[Path] = []
    for p in paths:
        chunk.append(Path(p))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def default_workers() -> int:
    """Cores this process may use (respects CPU affinity, e.g. a container's cpuset)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def extract_many(
    paths: Iterable[Path | str],
    workers: int | None = None,
    *,
    chunksize: int = 8,
    prefetch: int = 2,
    mp_context: str | None = None,
) -> Iterator[Result]:
    """Yield ``(path, record or ExtractionFailure)`` for every path, in input order.

    ``workers=None`` uses every available core; ``workers=1`` runs in this process (no pool),
    which is also the cheapest choice for a handful of files.  ``paths`` may be a lazy iterable:
    it is consumed only as fast as results are taken.
    """
    workers = workers or default_workers()
    if workers < 1 or chunksize < 1 or prefetch < 1:
        raise ValueError("workers, chunksize and prefetch must be at least 1")
    if workers == 1:
        for p in paths:
            yield Path(p), extract_one(p)
        return

    # fork starts workers in milliseconds with the extractor already imported; elsewhere use the default
    method = mp_context or ("fork" if "fork" in mp.get_all_start_methods() else None)
    ctx = mp.get_context(method)
    window = workers * prefetch
    chunks = _chunks(paths, chunksize)
    pending: deque[tuple[list[Path], Future]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        try:
            for chunk in chunks:
                pending.append((chunk, pool.submit(_extract_chunk, [str(p) for p in chunk])))
                if len(pending) >= window:
                    yield from _drain_one(pending)
            while pending:
                yield from _drain_one(pending)
        finally:
            for _, fut in pending:  # consumer stopped early: do not run what is still queued
                fut.cancel()


def _drain_one(pending: deque[tuple[list[Path], Future]]) -> Iterator[Result]:
    chunk, fut = pending.popleft()
    try:
        results = fut.result()
    except Exception as exc:  # a worker died (e.g. killed for memory): report its files, keep going
        results = [ExtractionFailure(str(p), f"worker failed: {type(exc).__name__}: {exc}") for p in chunk]
    yield from zip(chunk, results, strict=True)
