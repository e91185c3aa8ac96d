"""Extraction across cores: a process pool fed in chunks, results streamed back in input order.

Extraction is pure CPU work on one document at a time, so processes (not threads)
scale it.  Memory stays bounded: only ``workers * prefetch`` chunks are in flight,
and each worker holds one document's text at a time.  Bad input does not stop the
run: it comes back as an :class:`ExtractionFailure` naming the file and reason.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class ExtractionFailure:
    """Why one file (or work item) produced no result."""

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


def _run_chunk(fn: Callable[[T], R], items: list[T]) -> list[R | ExtractionFailure]:
    out: list[R | ExtractionFailure] = []
    for item in items:
        try:
            out.append(fn(item))
        except Exception as exc:  # one bad document must not sink the other thousands
            out.append(ExtractionFailure(str(item), f"{type(exc).__name__}: {exc}"))
    return out


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for p in items:
        chunk.append(p)
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


def _die_with_parent(parent_pid: int) -> None:
    """Pool worker initializer: end this worker when the process that started it dies.

    A pool owner killed outright (kill -9, the OOM killer) never tells its workers to stop, and
    they would wait on the task queue forever, each holding its memory.  On Linux the kernel
    delivers SIGKILL to the worker when its parent dies (PR_SET_PDEATHSIG); elsewhere nothing
    changes.
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
    if os.getppid() != parent_pid:  # the parent died before the request was made
        os._exit(1)


def map_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int | None = None,
    *,
    chunksize: int = 8,
    prefetch: int = 2,
    mp_context: str | None = None,
) -> Iterator[tuple[T, R | ExtractionFailure]]:
    """Yield ``(item, fn(item))`` for every item, in input order, computed by a process pool.

    ``fn`` must be picklable (a module-level function or a ``functools.partial`` of one), e.g.
    ``map_ordered(partial(stages.extract_document, settings), keys)``.  An exception raised by
    ``fn`` comes back as an :class:`ExtractionFailure` for that item.  ``workers=None`` uses every
    available core; ``workers=1`` runs in this process.  ``items`` may be lazy: it is consumed only
    as fast as results are taken, so at most ``workers * prefetch`` chunks are in memory.
    """
    workers = workers or default_workers()
    if workers < 1 or chunksize < 1 or prefetch < 1:
        raise ValueError("workers, chunksize and prefetch must be at least 1")
    if workers == 1:
        for chunk in _chunks(items, chunksize):
            yield from zip(chunk, _run_chunk(fn, chunk), strict=True)
        return

    # fork starts workers in milliseconds with the extractor already imported; elsewhere use the default
    method = mp_context or ("fork" if "fork" in mp.get_all_start_methods() else None)
    ctx = mp.get_context(method)
    window = workers * prefetch
    pending: deque[tuple[list[T], Future]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        try:
            for chunk in _chunks(items, chunksize):
                pending.append((chunk, pool.submit(_run_chunk, fn, chunk)))
                if len(pending) >= window:
                    yield from _drain_one(pending)
            while pending:
                yield from _drain_one(pending)
        finally:
            for _, fut in pending:  # consumer stopped early: do not run what is still queued
                fut.cancel()


def extract_many(
    paths: Iterable[Path | str],
    workers: int | None = None,
    *,
    chunksize: int = 8,
    prefetch: int = 2,
    mp_context: str | None = None,
) -> Iterator[Result]:
    """Yield ``(path, record or ExtractionFailure)`` for every path, in input order (see map_ordered)."""
    yield from map_ordered(
        extract_one, (Path(p) for p in paths), workers, chunksize=chunksize, prefetch=prefetch, mp_context=mp_context
    )


def _drain_one(pending: deque[tuple[list, Future]]) -> Iterator[tuple]:
    chunk, fut = pending.popleft()
    try:
        results = fut.result()
    except Exception as exc:  # a worker died (e.g. killed for memory): report its items, keep going
        results = [ExtractionFailure(str(p), f"worker failed: {type(exc).__name__}: {exc}") for p in chunk]
    yield from zip(chunk, results, strict=True)
