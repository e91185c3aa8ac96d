"""Store load time and lineage latency at about 1M triples on a synthetic corpus of plans.

usage: .venv/bin/python benchmarks/bench_store.py [--triples 1000000] [--queries 200] [--seed 7] [--keep DIR]

The corpus is made of copies of a gold record (tests/fixtures/gold, seed 000: 49 tasks,
31 citations, 77 agencies) re-issued as plans of many provinces and years.  Each synthetic
plan rests on (căn cứ) one or two earlier plans of its province and on a national
resolution, and some implement another province's plan, so lineage chains are several links
deep and cross provinces.  Each plan is built into its own named graph by graph/build.py
(rdflib, N-Quads), then published by graph/store.py (Oxigraph bulk load into a fresh
version directory, atomic switch).  Printed:

- graph build time (rdflib, per document), store publish (load) time, triples, peak RSS;
- an incremental re-publish with one changed document;
- lineage latency p50/p95 over random plans, up and down, for the raw transitive SPARQL
  query and for ``graph.query.lineage`` end to end (edges + quotes + labels);
- saved query 6 (agency workload, a group-by) once.

Target from issue 5: lineage p50 under 20 ms.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from graph.build import document_graph_nquads  # noqa: E402
from graph.query import find_documents, lineage, load_query, select  # noqa: E402
from graph.store import open_store, publish_store  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "gold" / "000_8b11740c270d85e3.json"
PROVINCES = ROOT / "data" / "reference" / "provinces.csv"
RAW_LINEAGE = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX vn: <https://w3id.org/vanban/ontology#>
SELECT DISTINCT ?x WHERE { <%s> (eli:based_on|vn:implements)+ ?x }"""
RAW_IMPACT = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX vn: <https://w3id.org/vanban/ontology#>
SELECT DISTINCT ?x WHERE { <%s> (^eli:based_on|^vn:implements)+ ?x }"""


def provinces() -> list[str]:
    lines = PROVINCES.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split(",")[0] for line in lines if line.strip()]


def synthetic_records(n: int, rng: random.Random, n_provinces: int = 12) -> list[tuple[dict, str]]:
    """``n`` plans (record, sha256) derived from the gold record of seed 000."""
    template = json.loads(GOLD.read_text(encoding="utf-8"))
    template["extractor_version"] = "bench"
    places = provinces()[:n_provinces]
    made: list[dict] = []
    out = []
    for i in range(n):
        rec = copy.deepcopy(template)
        province = places[i % len(places)]
        year = 2015 + (i // len(places)) % 10
        number = f"{100 + i}/KH-UBND"
        rec["source"] = f"synthetic_{i:05d}.txt"
        rec["document"].update({"number": number, "province": province, "issuer": f"UBND tỉnh {province}",
                                "date": f"{year}-06-{1 + i % 28:02d}"})
        for a in rec["agencies"]:
            if a.get("province") not in (None, "national"):
                a["province"] = province
        cites = [c for c in rec["citations"] if c["relation"] == "cites"]
        base = [{"number": "76/NQ-CP", "doc_type": "Nghị quyết", "issuer": "Chính phủ", "date": "2021-07-15",
                 "title": None, "relation": "based_on", "aliases": [],
                 "first_mention": "Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 của Chính phủ"}]
        same_province = [m for m in made if m["document"]["province"] == province]
        for parent in rng.sample(same_province, min(len(same_province), rng.choice((1, 2)))):
            d = parent["document"]
            base.append({"number": d["number"], "doc_type": "Kế hoạch", "issuer": d["issuer"], "date": d["date"],
                         "title": None, "relation": "based_on", "aliases": [],
                         "first_mention": f"Căn cứ Kế hoạch số {d['number']} của Ủy ban nhân dân tỉnh"})
        if made and rng.random() < 0.3:
            d = rng.choice(made)["document"]
            base.append({"number": d["number"], "doc_type": "Kế hoạch", "issuer": d["issuer"], "date": d["date"],
                         "title": None, "relation": "implements", "aliases": [],
                         "first_mention": f"thực hiện Kế hoạch số {d['number']}"})
        rec["citations"] = base + cites
        rec["tasks"] = [t for t in rec["tasks"] if not t.get("cited_numbers")]
        made.append(rec)
        out.append((rec, f"{i:064x}"))
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--provinces", type=int, default=12, help="Spread the plans over this many provinces.")
    ap.add_argument("--keep", type=Path, default=None, help="Build into this folder and keep it.")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    proc = psutil.Process()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench-store-"))
    nq_dir = workdir / "graphs"
    nq_dir.mkdir(parents=True, exist_ok=True)

    # Size one document to know how many make the target.
    probe, sha = synthetic_records(1, random.Random(0))[0]
    per_doc = len(document_graph_nquads(probe, source_name=probe["source"], source_sha256=sha)[1].splitlines())
    n_docs = max(2, round(args.triples / per_doc))
    records = synthetic_records(n_docs, rng, args.provinces)

    t0 = time.perf_counter()
    graphs: dict[str, Path] = {}
    for rec, sha in records:
        iri, data = document_graph_nquads(rec, source_name=rec["source"], source_sha256=sha)
        path = nq_dir / (rec["source"] + ".nq")
        path.write_bytes(data)
        graphs[iri] = path
    build_s = time.perf_counter() - t0

    outputs = workdir / "outputs"
    t0 = time.perf_counter()
    summary = publish_store(outputs, graphs)
    load_s = time.perf_counter() - t0

    # Incremental: one document changes (drops a citation), everything else untouched.
    rec, sha = copy.deepcopy(records[n_docs // 2])
    rec["citations"] = rec["citations"][:-1]
    iri, data = document_graph_nquads(rec, source_name=rec["source"], source_sha256="f" * 64, previous_sha256=sha)
    graphs[iri].write_bytes(data)
    t0 = time.perf_counter()
    again = publish_store(outputs, graphs)
    incr_s = time.perf_counter() - t0

    store = open_store(outputs)
    plans = [rec["document"]["number"] for rec, _ in records]
    sample = [rng.choice(plans) for _ in range(args.queries)]
    iris = {n: find_documents(store, n)[0][0] for n in set(sample)}
    national = find_documents(store, "76/NQ-CP")[0][0]

    for n in sample[:10]:  # warm caches
        list(store.query(RAW_LINEAGE % iris[n]))
    raw_up, raw_down, full_up, full_down, sizes, links_up = [], [], [], [], [], []
    for n in sample:
        ms, rows = timed(lambda n=n: list(store.query(RAW_LINEAGE % iris[n], use_default_graph_as_union=True)))
        raw_up.append(ms)
        sizes.append(len(rows))
        raw_down.append(timed(lambda n=n: list(store.query(RAW_IMPACT % iris[n], use_default_graph_as_union=True)))[0])
        ms, links = timed(lambda n=n: lineage(store, iris[n], "up"))
        full_up.append(ms)
        links_up.append(len(links))
        full_down.append(timed(lambda n=n: lineage(store, iris[n], "down"))[0])
    national_ms, national_links = timed(lambda: lineage(store, national, "down"))
    q6_ms, (_, q6_rows) = timed(lambda: select(store, load_query("6_agency_workload")))
    saved = {}
    for name, params in (("1_lineage_up", {"number": plans[-1]}), ("2_lineage_down", {"number": "76/NQ-CP"}),
                         ("3b_agency_tasks", {"agencyName": "Sở Nội vụ"}), ("5_dangling_citations", None)):
        ms, (_, rows) = timed(lambda name=name, params=params: select(store, load_query(name), params))
        saved[name] = (ms, len(rows))

    print(f"synthetic corpus: {n_docs} plans x ~{per_doc} triples; {summary['triples']:,} triples in the store")
    print(f"graph build (rdflib -> N-Quads): {build_s:.1f} s ({build_s / n_docs * 1000:.1f} ms per document)")
    print(f"store publish (Oxigraph bulk load, fresh version, atomic switch): {load_s:.1f} s")
    print(f"incremental publish, 1 changed of {n_docs}: {incr_s:.2f} s "
          f"(replaced {len(again['replaced'])}, unchanged {len(again['unchanged'])})")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(f"peak RSS of this process (build + publish + queries): {peak_mb:.0f} MB; "
          f"RSS now {proc.memory_info().rss / 1e6:.0f} MB")
    print(f"lineage chain size (instruments reached upward): median {statistics.median(sizes):.0f}, "
          f"max {max(sizes)}; links per lineage() up: median {statistics.median(links_up):.0f}, "
          f"max {max(links_up)}")
    for label, values in (("raw SPARQL based_on|implements+ up", raw_up),
                          ("raw SPARQL based_on|implements+ down", raw_down),
                          ("graph.query.lineage up (edges+quotes+labels)", full_up),
                          ("graph.query.lineage down (edges+quotes+labels)", full_down)):
        print(f"{label:50s} p50 {pct(values, 50):7.2f} ms   p95 {pct(values, 95):7.2f} ms   (n={len(values)})")
    print(f"impact of 76/NQ-CP (every plan, {len(national_links)} links): {national_ms:.0f} ms")
    print(f"saved query 6 (agency workload group-by, {len(q6_rows)} rows): {q6_ms:.0f} ms")
    for name, (ms, n) in saved.items():
        print(f"saved query {name} ({n} rows): {ms:.0f} ms")
    if args.keep:
        print(f"store kept at {outputs}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
