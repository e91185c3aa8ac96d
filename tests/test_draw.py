"""The interactive graph page, checked without a browser (the browser tests are in test_draw_browser.py)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from graph.draw import KINDS, RELATIONS, focus_subgraph, layout_positions, render_page, write_graph_page

B = "https://w3id.org/vanban/id/"
PLAN = B + "doc/tien-giang/2021/397-kh-ubnd"
DECREE = B + "doc/06-qd-ttg"
XSS_TITLE = "Kế hoạch <script>window.__xss = 1; alert('xss')</script> số 397"
XSS_IMG = '<img src=x onerror="window.__xss = 2; alert(2)">'


def sample_graph() -> nx.MultiDiGraph:
    """A plan with its lineage, tasks and agencies, carrying hostile text in every free-text field."""
    G = nx.MultiDiGraph()

    def doc(iri: str, kind: str, number: str, title: str, **extra: str) -> None:
        G.add_node(iri, kind=kind, label=number, number=number, title=title, date=extra.get("date", ""),
                   issuer=extra.get("issuer", ""), province=extra.get("province", ""),
                   doc_type=extra.get("doc_type", ""))

    doc(PLAN, "plan", "397/KH-UBND", XSS_TITLE, date="2021-12-20", issuer="UBND tỉnh Tiền Giang",
        province="Tiền Giang", doc_type="KH")
    doc(DECREE, "central", "06/QĐ-TTg", "Đề án 06 " + XSS_IMG, date="2022-01-06", issuer="Thủ tướng Chính phủ",
        doc_type="QĐ")
    doc(B + "doc/61-2018-nd-cp", "central", "61/2018/NĐ-CP", "Nghị định về cơ chế một cửa", issuer="Chính phủ",
        doc_type="NĐ")
    doc(B + "doc/tinh-uy-tien-giang/2021/09-nq-tu", "party", "09-NQ/TU", "Nghị quyết về chuyển đổi số",
        issuer="Tỉnh ủy Tiền Giang", province="Tiền Giang", doc_type="NQ")
    doc(B + "doc/tien-giang/2021/15-qd-ubnd", "provincial", "15/QĐ-UBND", "Quyết định của UBND tỉnh",
        issuer="UBND tỉnh Tiền Giang", province="Tiền Giang", doc_type="QĐ")
    doc(B + "doc/ben-tre/2022/12-kh-ubnd", "plan", "12/KH-UBND", "Kế hoạch của Bến Tre", province="Bến Tre",
        issuer="UBND tỉnh Bến Tre", doc_type="KH")
    agencies = {
        "police": B + "org/tien-giang/cong-an-tinh",
        "home": B + "org/tien-giang/so-noi-vu",
        "ict": B + "org/tien-giang/so-thong-tin-va-truyen-thong",
    }
    for name, iri in zip(("Công an tỉnh", "Sở Nội vụ", XSS_IMG), agencies.values(), strict=True):
        G.add_node(iri, kind="agency", label=name, number="", title=name, date="", issuer="",
                   province="Tiền Giang", doc_type="")
    src = "397-KH-UBND.docx"
    G.add_edge(PLAN, DECREE, relation="implements", property="https://w3id.org/vanban/ontology#implements",
               evidence="Thực hiện Quyết định số 06/QĐ-TTg " + XSS_IMG, source=src)
    G.add_edge(PLAN, B + "doc/61-2018-nd-cp", relation="based_on", source=src,
               evidence="Căn cứ Nghị định số 61/2018/NĐ-CP", property="http://data.europa.eu/eli/ontology#based_on")
    G.add_edge(PLAN, B + "doc/tinh-uy-tien-giang/2021/09-nq-tu", relation="cites", source=src,
               evidence="Nghị quyết số 09-NQ/TU", property="http://data.europa.eu/eli/ontology#cites")
    G.add_edge(PLAN, B + "doc/tien-giang/2021/15-qd-ubnd", relation="cites", source=src,
               evidence="Quyết định 15/QĐ-UBND", property="http://data.europa.eu/eli/ontology#cites")
    G.add_edge(B + "doc/ben-tre/2022/12-kh-ubnd", DECREE, relation="implements", source="12-KH-UBND.pdf",
               evidence="triển khai Quyết định 06/QĐ-TTg", property="https://w3id.org/vanban/ontology#implements")
    for i in range(1, 5):
        task = f"{PLAN}/task/{i}"
        G.add_node(task, kind="task", label=str(i), number="397/KH-UBND", title=f"Triển khai nội dung {i}",
                   date="", issuer="", province="Tiền Giang", doc_type="")
        G.add_edge(PLAN, task, relation="has_task", evidence="", source=src, property="vn:hasTask")
        G.add_edge(task, agencies["police" if i % 2 else "home"], relation="lead", source=src,
                   evidence=f"Công an tỉnh chủ trì nội dung {i}", property="vn:leadAgency")
        G.add_edge(task, agencies["ict"], relation="coordinator", evidence="phối hợp " + XSS_TITLE, source=src,
                   property="vn:coordinatingAgency")
    return G


def synthetic_graph(plans: int, tasks_per_plan: int, decrees: int = 20) -> nx.MultiDiGraph:
    """Many plans, each with tasks led by a small pool of agencies (enough nodes for task clusters)."""
    G = nx.MultiDiGraph()
    for d in range(decrees):
        G.add_node(f"{B}doc/d{d}", kind="central", label=f"{d}/2020/NĐ-CP", number=f"{d}/2020/NĐ-CP", title="",
                   date="", issuer="Chính phủ", province="", doc_type="NĐ")
    for a in range(10):
        G.add_node(f"{B}org/a{a}", kind="agency", label=f"Sở {a}", number="", title="", date="", issuer="",
                   province="Tiền Giang", doc_type="")
    for p in range(plans):
        plan = f"{B}doc/p{p}"
        G.add_node(plan, kind="plan", label=f"{p}/KH-UBND", number=f"{p}/KH-UBND", title=f"Kế hoạch {p}",
                   date="", issuer="UBND tỉnh", province="Tiền Giang", doc_type="KH")
        G.add_edge(plan, f"{B}doc/d{p % decrees}", relation="based_on", evidence="Căn cứ", source=f"{p}.docx",
                   property="eli:based_on")
        for t in range(tasks_per_plan):
            task = f"{plan}/task/{t}"
            G.add_node(task, kind="task", label=str(t + 1), number=f"{p}/KH-UBND", title=f"Việc {t}", date="",
                       issuer="", province="", doc_type="")
            G.add_edge(plan, task, relation="has_task", evidence="", source=f"{p}.docx", property="vn:hasTask")
            G.add_edge(task, f"{B}org/a{(p + t) % 10}", relation="lead", evidence="chủ trì", source=f"{p}.docx",
                       property="vn:leadAgency")
    return G


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.json_blocks: list[str] = []
        self._in_json = False
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.refs.append((tag, name, value))
        self._in_json = tag == "script" and ("type", "application/json") in attrs
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_json = self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_blocks.append(data)
        if self._in_title:
            self.title += data


def parse_page(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


@pytest.fixture
def page(tmp_path: Path) -> tuple[Path, dict, _Tags]:
    path = tmp_path / "graph.html"
    counts = write_graph_page(sample_graph(), path, title="Trang <script>alert(3)</script>")
    return path, counts, parse_page(path.read_text(encoding="utf-8"))


def page_data(parsed: _Tags) -> dict:
    assert len(parsed.json_blocks) == 1
    return json.loads(parsed.json_blocks[0])


def test_page_counts_and_data_cover_the_graph(page: tuple[Path, dict, _Tags]) -> None:
    _, counts, parsed = page
    G = sample_graph()
    assert counts == {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
    data = page_data(parsed)
    assert {n["id"] for n in data["nodes"]} == set(G.nodes)
    assert len(data["edges"]) == G.number_of_edges()
    assert {(e["from"], e["to"], e["relation"]) for e in data["edges"]} == {
        (u, v, d["relation"]) for u, v, d in G.edges(data=True)
    }
    assert data["config"]["counts"] == counts


def test_page_is_self_contained(page: tuple[Path, dict, _Tags]) -> None:
    path, _, parsed = page
    html = path.read_text(encoding="utf-8")
    # The only reference is the empty inline favicon that stops browsers asking for /favicon.ico.
    assert parsed.refs == [("link", "href", "data:,")]
    assert "bootstrap" not in html.lower()
    assert "tom-select" not in html.lower()
    assert "new vis.Network" in html  # vis-network itself is inlined
    assert "default-src 'none'" in html  # and the page forbids fetching anything else


def test_hostile_text_never_reaches_markup(page: tuple[Path, dict, _Tags]) -> None:
    path, _, parsed = page
    html = path.read_text(encoding="utf-8")
    assert "<script>window.__xss" not in html
    assert "<img" not in html
    assert "<script>alert(3)" not in html
    assert parsed.title == "Trang <script>alert(3)</script>"  # escaped in <title>, shown as text
    data = page_data(parsed)
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id[PLAN]["title"].splitlines()[1] == XSS_TITLE  # tooltip: plain text for innerText ...
    evidences = {e["evidence"] for e in data["edges"]}
    assert "Thực hiện Quyết định số 06/QĐ-TTg " + XSS_IMG in evidences  # ... and the data round-trips intact


def test_styles_follow_kind_and_relation(page: tuple[Path, dict, _Tags]) -> None:
    data = page_data(page[2])
    groups = data["options"]["groups"]
    for node in data["nodes"]:
        style = KINDS[node["kind"]]
        assert node["group"] == node["kind"]
        assert groups[node["group"]]["shape"] == style.shape
        assert groups[node["group"]]["color"]["background"] == style.color
    for relation, style in data["config"]["relations"].items():
        assert style["color"] == RELATIONS[relation].color
        assert style["dashes"] == RELATIONS[relation].dashes
    assert data["config"]["relations"]["based_on"]["label"] == "Căn cứ"
    assert data["config"]["relations"]["lead"]["label"] == "Chủ trì"
    assert data["config"]["provinces"] == ["Bến Tre", "Tiền Giang"]
    assert data["config"]["docTypes"] == ["KH", "NQ", "NĐ", "QĐ"]
    assert len({KINDS[k].shape for k in KINDS}) == len(KINDS)  # every kind is told apart by its shape too


def test_task_names_read_as_sentences(page: tuple[Path, dict, _Tags]) -> None:
    data = page_data(page[2])
    task = next(n for n in data["nodes"] if n["id"] == f"{PLAN}/task/2")
    assert task["name"] == "2. Triển khai nội dung 2"
    assert task["plan"] == PLAN
    plan = next(n for n in data["nodes"] if n["id"] == PLAN)
    assert plan["search"].startswith("397/kh-ubnd")
    assert "ke hoach" in plan["search"]  # diacritics and case folded for searching


def test_unknown_kind_and_relation_fall_back() -> None:
    G = nx.MultiDiGraph()
    G.add_node("a", kind="mystery", label="A")
    G.add_node("b", label="B")
    G.add_edge("a", "b", relation="amends")
    data = page_data(parse_page(render_page(G)))
    assert {n["kind"] for n in data["nodes"]} == {"instrument"}
    assert data["config"]["relations"]["amends"]["label"] == "Liên kết"


def test_focus_by_number_iri_and_label() -> None:
    G = sample_graph()
    by_number = focus_subgraph(G, "397/kh-ubnd ", 1)
    assert PLAN in by_number and DECREE in by_number
    assert B + "doc/ben-tre/2022/12-kh-ubnd" not in by_number  # two links away
    assert B + "doc/ben-tre/2022/12-kh-ubnd" in focus_subgraph(G, PLAN, 2)
    assert set(focus_subgraph(G, DECREE, 0).nodes) == {DECREE}
    assert B + "org/tien-giang/so-noi-vu" in focus_subgraph(G, "Sở Nội vụ", 0)
    with pytest.raises(KeyError, match="999/XX"):
        focus_subgraph(G, "999/XX", 2)


def test_focus_keeps_every_namesake() -> None:
    G = sample_graph()
    other = B + "doc/ben-tre/2021/397-kh-ubnd"
    G.add_node(other, kind="plan", label="397/KH-UBND", number="397/KH-UBND", province="Bến Tre")
    sub = focus_subgraph(G, "397/KH-UBND", 0)
    assert set(sub.nodes) == {PLAN, other}
    assert set(sub.graph["focus"]) == {PLAN, other}


def test_write_focus_counts_only_the_neighbourhood(tmp_path: Path) -> None:
    G = sample_graph()
    counts = write_graph_page(G, tmp_path / "f.html", focus="06/QĐ-TTg", depth=1)
    assert counts == {"nodes": 3, "edges": 2}
    data = page_data(parse_page((tmp_path / "f.html").read_text(encoding="utf-8")))
    assert data["config"]["focus"] == [DECREE]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.html"]  # atomic write left no temp file


def test_hierarchical_layout_puts_higher_instruments_above() -> None:
    G = sample_graph()
    # A plan implementing another plan sits below it.
    G.add_node(B + "doc/tien-giang/2022/5-kh-ubnd", kind="plan", label="5/KH-UBND", number="5/KH-UBND")
    G.add_edge(B + "doc/tien-giang/2022/5-kh-ubnd", PLAN, relation="implements")
    pos = layout_positions(G, hierarchical=True)
    y = {n: p[1] for n, p in pos.items()}
    assert set(pos) == set(G.nodes)
    assert y[DECREE] < y[B + "doc/tien-giang/2021/15-qd-ubnd"] < y[PLAN]
    assert y[B + "doc/tinh-uy-tien-giang/2021/09-nq-tu"] < y[PLAN]
    assert y[PLAN] < y[B + "doc/tien-giang/2022/5-kh-ubnd"]
    assert y[PLAN] < y[f"{PLAN}/task/1"] < y[B + "org/tien-giang/cong-an-tinh"]
    assert len(set(pos.values())) == len(pos)  # nobody sits on anybody


def test_citation_cycles_do_not_break_the_layout() -> None:
    G = nx.MultiDiGraph()
    for n in "abc":
        G.add_node(n, kind="plan", label=n)
    G.add_edge("a", "b", relation="cites")
    G.add_edge("b", "a", relation="based_on")
    G.add_edge("c", "a", relation="implements")
    pos = layout_positions(G, hierarchical=True)
    assert pos["a"][1] == pos["b"][1] < pos["c"][1]


def test_default_layout_separates_components() -> None:
    G = sample_graph()
    G.add_node("lonely", kind="agency", label="Sở Y tế")
    pos = layout_positions(G)
    assert set(pos) == set(G.nodes)
    assert len({(round(x), round(y)) for x, y in pos.values()}) == len(pos)
    main = [p for n, p in pos.items() if n != "lonely"]
    assert pos["lonely"][1] > max(y for _, y in main)  # isolated nodes wait in a row underneath


def test_large_graphs_cluster_tasks_and_drop_physics() -> None:
    G = synthetic_graph(plans=40, tasks_per_plan=20)  # 870 nodes
    data = page_data(parse_page(render_page(G)))
    assert data["config"]["clusterTasks"] is True
    assert data["options"]["physics"]["enabled"] is False
    assert data["options"]["edges"]["smooth"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    small = page_data(parse_page(render_page(sample_graph())))
    assert small["config"]["clusterTasks"] is False
    assert page_data(parse_page(render_page(G, cluster_tasks=False)))["config"]["clusterTasks"] is False


def test_empty_graph_renders(tmp_path: Path) -> None:
    assert write_graph_page(nx.MultiDiGraph(), tmp_path / "e.html") == {"nodes": 0, "edges": 0}
    assert page_data(parse_page((tmp_path / "e.html").read_text(encoding="utf-8")))["nodes"] == []


# ----------------------------------------------------------------------------- command line


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    from typer.testing import CliRunner

    from pipelines.cli import draw_cmd
    from pipelines.cli.app import app

    loaded: list[Path] = []

    def fake_loader(outputs: Path) -> nx.MultiDiGraph:
        loaded.append(outputs)
        return sample_graph()

    monkeypatch.setattr(draw_cmd, "_load_projection", fake_loader)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["draw", *args]), loaded


def test_cli_draws_whole_graph_into_outputs(cli, tmp_path: Path) -> None:
    invoke, loaded = cli
    result = invoke("--outputs", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert loaded == [tmp_path]
    G = sample_graph()
    assert f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges" in result.output
    assert (tmp_path / "graph.html").is_file()


def test_cli_focus_depth_output_hierarchical(cli, tmp_path: Path) -> None:
    invoke, _ = cli
    out = tmp_path / "sub" / "focus.html"
    result = invoke("--outputs", str(tmp_path), "--focus", "06/QĐ-TTg", "--depth", "1", "-o", str(out),
                    "--hierarchical")
    assert result.exit_code == 0, result.output
    assert "3 nodes, 2 edges" in result.output
    data = page_data(parse_page(out.read_text(encoding="utf-8")))
    assert data["config"]["hierarchical"] is True
    assert data["config"]["focus"] == [DECREE]
    default = invoke("--outputs", str(tmp_path), "--focus", "397/KH-UBND")
    assert default.exit_code == 0, default.output
    assert (tmp_path / "graph-397-kh-ubnd.html").is_file()


def test_cli_unknown_focus_is_a_clear_error(cli, tmp_path: Path) -> None:
    invoke, _ = cli
    result = invoke("--outputs", str(tmp_path), "--focus", "999/XX")
    assert result.exit_code == 1
    assert "999/XX" in result.output
    assert not list(tmp_path.glob("*.html"))


def test_cli_missing_store_names_the_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pipelines.cli import draw_cmd
    from pipelines.cli.app import app

    def broken(outputs: Path) -> nx.MultiDiGraph:
        raise FileNotFoundError(f"{outputs}/store: no published store")

    monkeypatch.setattr(draw_cmd, "_load_projection", broken)
    result = CliRunner().invoke(app, ["draw", "--outputs", str(tmp_path)])
    assert result.exit_code == 2
    assert str(tmp_path) in result.output
    assert re.search(r"no published store", result.output)
