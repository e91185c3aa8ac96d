"""Citation-pass throughput on the bundled corpus repeated to at least 20 MB (one core).

usage: .venv/bin/python benchmarks/bench_citations.py [--mb 20] [--corpus data/raw] [--rounds 3] [--warm-cache]

Prints MB/s (UTF-8 bytes of input per second) for ``extract_citations`` alone
(metadata computed beforehand, as the pipeline does) and for metadata +
citations, each the best of ``--rounds`` runs.  Both wall-clock and process
CPU time are shown: on a shared machine CPU time is the steadier figure.
The run is single-threaded.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.extract import numbers  # noqa: E402
from pipelines.extract.citations import extract_citations  # noqa: E402
from pipelines.extract.metadata import extract_metadata  # noqa: E402
from pipelines.ingest.source import read_source  # noqa: E402


def load_corpus(folder: Path, target_mb: float) -> tuple[list[str], int]:
    texts = [read_source(p).text for p in sorted(folder.iterdir()) if p.suffix == ".txt"]
    if not texts:
        raise SystemExit(f"{folder}: no .txt sources to benchmark")
    docs: list[str] = []
    total = 0
    while total < target_mb * 1_000_000:
        for t in texts:
            docs.append(t)
            total += len(t.encode("utf-8"))
    return docs, total


def best_of(rounds: int, body: Callable[[], None]) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) over ``rounds`` runs of ``body``."""
    walls, cpus = [], []
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        body()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--corpus", type=Path, default=ROOT / "data" / "raw")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warm-cache", action="store_true",
                    help="keep the parsed-number cache across documents (the corpus repeats itself, so the "
                         "default clears it per document to measure the cold path honestly)")
    a = ap.parse_args()
    docs, size = load_corpus(a.corpus, a.mb)
    chars = sum(len(t) for t in docs)
    mb = size / 1e6
    print(f"corpus: {len(docs)} documents, {mb:.1f} MB UTF-8, {chars / 1e6:.1f} M chars")
    meta_of = {t: extract_metadata(t) for t in set(docs)}

    def citations_only() -> None:
        for t in docs:
            if not a.warm_cache:
                numbers._parse_cached.cache_clear()
            extract_citations(t, meta_of[t])

    def metadata_and_citations() -> None:
        for t in docs:
            if not a.warm_cache:
                numbers._parse_cached.cache_clear()
            extract_citations(t, extract_metadata(t))

    for label, body in (("citation pass", citations_only), ("metadata + citations", metadata_and_citations)):
        wall, cpu = best_of(a.rounds, body)
        print(f"{label:22s} {mb / wall:6.2f} MB/s wall ({wall:.2f} s)   {mb / cpu:6.2f} MB/s CPU ({cpu:.2f} s)")


if __name__ == "__main__":
    main()
