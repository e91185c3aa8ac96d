"""Time the build's asset checks on a generated corpus: cold (empty SHACL cache), warm (nothing
changed) and after one document graph changed.

    .venv/bin/python benchmarks/bench_checks.py --n 1000 --workdir /tmp/chk1k

The corpus is generated and built (stages over a process pool, then publish) unless ``workdir``
already holds a published store, which is reused.  The changed graph is restored at the end.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _settings(workdir: Path, workers: int):
    from pipelines.settings import Settings

    return Settings.from_root(workdir, raw_dir=workdir / "raw", outputs_dir=workdir / "outputs",
                              inbox_dir=workdir / "inbox", quarantine_dir=workdir / "quarantine", draw=False,
                              workers=workers)


def build(workdir: Path, n: int, seed: int, workers: int) -> None:
    from pipelines import stages
    from pipelines.extract.parallel import map_ordered

    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_corpus.py"), "--n", str(n),
                    "--seed", str(seed), "--out", str(workdir / "raw")], check=True)
    settings = _settings(workdir, workers)
    keys = stages.source_keys(settings)
    started = time.perf_counter()
    for fn in (stages.ingest_source, stages.extract_document, stages.build_document_graph):
        for _ in map_ordered(partial(fn, settings), keys, workers, chunksize=16):
            pass
    triples = stages.publish(settings, stages.live_keys(settings))["triples"]
    print(f"built {len(keys)} plans, {triples} triples in {time.perf_counter() - started:.1f} s")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the pool's workers)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(label: str, fn, resource) -> object:
    started, cpu = time.perf_counter(), _cpu()
    result = fn(vanban=resource)
    elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
    hidden = {"report", "list", "iris", "files"}
    shown = {k: getattr(v, "value", v) for k, v in result.metadata.items() if k not in hidden}
    print(f"  {label:<24} {elapsed:7.2f} s (cpu {cpu:6.1f} s)  passed={result.passed}  {shown}")
    return result


def run_checks(title: str, resource, names: list[str]) -> None:
    from pipelines import checks

    print(title)
    for check in checks.all_checks:
        if check.check_key.name in names:
            _timed(check.check_key.name, check, resource)


def _republish(settings) -> None:
    from graph.store import publish_store, read_manifest

    graphs = {iri: Path(e["file"]) for iri, e in read_manifest(settings.outputs_dir)["graphs"].items()}
    publish_store(settings.outputs_dir, graphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/vanban-bench-checks"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--store-wide-sparql", action="store_true",
                        help="also time the SPARQL constraints as one query each over the published store")
    args = parser.parse_args()

    from graph.shacl import CACHE_FILE
    from graph.store import read_manifest, resolve_store_dir
    from pipelines.resources import VanbanResource

    workdir = args.workdir.resolve()
    if resolve_store_dir(workdir / "outputs") is None:
        build(workdir, args.n, args.seed, args.workers)
    else:
        print(f"reusing the store in {workdir / 'outputs'}")
    settings = _settings(workdir, args.workers)
    manifest = read_manifest(settings.outputs_dir)
    print(f"{len(manifest['graphs'])} graphs, {manifest['triples']} triples, {args.workers} workers, "
          f"{os.cpu_count()} cores")
    resource = VanbanResource(root=str(workdir), raw_dir=str(settings.raw_dir), outputs_dir=str(settings.outputs_dir),
                              inbox_dir=str(settings.inbox_dir), quarantine_dir=str(settings.quarantine_dir),
                              draw=False)
    cache = settings.work_dir / CACHE_FILE
    store_checks = ["shacl_shapes_conform", "no_dangling_iris"]
    everything = [*store_checks, "every_task_has_lead", "no_quarantined_sources"]

    if args.store_wide_sparql:
        from graph.shacl import sparql_violations
        from graph.store import open_store

        started = time.perf_counter()
        found = sparql_violations(open_store(settings.outputs_dir))
        print(f"SPARQL constraints, one query each over the whole store: {time.perf_counter() - started:.2f} s "
              f"({len(found)} graphs with results); the checks run them per graph in the pool instead")

    cache.unlink(missing_ok=True)
    run_checks("cold (empty cache): SHACL first, then the rest", resource, everything)
    cache.unlink(missing_ok=True)
    run_checks("cold (empty cache): dangling-IRI check first", resource, ["no_dangling_iris"])
    run_checks("warm (nothing changed)", resource, everything)

    # One document graph changes (a comment added) and is republished.
    iri, entry = sorted(manifest["graphs"].items())[0]
    path = Path(entry["file"])
    original = path.read_bytes()
    try:
        comment = f'<{iri}> <http://www.w3.org/2000/01/rdf-schema#comment> "benchmark edit" <{iri}> .\n'
        path.write_bytes(original + comment.encode())
        _republish(settings)
        run_checks(f"one graph changed ({path.name})", resource, store_checks)
        # The same in a fresh process (as a new `vanban build` would): imports and shapes included.
        path.write_bytes(original + comment.replace("benchmark edit", "benchmark edit 2").encode())
        _republish(settings)
        code = ("import sys, time; t = time.perf_counter(); from graph.shacl import check_store; "
                f"r = check_store({str(settings.outputs_dir)!r}, cache_path={str(cache)!r}, "
                f"workers={args.workers}, iri_prefix={settings.base_iri + 'id/'!r}); "
                "print(f'  fresh process, store checks {time.perf_counter() - t:7.2f} s  '"
                "f'validated={r.validated} conforms={r.conforms} dangling={len(r.dangling)}')")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        print(f"  (process wall time incl. interpreter start: {time.perf_counter() - started:.2f} s)")
    finally:
        path.write_bytes(original)
        _republish(settings)
    print(f"cache: {cache} ({cache.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
