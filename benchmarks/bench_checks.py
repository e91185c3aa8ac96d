"""Time the build's asset checks on a generated corpus: cold (empty SHACL cache), warm (nothing
changed) and after one document graph changed.

    .venv/bin/python benchmarks/bench_checks.py --n 1000 --workdir /tmp/chk1k

The corpus is generated and built (stages over a process pool, then publish) unless ``workdir``
already holds a published store, which is reused.  The changed graph is restored at the end.

    .venv/bin/python benchmarks/bench_checks.py --workdir /tmp/chk1k --cold-only
    .venv/bin/python benchmarks/bench_checks.py --workdir /tmp/chk1k --verdicts /tmp/verdicts.json

``--cold-only`` times the cold SHACL check alone (check_store with an empty cache file).
``--verdicts FILE`` records every graph's verdict (conforms, report, undescribed IRIs) from a cold
check of the store and of a second store of mutated copies of its first ``--mutants`` graphs
(triples dropped, retyped literals, extra values, retargeted links: violations of every kind),
then exits; when FILE already exists the new verdicts are compared with it instead (the guard
that a faster validator gives the same verdicts and reports).
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


def _cold_check(outputs: Path, workers: int, prefix: str):
    """check_store on ``outputs`` with an empty cache in a temp file; returns (result, verdicts by IRI)."""
    import tempfile

    from graph.shacl import _cache_key, check_store, read_cache
    from graph.store import read_manifest

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache.json"
        started, cpu = time.perf_counter(), _cpu()
        result = check_store(outputs, cache_path=cache, workers=workers, iri_prefix=prefix)
        elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
        cached = read_cache(cache, _cache_key(prefix))
    graphs = read_manifest(outputs)["graphs"]
    verdicts = {iri: cached[e["nquads_sha256"]] for iri, e in graphs.items()}
    print(f"  cold check of {result.graphs} graphs: {elapsed:.2f} s wall, cpu {cpu:.1f} s "
          f"({1000 * cpu / max(result.graphs, 1):.1f} cpu-ms per graph); conforms={result.conforms} "
          f"failing={len(result.failing)} dangling={len(result.dangling)}")
    return result, verdicts


def _mutate(data: bytes, rng) -> bytes:
    """A copy of one graph's N-Quads with a few random edits that break constraints of every kind."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_QUADS)
    quads = sorted(store, key=str)
    iris = sorted({q.object for q in quads if isinstance(q.object, ox.NamedNode)}, key=str)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for _ in range(rng.randint(1, 4)):
        q = rng.choice(quads)
        kind = rng.randrange(6)
        if kind == 0:  # a triple dropped (types, counts, provenance, selectors ...)
            store.remove(q)
        elif kind == 1:  # a literal retyped or respelled
            value = rng.choice([ox.Literal("a b"), ox.Literal("-1", datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer")), ox.Literal("31/12/2021"), ox.Literal("x", language="vi")])
            store.add(ox.Quad(q.subject, q.predicate, value, q.graph_name))
            if rng.random() < 0.5:
                store.remove(q)
        elif kind == 2:  # a link pointed elsewhere in the graph
            store.remove(q)
            store.add(ox.Quad(q.subject, q.predicate, rng.choice(iris), q.graph_name))
        elif kind == 3:  # a node given one more type
            typed = [t for t in quads if t.predicate == rdf_type]
            store.add(ox.Quad(q.subject, rdf_type, rng.choice(typed).object, q.graph_name))
        elif kind == 4:  # a node stripped of every type
            for t in list(store.quads_for_pattern(q.subject, rdf_type, None, None)):
                store.remove(t)
        else:  # a shared node (agency, instrument) gets a second value
            store.add(ox.Quad(q.subject, q.predicate, rng.choice(iris), q.graph_name))
    return store.dump(format=ox.RdfFormat.N_QUADS)


def record_verdicts(settings, out: Path, workers: int, mutants: int) -> None:
    import json
    import random
    import tempfile

    from graph.store import publish_store, read_manifest

    prefix = settings.base_iri + "id/"
    print("published store")
    _, verdicts = _cold_check(settings.outputs_dir, workers, prefix)
    graphs = sorted(read_manifest(settings.outputs_dir)["graphs"].items())[:mutants]
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for n, (iri, entry) in enumerate(graphs):
            path = Path(tmp) / "graphs" / f"{n:05d}.nq"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(_mutate(Path(entry["file"]).read_bytes(), random.Random(n)))
            files[iri] = path
        publish_store(Path(tmp) / "outputs", files)
        print(f"{len(files)} mutated graphs")
        _, mutated = _cold_check(Path(tmp) / "outputs", workers, prefix)
    new = {"store": verdicts, "mutated": mutated}
    failing = sum(not v["conforms"] for v in mutated.values())
    print(f"mutated graphs failing: {failing} of {len(mutated)}")
    if not out.exists():
        out.write_text(json.dumps(new, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
        print(f"verdicts recorded in {out}")
        return
    old = json.loads(out.read_text(encoding="utf-8"))
    differ = [(part, iri) for part in ("store", "mutated") for iri in sorted(set(old[part]) | set(new[part]))
              if old[part].get(iri) != new[part].get(iri)]
    for part, iri in differ[:5]:
        print(f"DIFFERENT {part} <{iri}>:\n--- recorded\n{old[part].get(iri)}\n--- now\n{new[part].get(iri)}")
    print(f"compared with {out}: {sum(map(len, old.values()))} verdicts recorded, {len(differ)} different")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/vanban-bench-checks"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--store-wide-sparql", action="store_true",
                        help="also time the SPARQL constraints as one query each over the published store")
    parser.add_argument("--cold-only", action="store_true", help="time the cold SHACL check alone")
    parser.add_argument("--verdicts", type=Path, help="record (or compare with) every graph's verdict")
    parser.add_argument("--mutants", type=int, default=300, help="graphs mutated for --verdicts")
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
    if args.verdicts is not None:
        record_verdicts(settings, args.verdicts, args.workers, args.mutants)
        return
    if args.cold_only:
        _cold_check(settings.outputs_dir, args.workers, settings.base_iri + "id/")
        return
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
