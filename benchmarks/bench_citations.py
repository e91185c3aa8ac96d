"""Citation-pass throughput on the bundled corpus repeated to at least 20 MB (one core).

usage: .venv/bin/python benchmarks/bench_citations.py [--mb 20] [--corpus data/raw] [--rounds 3]

Prints MB/s (UTF-8 bytes of input per second) for ``extract_citations`` alone
and for metadata + citations, each the best of ``--rounds`` runs.
"""

from __future__ import annotations

import argparse
import sys
import time
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


def run(docs: list[str], with_metadata: bool, warm: bool) -> float:
    start = time.perf_counter()
    for t in docs:
        if not warm:
            numbers._parse_cached.cache_clear()
        document = extract_metadata(t) if with_metadata else {"number": None, "province": None}
        extract_citations(t, document)
    return time.perf_counter() - start


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
    print(f"corpus: {len(docs)} documents, {size / 1e6:.1f} MB UTF-8, {chars / 1e6:.1f} M chars")
    # Real documents carry their metadata; measure citations with it precomputed, then both passes.
    metas = [extract_metadata(t) for t in docs[: len(set(docs))]]
    meta_of = {t: m for t, m in zip(docs, metas, strict=False)}
    best = float("inf")
    for _ in range(a.rounds):
        start = time.perf_counter()
        for t in docs:
            if not a.warm_cache:
                numbers._parse_cached.cache_clear()
            extract_citations(t, meta_of[t])
        best = min(best, time.perf_counter() - start)
    print(f"citation pass:          {size / 1e6 / best:6.2f} MB/s  ({chars / 1e6 / best:.2f} M chars/s, {best:.2f} s)")
    best_all = min(run(docs, True, a.warm_cache) for _ in range(a.rounds))
    print(f"metadata + citations:   {size / 1e6 / best_all:6.2f} MB/s  ({best_all:.2f} s)")


if __name__ == "__main__":
    main()
