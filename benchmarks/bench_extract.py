"""Throughput of the whole extraction of one record (decode + ``extract_record``), one core.

usage: .venv/bin/python benchmarks/bench_extract.py [--corpus DIR ...] [--rounds 3] [--cold-per-document]
       [--stages] [--profile] [--top 25]

Default corpora: data/raw (the real seeds) and /tmp/xcorpus, written by
``benchmarks/generate_corpus.py --n 300 --seed 7 --out /tmp/xcorpus`` (it is
generated here when missing).  For each corpus the script prints MB of source
files per CPU-second (``time.process_time``; the fair figure on a shared
machine) and per wall-clock second, best of ``--rounds``.  Every round reads
and decodes the files again with ``read_source`` and clears the per-input caches
of the extraction (reference tables stay loaded), so a round measures the cold
path of a worker that has loaded its reference tables.  ``--cold-per-document`` also measures
with the caches cleared before every document (a corpus's shared text then saves nothing).
``--stages`` prints the CPU milliseconds of each stage of ``extract_record`` (metadata, citations,
tasks, agencies ...) in the best round.  ``--profile`` adds the top functions of one cProfile run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.extract.record import extract_record  # noqa: E402
from pipelines.ingest.source import read_source  # noqa: E402

DEFAULT_GENERATED = Path("/tmp/xcorpus")
SUFFIXES = {".txt", ".html", ".htm", ".docx", ".pdf"}


def clear_caches() -> None:
    """Clear the per-input caches of the extraction modules (cold path per round).

    Reference tables (gazetteer, registries, compiled province patterns: caches of one entry or
    unbounded ``functools.cache`` loaders) are kept, as a worker loads them once for its run.
    """
    for name, module in list(sys.modules.items()):
        if not name.startswith("pipelines.extract"):
            continue
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            info = getattr(value, "cache_info", None)
            if not callable(clear) or not callable(info):
                continue
            maxsize = info().maxsize
            if maxsize is not None and maxsize > 1:
                clear()


def sources_of(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    if not files:
        raise SystemExit(f"{folder}: no source files to benchmark")
    return files


def run_once(files: list[Path]) -> None:
    for path in files:
        extract_record(read_source(path))


def measure(files: list[Path], rounds: int) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) over ``rounds`` runs."""
    walls, cpus = [], []
    for _ in range(rounds):
        clear_caches()
        w, c = time.perf_counter(), time.process_time()
        run_once(files)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def measure_cold(files: list[Path], rounds: int) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) over ``rounds`` runs with the caches cleared before
    every document: each one costs what it would cost a worker that has never seen another plan.

    The difference from :func:`measure` is what a corpus gains from text its documents share
    (boilerplate, agency lists, table cells): generated plans, written from templates, share more
    of it than five real plans from five provinces do.
    """
    walls, cpus = [], []
    for _ in range(rounds):
        wall = cpu = 0.0
        for path in files:
            clear_caches()
            w, c = time.perf_counter(), time.process_time()
            extract_record(read_source(path))
            wall += time.perf_counter() - w
            cpu += time.process_time() - c
        walls.append(wall)
        cpus.append(cpu)
    return min(walls), min(cpus)


STAGES = ("extract_metadata", "extract_citations", "extract_unnumbered_mentions", "find_tables", "extract_tasks",
          "citation_index", "numbers_mentioned", "extract_targets", "collect_agencies")


def measure_stages(files: list[Path], rounds: int) -> tuple[float, dict[str, float]]:
    """(CPU seconds, CPU seconds per stage) of the round with the least CPU time: each stage
    function ``extract_record`` calls is timed where the record module looks it up."""
    from pipelines.extract import record

    spent: dict[str, float] = {}

    def timed(name: str, fn):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - started
        return wrapper

    originals = {name: getattr(record, name) for name in STAGES}
    best: tuple[float, dict[str, float]] | None = None
    try:
        for name, fn in originals.items():
            setattr(record, name, timed(name, fn))
        for _ in range(rounds):
            clear_caches()
            spent.clear()
            c = time.process_time()
            for path in files:
                record.extract_record(read_source(path))
            cpu = time.process_time() - c
            if best is None or cpu < best[0]:
                best = (cpu, dict(spent))
    finally:
        for name, fn in originals.items():
            setattr(record, name, fn)
    assert best is not None
    return best


def profile(files: list[Path], top: int) -> str:
    clear_caches()
    prof = cProfile.Profile()
    prof.enable()
    run_once(files)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, action="append",
                    help="folder of source files (repeatable); default data/raw and /tmp/xcorpus")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cold-per-document", action="store_true",
                    help="also clear the caches before every document (no gain from text shared across documents)")
    ap.add_argument("--stages", action="store_true", help="print the CPU time of each extraction stage")
    ap.add_argument("--profile", action="store_true", help="print the top functions of one cProfile run")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    corpora = a.corpus or [ROOT / "data" / "raw", DEFAULT_GENERATED]
    if not a.corpus and not DEFAULT_GENERATED.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_corpus.py"), "--n", "300",
                        "--seed", "7", "--out", str(DEFAULT_GENERATED)], check=True)
    for folder in corpora:
        files = sources_of(folder)
        mb = sum(p.stat().st_size for p in files) / 1e6
        run_once(files[:3])  # warm imports and regex compilation, not the per-document caches
        wall, cpu = measure(files, a.rounds)
        print(f"{folder}: {len(files)} files, {mb:.2f} MB  "
              f"{mb / cpu:.2f} MB per CPU-second  {mb / wall:.2f} MB/s wall  (best of {a.rounds})")
        if a.cold_per_document:
            wall, cpu = measure_cold(files, a.rounds)
            print(f"{'':>{len(str(folder))}}  caches cleared before every document: "
                  f"{mb / cpu:.2f} MB per CPU-second  {mb / wall:.2f} MB/s wall")
        if a.stages:
            cpu, spent = measure_stages(files, a.rounds)
            print(f"{'':>{len(str(folder))}}  stages (best round, {cpu * 1000:.1f} CPU-ms in all):")
            for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
                print(f"{'':>{len(str(folder))}}    {name:<28} {seconds * 1000:8.1f} ms  {100 * seconds / cpu:5.1f}%")
        if a.profile:
            print(profile(files, a.top))


if __name__ == "__main__":
    main()
