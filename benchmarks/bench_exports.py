"""Benchmark the exports of a published store (issue 8): seconds per file and peak RSS.

Run: .venv/bin/python benchmarks/bench_exports.py OUTPUTS_DIR [--page] [--only graph.ttl,tasks.csv]

OUTPUTS_DIR holds a published store (``vanban build`` or benchmarks/bench_scale.py). Each export is
written by the same function ``graph.export.write_exports`` uses, into OUTPUTS_DIR, and timed on
its own; peak RSS is the process high-water mark (ru_maxrss) after each step, so it only grows.
With ``--page`` the NetworkX projection and the interactive page (graph.html) are measured too.
Each step runs in this one process, as ``vanban build`` runs them.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outputs", type=Path)
    parser.add_argument("--page", action="store_true", help="also time the projection and graph.html")
    parser.add_argument("--only", default="", help="comma-separated export names to time (default: all)")
    args = parser.parse_args()

    from graph.export import EXPORTS
    from graph.store import open_store

    outputs: Path = args.outputs
    start_rss = peak_mb()
    t0 = time.perf_counter()
    store = open_store(outputs, read_only=True)
    print(f"store: {len(store):,} quads, opened in {time.perf_counter() - t0:.2f} s (RSS peak {start_rss:.0f} MB)")
    only = {s for s in args.only.split(",") if s}
    total = 0.0
    print(f"{'file':<16} {'seconds':>8} {'MB':>9} {'peak RSS MB':>12}")
    for name, writer in EXPORTS.items():
        if only and name not in only:
            continue
        t = time.perf_counter()
        writer(store, outputs)
        dt = time.perf_counter() - t
        total += dt
        size = (outputs / name).stat().st_size / 1e6
        print(f"{name:<16} {dt:8.2f} {size:9.1f} {peak_mb():12.0f}")
    print(f"{'exports total':<16} {total:8.2f}")

    if args.page:
        from graph.draw import write_graph_page
        from graph.network import project

        store = open_store(outputs, read_only=True)
        t = time.perf_counter()
        g = project(store)
        dt = time.perf_counter() - t
        print(f"{'projection':<16} {dt:8.2f} {'':>9} {peak_mb():12.0f}   "
              f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges")
        t = time.perf_counter()
        counts = write_graph_page(g, outputs / "graph.html")
        dt = time.perf_counter() - t
        size = (outputs / "graph.html").stat().st_size / 1e6
        print(f"{'graph.html':<16} {dt:8.2f} {size:9.1f} {peak_mb():12.0f}   "
              f"drawn: {counts['nodes']:,} nodes, {counts['edges']:,} edges")


if __name__ == "__main__":
    main()
