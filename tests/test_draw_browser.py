"""The graph page in headless Debian Chromium, opened from disk (file://) with Playwright.

Set-up installs chromium with scripts/install-browser.sh when /usr/bin/chromium is missing; the
tests skip only when that installation fails (the reason is shown).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

from graph.draw import write_graph_page
from tests.test_draw import PLAN, XSS_IMG, XSS_TITLE, sample_graph, synthetic_graph

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
INSTALLER = ROOT / "scripts" / "install-browser.sh"
SCREENSHOT = ROOT / "outputs" / "graph-screenshot.png"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        proc = subprocess.run(["bash", str(INSTALLER)], capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0 or not CHROMIUM.exists():
            reason = (proc.stderr or proc.stdout).strip()[-600:]
            pytest.skip(f"chromium cannot be installed by {INSTALLER.name} (exit {proc.returncode}): {reason}")
    return str(CHROMIUM)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@dataclass
class Opened:
    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser) -> Iterator:
    contexts = []

    def _open(path: Path) -> Opened:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page)
        page.on("request", lambda r: opened.requests.append(r.url))
        page.on("console", lambda m: opened.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: opened.errors.append(str(e)))

        def on_dialog(dialog) -> None:
            opened.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.vanban && window.vanban.ready === true", timeout=60_000)
        return opened

    yield _open
    for context in contexts:
        context.close()


def node_point(page, node_id: str) -> tuple[float, float]:
    """Viewport coordinates of a node's centre."""
    return tuple(page.evaluate(
        """id => { const net = vanban.network; const p = net.getPositions([id])[id];
                   const d = net.canvasToDOM(p); const r = document.getElementById('mynetwork').getBoundingClientRect();
                   return [d.x + r.left, d.y + r.top]; }""",
        node_id,
    ))


def edge_point(page, edge_id: str) -> tuple[float, float]:
    """Viewport coordinates of the middle of an edge as drawn (curves included)."""
    return tuple(page.evaluate(
        """id => { const net = vanban.network; const p = net.body.edges[id].edgeType.getPoint(0.5);
                   const d = net.canvasToDOM(p); const r = document.getElementById('mynetwork').getBoundingClientRect();
                   return [d.x + r.left, d.y + r.top]; }""",
        edge_id,
    ))


def details_text(page) -> str:
    return page.inner_text("#details")


def test_page_from_disk_draws_everything_offline_and_clicks_open_details(
    open_page, tmp_path: Path
) -> None:
    G = sample_graph()
    path = tmp_path / "graph.html"
    counts = write_graph_page(G, path, hierarchical=True, title="vanban-graph · 397/KH-UBND")
    opened = open_page(path)
    page = opened.page

    drawn = page.evaluate("[vanban.nodes.length, vanban.edges.length, Object.keys(vanban.network.body.nodes).length]")
    assert drawn == [G.number_of_nodes(), G.number_of_edges(), G.number_of_nodes()]
    assert counts == {"nodes": drawn[0], "edges": drawn[1]}
    assert opened.requests == [path.resolve().as_uri()]  # the page itself and nothing else
    assert opened.errors == []

    page.mouse.click(*node_point(page, PLAN))
    page.wait_for_function("id => vanban.shown && vanban.shown.id === id", arg=PLAN)
    text = details_text(page)
    assert "397/KH-UBND" in text
    assert "2021-12-20" in text
    assert "UBND tỉnh Tiền Giang" in text
    assert XSS_TITLE in text  # hostile title shown as text
    assert page.evaluate("vanban.network.getSelectedNodes()") == [PLAN]

    based_on = page.evaluate("vanban.edges.get({filter: e => e.relation === 'based_on'})[0].id")
    page.mouse.click(0, 0)
    page.mouse.click(*edge_point(page, based_on))
    page.wait_for_function("id => vanban.shown && vanban.shown.id === id", arg=based_on)
    assert page.inner_text("#details blockquote") == "Căn cứ Nghị định số 61/2018/NĐ-CP"
    assert "397-KH-UBND.docx" in details_text(page)
    assert "Căn cứ" in page.inner_text("#details-heading")

    page.mouse.click(*node_point(page, PLAN))
    page.wait_for_function("id => vanban.shown && vanban.shown.id === id", arg=PLAN)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
    assert opened.requests == [path.resolve().as_uri()]
    assert opened.errors == []
    assert opened.dialogs == []


def test_hostile_text_runs_nothing(open_page, tmp_path: Path) -> None:
    G = sample_graph()
    path = tmp_path / "xss.html"
    write_graph_page(G, path, title="<img src=x onerror=\"window.__xss=3; alert(3)\">")
    opened = open_page(path)
    page = opened.page
    ict = "https://w3id.org/vanban/id/org/tien-giang/so-thong-tin-va-truyen-thong"

    # Hover shows vis-network's tooltip: it must be text, not markup.
    page.mouse.move(*node_point(page, ict))
    page.wait_for_function(
        "() => { const t = document.querySelector('div.vis-tooltip');"
        " return t && getComputedStyle(t).visibility === 'visible'; }"
    )
    # innerText turns line breaks into <br>; anything else would be markup from the data.
    assert page.evaluate("document.querySelectorAll('div.vis-tooltip *:not(br)').length") == 0
    assert XSS_IMG in page.inner_text("div.vis-tooltip")
    implements = page.evaluate("vanban.edges.get({filter: e => e.relation === 'implements'})[0].id")
    corner = page.evaluate(
        "() => { const r = document.getElementById('mynetwork').getBoundingClientRect();"
        " return [r.left + 3, r.bottom - 3]; }"
    )
    page.mouse.move(*corner)
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('div.vis-tooltip')).visibility === 'hidden'"
    )
    page.mouse.move(*edge_point(page, implements))
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('div.vis-tooltip')).visibility === 'visible'"
    )
    assert page.inner_text("div.vis-tooltip").startswith("Thực hiện: 397/KH-UBND → 06/QĐ-TTg")
    assert XSS_IMG in page.inner_text("div.vis-tooltip")
    # innerText turns line breaks into <br>; anything else would be markup from the data.
    assert page.evaluate("document.querySelectorAll('div.vis-tooltip *:not(br)').length") == 0

    # Details of the node and of an edge whose evidence holds markup.
    page.mouse.click(*node_point(page, ict))
    page.wait_for_function("id => vanban.shown && vanban.shown.id === id", arg=ict)
    assert XSS_IMG in page.inner_text("#details-heading")
    page.evaluate("id => vanban.showEdge(id)", implements)
    assert XSS_IMG in page.inner_text("#details blockquote")
    page.evaluate("q => vanban.search(q)", "script")
    page.press("#search", "Enter")
    assert "<script>" in page.inner_text("#details")

    assert page.title() == "<img src=x onerror=\"window.__xss=3; alert(3)\">"
    assert page.evaluate("document.querySelectorAll('img, #details script, #side script').length") == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert opened.dialogs == []
    assert opened.errors == []


def test_filters_and_search(open_page, tmp_path: Path) -> None:
    G = sample_graph()
    path = tmp_path / "filters.html"
    write_graph_page(G, path)
    opened = open_page(path)
    page = opened.page
    hidden_nodes = "vanban.nodes.get({filter: n => n.hidden === true}).map(n => n.id).sort()"
    hidden_edges = "vanban.edges.get({filter: e => e.hidden === true}).map(e => e.relation)"

    page.select_option("#filter-province", "Bến Tre")
    # Nodes of another province go; national instruments (no province) stay.
    expected = sorted(n for n, d in G.nodes(data=True) if d["province"] not in ("", "Bến Tre"))
    assert page.evaluate(hidden_nodes) == expected
    page.select_option("#filter-province", "")
    assert page.evaluate(hidden_nodes) == []

    page.select_option("#filter-doctype", "KH")
    assert set(page.evaluate(hidden_nodes)) == {
        n for n, d in G.nodes(data=True) if d["kind"] in ("central", "party", "provincial") and d["doc_type"] != "KH"
    }
    page.select_option("#filter-doctype", "")

    page.click("#legend-relations [data-relation='cites'] input")
    hidden = page.evaluate(hidden_edges)
    assert hidden and set(hidden) == {"cites"}
    assert len(hidden) == sum(1 for *_, d in G.edges(data=True) if d["relation"] == "cites")
    page.click("#legend-relations [data-relation='cites'] input")
    assert page.evaluate(hidden_edges) == []

    page.click("#legend-kinds [data-kind='task'] input")
    assert len(page.evaluate(hidden_nodes)) == sum(1 for _, d in G.nodes(data=True) if d["kind"] == "task")
    page.click("#legend-kinds [data-kind='task'] input")

    # Search ignores accents and case; Enter opens the first match.
    page.fill("#search", "ke hoach cua ben tre")
    page.press("#search", "Enter")
    page.wait_for_function("() => vanban.shown && vanban.shown.type === 'node'")
    assert page.evaluate("vanban.shown.id") == "https://w3id.org/vanban/id/doc/ben-tre/2022/12-kh-ubnd"
    assert "1 kết quả" in page.inner_text("#search-count")
    assert opened.errors == []


def test_large_graph_clusters_tasks_per_plan(open_page, tmp_path: Path) -> None:
    G: nx.MultiDiGraph = synthetic_graph(plans=40, tasks_per_plan=20)
    path = tmp_path / "large.html"
    counts = write_graph_page(G, path)
    opened = open_page(path)
    page = opened.page
    assert page.evaluate("[vanban.nodes.length, vanban.edges.length]") == [counts["nodes"], counts["edges"]]
    assert page.evaluate("vanban.clusters.length") == 40
    # Tasks are folded: the canvas holds every non-task node plus one cluster per plan.
    visible = page.evaluate(
        "Object.values(vanban.network.body.nodes).filter(n => n.options.hidden !== true"
        " && vanban.network.body.nodeIndices.includes(n.id)).length"
    )
    assert visible == G.number_of_nodes() - 40 * 20 + 40

    cluster = "cluster:https://w3id.org/vanban/id/doc/p3"
    page.evaluate("id => vanban.network.focus(id, {scale: 1.2, animation: false})", cluster)
    page.mouse.click(*node_point(page, cluster))
    page.wait_for_function("() => vanban.clusters.length === 39")
    assert page.evaluate("vanban.shown.id") == "https://w3id.org/vanban/id/doc/p3"
    assert page.evaluate("id => id in vanban.network.body.nodes", cluster) is False
    # The toggle unfolds every plan and folds them again.
    page.click("#btn-cluster")
    assert page.evaluate("[vanban.clustered, vanban.clusters.length]") == [False, 0]
    page.click("#btn-cluster")
    assert page.evaluate("[vanban.clustered, vanban.clusters.length]") == [True, 40]
    # Searching for a folded task opens its plan's cluster and shows the task.
    page.fill("#search", "VIEC 7")
    page.press("#search", "Enter")
    page.wait_for_function("() => vanban.shown && vanban.shown.id.endsWith('/task/7')")
    task = page.evaluate("vanban.shown.id")
    assert page.evaluate("id => vanban.network.clustering.findNode(id).length", task) == 1
    assert page.evaluate("vanban.clusters.length") == 39
    assert page.evaluate("vanban.network.getSelectedNodes()") == [task]
    assert opened.errors == []
    assert all(url.startswith("file://") for url in opened.requests)
