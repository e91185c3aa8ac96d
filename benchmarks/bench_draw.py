"""Benchmark the interactive graph page at scale (issue 6): write time, page size, browser timings.

Run: .venv/bin/python benchmarks/bench_draw.py [--nodes 5000] [--runs 3] [--out outputs/bench-graph.html]

Prints, for a synthetic projection shaped like the real one (plans with tasks, agencies, central,
provincial and Party instruments): Python time to lay out and write the page, file size, and in
headless Debian Chromium (file://, no network) the time from navigation start until vis-network
has drawn the page with task clusters and the page script marked it ready (``vanban.readyMs``),
the wall time seen by Playwright, and the time a click on a node takes to fill the details panel.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASE = "https://w3id.org/vanban/id/"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PROVINCES = ["Tiền Giang", "Bến Tre", "Long An", "Cần Thơ", "Đồng Tháp", "An Giang", "Vĩnh Long", "Trà Vinh"]
CENTRAL_TYPES = [
    ("NĐ-CP", "NĐ", "Chính phủ"),
    ("QĐ-TTg", "QĐ", "Thủ tướng Chính phủ"),
    ("NQ-CP", "NQ", "Chính phủ"),
    ("TT-BNV", "TT", "Bộ Nội vụ"),
]
AGENCIES = [
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Tư pháp",
    "Công an tỉnh",
    "Sở Thông tin và Truyền thông",
    "Sở Kế hoạch và Đầu tư",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Văn phòng UBND tỉnh",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Xây dựng",
]


def synthetic_projection(n_nodes: int = 5000, seed: int = 7) -> nx.MultiDiGraph:
    """A projection-shaped graph with exactly ``n_nodes`` nodes (about 60 % tasks)."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    n_central = max(2, n_nodes // 12)
    n_party = max(1, n_nodes // 60)
    n_provincial = max(1, n_nodes // 20)
    agencies = [(p, a) for p in PROVINCES for a in AGENCIES]
    n_agency = min(len(agencies), max(1, n_nodes // 40))
    rest = n_nodes - n_central - n_party - n_provincial - n_agency
    n_plans = max(1, rest // 21)
    n_tasks = rest - n_plans
    central, party, provincial, agency_ids, plans = [], [], [], [], []
    for i in range(n_central):
        suffix, dtype, issuer = CENTRAL_TYPES[i % len(CENTRAL_TYPES)]
        number = f"{i + 1}/{2015 + i % 10}/{suffix}"
        iri = f"{BASE}doc/{i + 1}-{2015 + i % 10}-{dtype.lower()}-{i}"
        G.add_node(
            iri,
            kind="central",
            label=number,
            number=number,
            title=f"Văn bản trung ương số {i + 1}",
            date=f"{2015 + i % 10}-0{1 + i % 9}-1{i % 9}",
            issuer=issuer,
            province="",
            doc_type=dtype,
        )
        central.append(iri)
    for i in range(n_party):
        prov = PROVINCES[i % len(PROVINCES)]
        number = f"{i + 1:02d}-NQ/TU"
        iri = f"{BASE}doc/tinh-uy-{i % len(PROVINCES)}/2021/{i + 1}-nq-tu"
        G.add_node(
            iri,
            kind="party",
            label=number,
            number=number,
            title=f"Nghị quyết Tỉnh ủy {prov} số {i + 1}",
            date="2021-05-01",
            issuer=f"Tỉnh ủy {prov}",
            province=prov,
            doc_type="NQ",
        )
        party.append(iri)
    for i in range(n_provincial):
        prov = PROVINCES[i % len(PROVINCES)]
        number = f"{100 + i}/QĐ-UBND"
        iri = f"{BASE}doc/p{i % len(PROVINCES)}/2022/{100 + i}-qd-ubnd"
        G.add_node(
            iri,
            kind="provincial",
            label=number,
            number=number,
            title=f"Quyết định của UBND tỉnh {prov}",
            date="2022-03-04",
            issuer=f"UBND tỉnh {prov}",
            province=prov,
            doc_type="QĐ",
        )
        provincial.append(iri)
    for prov, name in agencies[:n_agency]:
        iri = f"{BASE}org/{PROVINCES.index(prov)}/{AGENCIES.index(name)}"
        G.add_node(iri, kind="agency", label=name, province=prov, issuer="", number="", title="", date="", doc_type="")
        agency_ids.append((prov, iri))
    for i in range(n_plans):
        prov = PROVINCES[i % len(PROVINCES)]
        number = f"{200 + i}/KH-UBND"
        iri = f"{BASE}doc/p{i % len(PROVINCES)}/2023/{200 + i}-kh-ubnd"
        G.add_node(
            iri,
            kind="plan",
            label=number,
            number=number,
            title=f"Kế hoạch thực hiện số {200 + i} của {prov}",
            date="2023-02-01",
            issuer=f"UBND tỉnh {prov}",
            province=prov,
            doc_type="KH",
        )
        plans.append((prov, iri))
        src = f"{200 + i}-KH-UBND.docx"
        for target, rel in (
            (rng.choice(central), "implements"),
            (rng.choice(central), "based_on"),
            (rng.choice(central), "based_on"),
            (rng.choice(party), "cites"),
            (rng.choice(provincial), "cites"),
        ):
            G.add_edge(
                iri,
                target,
                relation=rel,
                evidence=f"Căn cứ văn bản {G.nodes[target]['number']}",
                source=src,
                property=f"eli:{rel}",
            )
    local_agencies = {p: [a for q, a in agency_ids if q == p] or [a for _, a in agency_ids] for p in PROVINCES}
    for t in range(n_tasks):
        prov, plan = plans[t % n_plans]
        iri = f"{plan}/task/{t}"
        G.add_node(
            iri,
            kind="task",
            label=f"Nhiệm vụ {t}: triển khai nội dung {t % 17}",
            title="",
            number="",
            date="",
            issuer="",
            province=prov,
            doc_type="",
        )
        src = G.nodes[plan]["number"].replace("/", "-") + ".docx"
        G.add_edge(plan, iri, relation="has_task", evidence="", source=src, property="vn:hasTask")
        lead = rng.choice(local_agencies[prov])
        G.add_edge(iri, lead, relation="lead", evidence="chủ trì", source=src, property="vn:leadAgency")
        for other in rng.sample(local_agencies[prov], k=min(2, len(local_agencies[prov]))):
            if other != lead:
                G.add_edge(
                    iri,
                    other,
                    relation="coordinator",
                    evidence="phối hợp",
                    source=src,
                    property="vn:coordinatingAgency",
                )
    # Provincial instruments rest on central ones too.
    for iri in provincial:
        G.add_edge(
            iri, rng.choice(central), relation="based_on", evidence="Căn cứ", source="x.docx", property="eli:based_on"
        )
    assert G.number_of_nodes() == n_nodes, G.number_of_nodes()
    return G


def measure_browser(path: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            start = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.wait_for_function("window.vanban && window.vanban.ready", timeout=120_000)
            wall = time.perf_counter() - start
            ready_ms = page.evaluate("window.vanban.readyMs")
            phases = page.evaluate("window.vanban.timings")
            counts = page.evaluate("[vanban.nodes.length, vanban.edges.length, vanban.clusters.length]")
            # Interactive: bring the first plan to the middle at scale 1, click it, time the details panel.
            plan_id = page.evaluate("vanban.nodes.get({filter: n => n.kind === 'plan'})[0].id")
            page.evaluate("id => vanban.network.focus(id, {scale: 1.0, animation: false})", plan_id)
            xy = page.evaluate(
                "id => { const p = vanban.network.getPositions([id])[id];"
                " const d = vanban.network.canvasToDOM(p); const r = document.getElementById('mynetwork')"
                ".getBoundingClientRect(); return [d.x + r.left, d.y + r.top]; }",
                plan_id,
            )
            click_start = time.perf_counter()
            page.mouse.click(xy[0], xy[1])
            page.wait_for_function("id => vanban.shown && vanban.shown.id === id", arg=plan_id, timeout=30_000)
            click_ms = (time.perf_counter() - click_start) * 1000
            foreign = [u for u in requests if not u.startswith("file://")]
            return {
                "ready_ms": float(ready_ms),
                "wall_s": wall,
                "click_ms": click_ms,
                "nodes": counts[0],
                "edges": counts[1],
                "clusters": counts[2],
                "phases": phases,
                "foreign_requests": len(foreign),
                "console_errors": len(errors),
            }
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hierarchical", action="store_true")
    parser.add_argument("--no-cluster", action="store_true", help="Draw every task node (no clusters).")
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "bench-graph.html")
    args = parser.parse_args()

    from graph.draw import write_graph_page

    G = synthetic_projection(args.nodes)
    t0 = time.perf_counter()
    counts = write_graph_page(
        G,
        args.out,
        hierarchical=args.hierarchical,
        title=f"bench {args.nodes}",
        cluster_tasks=False if args.no_cluster else None,
    )
    write_s = time.perf_counter() - t0
    size_mb = args.out.stat().st_size / 1e6
    print(
        f"graph: {counts['nodes']} nodes, {counts['edges']} edges; page {size_mb:.2f} MB; "
        f"layout+write {write_s:.2f} s -> {args.out}"
    )
    results = [measure_browser(args.out) for _ in range(args.runs)]
    for i, r in enumerate(results, 1):
        print(
            f"run {i}: ready {r['ready_ms'] / 1000:.2f} s after navigation start "
            f"(wall {r['wall_s']:.2f} s), click->details {r['click_ms']:.0f} ms, "
            f"drawn {r['nodes']}/{r['edges']} ({r['clusters']} task clusters), "
            f"foreign requests {r['foreign_requests']}, console errors {r['console_errors']}"
        )
        p = r["phases"]
        steps = [
            ("script start", "start"),
            ("JSON parsed", "parsed"),
            ("datasets", "datasets"),
            ("network", "network"),
            ("panel+filters", "ui"),
            ("clusters", "clustered"),
            ("first draw", "drawn"),
        ]
        print("       " + ", ".join(f"{label} {p[key] / 1000:.2f}" for label, key in steps) + " (s since navigation)")
    ready = [r["ready_ms"] / 1000 for r in results]
    print(
        f"ready: median {statistics.median(ready):.2f} s, max {max(ready):.2f} s over {len(ready)} runs "
        f"(target: interactive within 10 s)"
    )


if __name__ == "__main__":
    main()
