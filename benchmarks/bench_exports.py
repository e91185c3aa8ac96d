"""Benchmark the exports of a published store (issue 8): seconds per file and peak RSS.

Run: .venv/bin/python benchmarks/bench_exports.py OUTPUTS_DIR [--steps] [--only graph.ttl,tasks.csv] [--page]

OUTPUTS_DIR holds a published store (``vanban build`` or benchmarks/bench_scale.py). First
``graph.export.write_exports`` runs as ``vanban build`` runs it (RDF files in a child process
beside the tables): wall seconds and peak RSS of this process and of the child.  With ``--steps``
each export is then written again by itself, in this one process, and timed on its own; peak
RSS is the high-water mark (ru_maxrss) after each step, so it only grows.  With ``--page`` the
NetworkX projection and the interactive page (graph.html) are measured too.  Other work on the
machine slows every figure: check ``uptime`` before trusting one.

Measured on this 2-core machine (corpora from benchmarks/generate_corpus.py, seeds 7 and 11, built
with the pipeline stages and published):

- 1,000 plans, 2,506,902 quads: write_exports 21.9 s wall (121 s before this rework), peak RSS
  414 MB + 179 MB (child).  Alone: graph.trig 12.4 s, graph.ttl 4.0, graph.jsonld 4.7,
  graph.graphml 9.9, tasks.csv 5.9, citations.csv 2.5, agencies.csv 1.6.  Projection 9.7 s
  (34,708 nodes, 106,565 edges); graph.html 1.0 s, drawn as a summary of 4,760 nodes and
  31,224 edges, ready in Chromium in 2.6 s.
- 3,000 plans, 7,654,004 quads: 133.9 s wall as published (76 SST files: every term lookup
  probes them all, the TriG dump alone took 103 s); 71.7 s after ``Store.optimize()`` (10 s) on
  a copy; peak RSS 805 MB + 262 MB.  Projection 48 s (99,807 nodes); page 2.5 s, 5,710 nodes
  (tasks and agencies folded), ready in Chromium in 3.6 s.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outputs", type=Path)
    parser.add_argument("--page", action="store_true", help="also time the projection and graph.html")
    parser.add_argument("--steps", action="store_true", help="also time each export on its own")
    parser.add_argument("--only", default="", help="with --steps: comma-separated export names (default: all)")
    args = parser.parse_args()

    from graph.export import EXPORTS, write_exports
    from graph.store import open_store

    outputs: Path = args.outputs
    store = open_store(outputs, read_only=True)
    print(f"store: {len(store):,} quads")
    t = time.perf_counter()
    write_exports(outputs)
    print(f"write_exports: {time.perf_counter() - t:.1f} s wall; peak RSS {peak_mb():.0f} MB here, "
          f"{peak_mb(resource.RUSAGE_CHILDREN):.0f} MB in the child writing the RDF files")
    if args.page:
        bench_page(outputs)
    if not args.steps:
        return
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


def bench_page(outputs: Path) -> None:
    from graph.draw import write_graph_page
    from graph.network import project
    from graph.store import open_store


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
