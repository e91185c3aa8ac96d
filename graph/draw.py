"""Interactive, offline graph page (pyvis / vis-network) of the NetworkX projection.

The page is one self-contained HTML file: vis-network (shipped inside the pyvis package) and our
own script and style are inlined, so it opens from disk with no network at all.  pyvis's own
template is not used because it always links Bootstrap from a CDN; ``graph/assets/page.html.j2``
replaces it and pyvis still renders it (``Network.generate_html``).

Positions are computed here, in Python, and physics is off: vis-network's force simulation never
settles on a few thousand nodes (measured: 5,000 nodes never stabilised in 240 s).  Task nodes of
large graphs are clustered per plan in the browser; a click on a cluster opens it.

Every string taken from documents reaches the browser only as JSON data: the page script writes
it with ``textContent`` and vis-network 9 writes string tooltips with ``innerText``.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

__all__ = [
    "KINDS",
    "RELATIONS",
    "focus_subgraph",
    "layout_positions",
    "render_page",
    "summarise",
    "write_graph_page",
]

ASSETS_DIR = Path(__file__).with_name("assets")
TEMPLATE_NAME = "page.html.j2"
VIS_JS = Path("lib") / "vis-9.1.2" / "vis-network.min.js"

# Graphs larger than this get the cheap layered layout even when not hierarchical (a force layout
# is quadratic) and straight edges; larger than CLUSTER_THRESHOLD also get task clusters.
FORCE_LAYOUT_MAX_NODES = 400
CLUSTER_THRESHOLD = 600
LARGE_GRAPH_NODES = 1500
# Above this many nodes a page is no longer interactive (issue 6 measured 5,000 nodes at 2-5 s to draw):
# tasks are folded into counts on their plans, then, if still too many, agencies too (see summarise).
PAGE_MAX_NODES = 5000


@dataclass(frozen=True)
class KindStyle:
    label: str  # Vietnamese name shown in the legend and details
    color: str
    shape: str
    size: int
    font_color: str
    tier: int  # lowest layer a node of this kind may sit on (0 = top)
    max_label: int  # characters kept on the canvas; details show the full text


@dataclass(frozen=True)
class RelationStyle:
    label: str
    color: str
    dashes: bool
    width: float


DOCUMENT_KINDS = ("party", "central", "instrument", "provincial", "plan")

KINDS: dict[str, KindStyle] = {
    "plan": KindStyle("Kế hoạch", "#2563eb", "box", 18, "#ffffff", 2, 40),
    "central": KindStyle("Văn bản trung ương", "#7c3aed", "diamond", 16, "#1f2937", 0, 40),
    "provincial": KindStyle("Văn bản cấp tỉnh", "#d97706", "triangle", 16, "#1f2937", 1, 40),
    "party": KindStyle("Văn bản của Đảng", "#dc2626", "star", 18, "#1f2937", 0, 40),
    "instrument": KindStyle("Văn bản khác", "#78716c", "square", 13, "#1f2937", 1, 40),
    "task": KindStyle("Nhiệm vụ", "#94a3b8", "dot", 7, "#334155", 0, 32),
    "agency": KindStyle("Cơ quan", "#059669", "hexagon", 14, "#1f2937", 0, 40),
}
FALLBACK_KIND = "instrument"

RELATIONS: dict[str, RelationStyle] = {
    "based_on": RelationStyle("Căn cứ", "#b91c1c", False, 2.0),
    "implements": RelationStyle("Thực hiện", "#2563eb", False, 2.0),
    "cites": RelationStyle("Dẫn chiếu", "#9ca3af", True, 1.0),
    "has_task": RelationStyle("Có nhiệm vụ", "#cbd5e1", False, 1.0),
    "lead": RelationStyle("Chủ trì", "#059669", False, 1.5),
    "coordinator": RelationStyle("Phối hợp", "#f59e0b", True, 1.0),
}
FALLBACK_RELATION = RelationStyle("Liên kết", "#6b7280", True, 1.0)
CITATION_RELATIONS = frozenset({"based_on", "implements", "cites"})

NODE_FIELDS = ("number", "title", "date", "issuer", "province", "doc_type")
EDGE_FIELDS = ("evidence", "source", "property")

# Layout geometry, in canvas pixels.
LAYER_GAP = 170
ROW_GAP = 70
NODE_GAP = 190
TASK_GAP = 46
GROUP_GAP = 120
SCREEN_RATIO = 1.4  # width / height of the drawing area beside the side panel


# --------------------------------------------------------------------------- focus


def _norm_key(text: str) -> str:
    """Loose match key for instrument numbers typed by people: NFC, no spaces, case-folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).casefold()


def _resolve_nodes(G: nx.MultiDiGraph, node_or_number: str) -> list[Any]:
    if node_or_number in G:
        return [node_or_number]
    key = _norm_key(str(node_or_number))
    if not key:
        raise KeyError("empty focus")
    for field in ("number", "label"):
        hits = [n for n, d in G.nodes(data=True) if _norm_key(str(d.get(field) or "")) == key]
        # Tasks repeat their plan's number: the document itself is what was asked for.
        documents = [n for n in hits if _kind(G.nodes[n]) in DOCUMENT_KINDS]
        if documents or hits:
            return documents or hits
    raise KeyError(f"no node has id, number or label {node_or_number!r}")


def focus_subgraph(G: nx.MultiDiGraph, node_or_number: str, depth: int = 2) -> nx.MultiDiGraph:
    """Neighbourhood of a node (IRI, instrument number or label) up to ``depth`` links either way.

    An instrument number can name several nodes (``397/KH-UBND`` of two provinces): all of them are
    centres, so the view never silently picks one.
    """
    if depth < 0:
        raise ValueError(f"depth must be >= 0, got {depth}")
    centres = _resolve_nodes(G, node_or_number)
    seen: dict[Any, int] = {c: 0 for c in centres}
    queue = deque(centres)
    while queue:
        node = queue.popleft()
        if seen[node] == depth:
            continue
        for other in _neighbours(G, node):
            if other not in seen:
                seen[other] = seen[node] + 1
                queue.append(other)
    sub = G.subgraph(seen).copy()
    sub.graph["focus"] = list(centres)
    return sub


def _neighbours(G: nx.MultiDiGraph, node: Any) -> Iterable[Any]:
    yield from G.successors(node)
    yield from G.predecessors(node)


# --------------------------------------------------------------------------- layout


def _kind(data: Mapping[str, Any]) -> str:
    kind = data.get("kind")
    return kind if kind in KINDS else FALLBACK_KIND


def _document_levels(G: nx.MultiDiGraph) -> dict[Any, int]:
    """Layer of every document: above everything it cites, never above its kind's tier."""
    docs = [n for n, d in G.nodes(data=True) if _kind(d) in DOCUMENT_KINDS]
    cites = nx.DiGraph()
    cites.add_nodes_from(docs)
    for u, v, d in G.edges(data=True):
        if d.get("relation") in CITATION_RELATIONS and u in cites and v in cites and u != v:
            cites.add_edge(u, v)
    # Citation cycles happen (two plans citing each other): a strongly connected group shares a layer.
    dag = nx.condensation(cites)
    members = dag.graph["mapping"]
    level_of_scc: dict[int, int] = {}
    for scc in reversed(list(nx.topological_sort(dag))):
        floor = max(KINDS[_kind(G.nodes[n])].tier for n in dag.nodes[scc]["members"])
        above = [level_of_scc[s] + 1 for s in dag.successors(scc)]
        level_of_scc[scc] = max([floor, *above])
    raw = {n: level_of_scc[members[n]] for n in docs}
    ranks = {lvl: i for i, lvl in enumerate(sorted(set(raw.values())))}
    return {n: ranks[lvl] for n, lvl in raw.items()}


def _task_owner(G: nx.MultiDiGraph) -> dict[Any, Any]:
    """Plan (or any document) that has each task, from ``has_task`` links."""
    owner: dict[Any, Any] = {}
    for u, v, d in G.edges(data=True):
        if d.get("relation") == "has_task" and _kind(G.nodes[v]) == "task" and v not in owner:
            owner[v] = u
    return owner


def _sort_key(G: nx.MultiDiGraph, n: Any) -> tuple[str, str, str]:
    d = G.nodes[n]
    return (str(d.get("province") or ""), str(d.get("label") or d.get("number") or ""), str(n))


def _barycentre_order(nodes: list[Any], anchors: Mapping[Any, list[float]], G: nx.MultiDiGraph) -> list[Any]:
    def key(n: Any) -> tuple[float, tuple[str, str, str]]:
        xs = anchors.get(n) or []
        return (sum(xs) / len(xs) if xs else math.inf, _sort_key(G, n))

    return sorted(nodes, key=key)


def _rows(nodes: list[Any], width: float, gap: float, y: float, pos: dict[Any, tuple[float, float]]) -> float:
    """Place nodes centred in rows no wider than ``width``; return the y below the last row."""
    if not nodes:
        return y
    per_row = max(1, int(width // gap) + 1)
    for start in range(0, len(nodes), per_row):
        row = nodes[start : start + per_row]
        x0 = -(len(row) - 1) * gap / 2
        for i, n in enumerate(row):
            pos[n] = (x0 + i * gap, y)
        y += ROW_GAP
    return y - ROW_GAP + LAYER_GAP


def _layered_positions(G: nx.MultiDiGraph, width: float | None = None) -> dict[Any, tuple[float, float]]:
    """Layers top to bottom: higher instruments, lower ones, plans with their tasks, agencies.

    Rows wrap at a width that grows with the square root of the graph so that large graphs stay
    roughly as tall as they are wide. Linear in nodes and edges apart from sorting.
    """
    pos: dict[Any, tuple[float, float]] = {}
    if width is None:
        width = max(1400.0, math.sqrt(G.number_of_nodes()) * 130.0)
    compact = G.number_of_nodes() > FORCE_LAYOUT_MAX_NODES
    levels = _document_levels(G)
    owner = _task_owner(G)
    tasks_of: dict[Any, list[Any]] = defaultdict(list)
    for task, plan in owner.items():
        tasks_of[plan].append(task)
    anchors: dict[Any, list[float]] = defaultdict(list)

    def note_anchors(placed: Iterable[Any]) -> None:
        for n in placed:
            x = pos[n][0]
            for other in _neighbours(G, n):
                if other not in pos:
                    anchors[other].append(x)

    y = 0.0
    by_level: dict[int, list[Any]] = defaultdict(list)
    for n, lvl in levels.items():
        by_level[lvl].append(n)
    for lvl in sorted(by_level):
        members = _barycentre_order(by_level[lvl], anchors, G)
        y = _group_shelves(members, tasks_of, G, width, y, pos, compact=compact)
        note_anchors(n for m in members for n in (m, *tasks_of.get(m, ())))
    loose_tasks = [n for n, d in G.nodes(data=True) if _kind(d) == "task" and n not in pos]
    y = _rows(_barycentre_order(loose_tasks, anchors, G), width, TASK_GAP * 2, y, pos)
    note_anchors(loose_tasks)
    rest = [n for n in G.nodes if n not in pos]
    _rows(_barycentre_order(rest, anchors, G), width, NODE_GAP, y, pos)
    return pos


def _group_shelves(
    members: list[Any],
    tasks_of: Mapping[Any, list[Any]],
    G: nx.MultiDiGraph,
    width: float,
    y: float,
    pos: dict[Any, tuple[float, float]],
    *,
    compact: bool,
) -> float:
    """Shelf-pack one layer: each document in a block, a plan's tasks in a small grid beneath it.

    Documents without tasks and plans with tasks share the same shelves, so the layer stays one
    layer. ``compact`` (large graphs) packs tasks tightly; small graphs leave room for task labels.
    """
    task_dx, task_dy = (TASK_GAP, TASK_GAP) if compact else (150.0, 95.0)
    blocks = []
    for node in members:
        tasks = sorted(tasks_of.get(node, ()), key=lambda t: _sort_key(G, t))
        if not tasks:
            blocks.append((node, tasks, 1, float(NODE_GAP), 0.0))
            continue
        cols = max(1, math.ceil(math.sqrt(len(tasks) * 2))) if compact else min(len(tasks), 4)
        rows = math.ceil(len(tasks) / cols)
        block_w = max(NODE_GAP, cols * task_dx) + GROUP_GAP
        blocks.append((node, tasks, cols, block_w, ROW_GAP + (rows - 1) * task_dy + ROW_GAP / 2))

    def flush(shelf: list[tuple[Any, list[Any], int, float, float]], shelf_y: float) -> float:
        x = -sum(b[3] for b in shelf) / 2
        for node, tasks, cols, block_w, _ in shelf:
            cx = x + block_w / 2
            pos[node] = (cx, shelf_y)
            tx0 = cx - (min(cols, len(tasks)) - 1) * task_dx / 2
            for i, t in enumerate(tasks):
                pos[t] = (tx0 + (i % cols) * task_dx, shelf_y + ROW_GAP + (i // cols) * task_dy)
            x += block_w
        return shelf_y + max(b[4] for b in shelf) + ROW_GAP

    shelf: list[tuple[Any, list[Any], int, float, float]] = []
    line_w = 0.0
    for block in blocks:
        if shelf and line_w + block[3] > width + NODE_GAP:
            y = flush(shelf, y)
            shelf, line_w = [], 0.0
        line_w += block[3]
        shelf.append(block)
    if shelf:
        y = flush(shelf, y)
    return y - ROW_GAP + LAYER_GAP


def _force_positions(G: nx.MultiDiGraph, start: dict[Any, tuple[float, float]]) -> dict[Any, tuple[float, float]]:
    """Spring layout per connected component (numpy only below 500 nodes), components packed in shelves.

    Laying out components separately keeps isolated nodes from pushing everything else into a
    corner; the layered positions seed the springs so that higher instruments tend to stay above.
    """
    simple = nx.Graph(G.to_undirected(as_view=True))
    simple.remove_edges_from(nx.selfloop_edges(simple))
    xs = [p[0] for p in start.values()] or [0.0]
    ys = [p[1] for p in start.values()] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    seed = {n: ((x - min(xs)) / span * 2 - 1, -((y - min(ys)) / span * 2 - 1)) for n, (x, y) in start.items()}
    components = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(map(str, c))))
    blocks: list[tuple[float, dict[Any, tuple[float, float]]]] = []
    loose: list[Any] = []
    for comp in components:
        if len(comp) < 3:
            loose.extend(sorted(comp, key=lambda n: start[n][0]))
            continue
        sub = simple.subgraph(comp)
        raw = nx.spring_layout(sub, pos={n: seed[n] for n in comp}, iterations=150, seed=7)
        half = max(110.0, 85.0 * math.sqrt(len(comp)))
        blocks.append((half, {n: (float(p[0]) * half, -float(p[1]) * half) for n, p in raw.items()}))
    pos: dict[Any, tuple[float, float]] = {}
    total_area = sum((2 * half) ** 2 for half, _ in blocks)
    width = max([2 * half for half, _ in blocks] + [math.sqrt(total_area) * 1.4, 600.0])
    x = y = shelf_h = 0.0
    for half, local in blocks:
        size = 2 * half + GROUP_GAP
        if x > 0 and x + size > width:
            x, y, shelf_h = 0.0, y + shelf_h, 0.0
        for n, (lx, ly) in local.items():
            pos[n] = (x + half + lx, y + half + ly)
        x += size
        shelf_h = max(shelf_h, size)
    y += shelf_h
    if loose:
        placed = [p[0] for p in pos.values()]
        centre = (min(placed) + max(placed)) / 2 if placed else 0.0
        below: dict[Any, tuple[float, float]] = {}
        _rows(loose, width, NODE_GAP, y, below)
        pos.update({n: (centre + bx, by) for n, (bx, by) in below.items()})
    return pos


def layout_positions(G: nx.MultiDiGraph, *, hierarchical: bool = False) -> dict[Any, tuple[float, float]]:
    """Canvas positions for every node (y grows downwards, as on the canvas)."""
    if G.number_of_nodes() == 0:
        return {}
    layered = _layered_positions(G)
    xs = [p[0] for p in layered.values()]
    ys = [p[1] for p in layered.values()]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    if h > 0 and w > SCREEN_RATIO * 1.5 * h:
        # Far wider than a screen: wrap rows narrower so that the whole graph fits at a readable zoom.
        layered = _layered_positions(G, width=max(1400.0, math.sqrt(w * h * SCREEN_RATIO)))
    if hierarchical or G.number_of_nodes() > FORCE_LAYOUT_MAX_NODES:
        return layered
    return _force_positions(G, layered)


# --------------------------------------------------------------------------- summary of large graphs


def _fold(G: nx.MultiDiGraph, kind: str, count_attr: str) -> nx.MultiDiGraph:
    """``G`` without its nodes of ``kind``: each document that had them counts them in ``count_attr``;
    a folded task's lead, coordinator and citation links become one link per (plan, relation, target),
    whose evidence says how many tasks it stands for."""
    owner = _task_owner(G) if kind == "task" else {}
    H = nx.MultiDiGraph()
    H.add_nodes_from((n, dict(d)) for n, d in G.nodes(data=True) if _kind(d) != kind)
    folded: dict[Any, set[Any]] = defaultdict(set)
    merged: dict[tuple[Any, str, Any], dict[str, Any]] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        u_in, v_in = u in H, v in H
        if u_in and v_in:
            H.add_edge(u, v, key=k, **d)
        elif u_in and not v_in and (kind != "task" or d.get("relation") == "has_task"):
            folded[u].add(v)
        elif kind == "task" and not u_in and v_in and u in owner:
            plan, relation = owner[u], str(d.get("relation") or "")
            link = merged.setdefault((plan, relation, v), {**d, "n": 0})
            link["n"] += 1
    for (plan, relation, v), d in merged.items():
        n = d.pop("n")
        d["evidence"] = f"{n} nhiệm vụ" if n > 1 else (d.get("evidence") or "1 nhiệm vụ")
        H.add_edge(plan, v, key=f"{relation}|tasks", **d)
    for n, gone in folded.items():
        H.nodes[n][count_attr] = len(gone)
    return H


def _count(n: int) -> str:
    """Vietnamese thousands separator: 29.948."""
    return f"{n:,}".replace(",", ".")


def summarise(G: nx.MultiDiGraph, max_nodes: int | None = None) -> tuple[nx.MultiDiGraph, str]:
    """``G`` itself when it has at most ``max_nodes`` nodes; otherwise a readable summary (tasks, then
    agencies, folded into counts on their documents) and a note for the page saying what was folded."""
    max_nodes = PAGE_MAX_NODES if max_nodes is None else max_nodes
    if G.number_of_nodes() <= max_nodes:
        return G, ""
    total, folded = G.number_of_nodes(), []
    view = G
    for kind, attr, words in (("task", "tasks", "nhiệm vụ"), ("agency", "agencies", "cơ quan")):
        n_kind = sum(1 for _, d in view.nodes(data=True) if _kind(d) == kind)
        if n_kind:
            view = _fold(view, kind, attr)
            folded.append(f"{_count(n_kind)} {words}")
        if view.number_of_nodes() <= max_nodes:
            break
    note = (f"Đồ thị đầy đủ có {_count(total)} nút, quá lớn để xem tương tác: "
            + " và ".join(folded) + " được gộp thành số đếm trên văn bản của chúng. "
            "Xem chi tiết một văn bản: vanban draw --focus SỐ_HIỆU.")
    return view, note


# --------------------------------------------------------------------------- page data


def _text(value: Any) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def search_key(*parts: str) -> str:
    """Accent- and case-insensitive text to match what people type without diacritics."""
    text = " ".join(p for p in parts if p).replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).casefold()


def _iri_tail(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def _node_payload(
    n: Any, d: Mapping[str, Any], xy: tuple[float, float], plan_of: Mapping[Any, Any], G: nx.MultiDiGraph
) -> dict[str, Any]:
    kind = _kind(d)
    style = KINDS[kind]
    fields = {f: _text(d.get(f)) for f in NODE_FIELDS}
    name = _text(d.get("label")) or fields["number"] or fields["title"] or _iri_tail(str(n))
    if kind == "task" and fields["title"] and fields["title"] != name:
        # A task's label is its index in the plan ("2", "II.3"): readable only with its content.
        name = f"{name}. {fields['title']}" if _text(d.get("label")) else fields["title"]
    plan = plan_of.get(n)
    if kind == "task" and not fields["province"] and plan is not None:
        fields["province"] = _text(G.nodes[plan].get("province"))
    tooltip = "\n".join(
        line
        for line in (
            f"{style.label}: {name}",
            _clip(fields["title"], 160) if fields["title"] not in name else "",
            " · ".join(x for x in (fields["date"], fields["issuer"]) if x),
        )
        if line
    )
    payload: dict[str, Any] = {
        "id": str(n),
        "group": kind,  # shape, colour and font come from the group (see _groups): smaller pages
        "label": _clip(name, style.max_label),
        "title": tooltip,  # plain text: vis-network 9 sets it with innerText
        "x": round(xy[0], 1),
        "y": round(xy[1], 1),
        "kind": kind,
        "name": name,
        "search": search_key(name, fields["number"], fields["title"], fields["issuer"]),
        # "title" is vis-network's tooltip, so the document's own title travels as "doc_title".
        **{("doc_title" if k == "title" else k): v for k, v in fields.items()},
    }
    if plan is not None:
        payload["plan"] = str(plan)
    for attr in ("tasks", "agencies"):  # counts left by summarise on a folded graph
        if d.get(attr):
            payload[attr] = int(d[attr])
    return payload


def _edge_payload(i: int, u: Any, v: Any, d: Mapping[str, Any]) -> dict[str, Any]:
    """Data of one edge; its colour, dashes, width and tooltip are applied per relation by page.js."""
    relation = _text(d.get("relation")) or "cites"
    return {"id": f"e{i}", "from": str(u), "to": str(v), "relation": relation} | {
        f: _text(d.get(f)) for f in EDGE_FIELDS
    }


def _groups() -> dict[str, Any]:
    """vis-network node groups: one per kind, so each node carries only its data."""
    groups: dict[str, Any] = {}
    for kind, style in KINDS.items():
        group: dict[str, Any] = {
            "shape": style.shape,
            "size": style.size,
            "color": {
                "background": style.color,
                "border": style.color,
                "highlight": {"background": style.color, "border": "#111827"},
                "hover": {"background": style.color, "border": "#111827"},
            },
            "font": {"color": style.font_color},
        }
        if style.shape == "box":
            # Label inside a filled box: no white halo, which would blur white text.
            group["font"] = {"color": style.font_color, "size": 15, "strokeWidth": 0}
        elif kind in ("central", "party"):
            group["font"] = {"color": style.font_color, "size": 15}
        if kind == "task":
            group["widthConstraint"] = {"maximum": 130}
        groups[kind] = group
    return groups


def _page_options(n_nodes: int, hierarchical: bool) -> dict[str, Any]:
    large = n_nodes > FORCE_LAYOUT_MAX_NODES
    if large:
        smooth: dict[str, Any] | bool = False
    elif hierarchical:
        smooth = {"enabled": True, "type": "cubicBezier", "forceDirection": "vertical", "roundness": 0.4}
    else:
        smooth = {"enabled": True, "type": "continuous", "roundness": 0.3}
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "groups": _groups(),
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {
            "hover": not large,
            "tooltipDelay": 250,
            "hideEdgesOnDrag": n_nodes > LARGE_GRAPH_NODES,
            "hideEdgesOnZoom": n_nodes > LARGE_GRAPH_NODES,
            "navigationButtons": False,
            "keyboard": False,
            "multiselect": False,
        },
        "nodes": {
            "font": {
                "face": "DejaVu Sans, Noto Sans, Arial, sans-serif",
                "size": 14,
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            "borderWidth": 1,
            "widthConstraint": {"maximum": 190},
            "scaling": {"label": {"drawThreshold": 7}},
            "shapeProperties": {"interpolation": False},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
            "smooth": smooth,
            "selectionWidth": 2.5,
            "hoverWidth": 1,
            "font": {"size": 11},
        },
    }


@lru_cache(maxsize=1)
def _pyvis_templates() -> Path:
    import pyvis

    return Path(pyvis.__file__).parent / "templates"


@lru_cache(maxsize=4)
def _asset(path: str) -> str:
    """Script or style to inline; refuse one that could close its own element early."""
    full = Path(path)
    text = full.read_text(encoding="utf-8")
    if re.search(r"</(script|style)", text, re.IGNORECASE):
        raise ValueError(f"{full}: contains a closing </script> or </style> tag; cannot inline it")
    return text


def render_page(
    G: nx.MultiDiGraph,
    *,
    hierarchical: bool = False,
    title: str = "vanban-graph",
    focus: Iterable[Any] = (),
    cluster_tasks: bool | None = None,
    note: str = "",
) -> str:
    """The HTML of the page for ``G`` (already focused): pyvis Network rendered with our template;
    ``note`` is shown above the details (what a summary left out)."""
    from jinja2 import Environment, FileSystemLoader
    from markupsafe import Markup
    from pyvis.network import Network

    pos = layout_positions(G, hierarchical=hierarchical)
    plan_of = _task_owner(G)
    nodes = [_node_payload(n, d, pos[n], plan_of, G) for n, d in G.nodes(data=True)]
    edges = [_edge_payload(i, u, v, d) for i, (u, v, d) in enumerate(G.edges(data=True))]

    kinds_present = sorted({p["kind"] for p in nodes}, key=list(KINDS).index)
    order = {r: i for i, r in enumerate(RELATIONS)}
    relations_present = sorted({e["relation"] for e in edges}, key=lambda r: (order.get(r, len(order)), r))
    n_tasks = sum(1 for p in nodes if p["kind"] == "task")
    if cluster_tasks is None:
        cluster_tasks = n_tasks > 0 and len(nodes) > CLUSTER_THRESHOLD
    config = {
        "title": title,
        "note": note,
        "focus": [str(f) for f in focus],
        "clusterTasks": bool(cluster_tasks),
        "hierarchical": hierarchical,
        "kinds": {
            k: {"label": KINDS[k].label, "color": KINDS[k].color, "shape": KINDS[k].shape} for k in kinds_present
        },
        "relations": {
            r: {
                "label": RELATIONS.get(r, FALLBACK_RELATION).label,
                "color": RELATIONS.get(r, FALLBACK_RELATION).color,
                "dashes": RELATIONS.get(r, FALLBACK_RELATION).dashes,
                "width": RELATIONS.get(r, FALLBACK_RELATION).width,
            }
            for r in relations_present
        },
        "provinces": sorted({p["province"] for p in nodes if p["province"]}),
        "docTypes": sorted({p["doc_type"] for p in nodes if p["doc_type"] and p["kind"] in DOCUMENT_KINDS}),
        "counts": {"nodes": len(nodes), "edges": len(edges)},
    }

    net = Network(
        height="100%",
        width="100%",
        directed=True,
        heading=title,
        cdn_resources="in_line",
        select_menu=False,
        filter_menu=False,
    )
    # Bulk assignment: pyvis's add_node/add_edge check membership in lists (quadratic at 5,000 nodes).
    net.nodes = nodes
    net.node_ids = [p["id"] for p in nodes]
    net.node_map = {p["id"]: p for p in nodes}
    net.edges = edges
    net.options = _page_options(len(nodes), hierarchical)

    env = Environment(loader=FileSystemLoader([str(ASSETS_DIR), str(_pyvis_templates())]), autoescape=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False, "separators": (",", ":")}
    env.globals.update(
        vis_js=Markup(_asset(str(_pyvis_templates() / VIS_JS))),
        page_js=Markup(_asset(str(ASSETS_DIR / "page.js"))),
        page_css=Markup(_asset(str(ASSETS_DIR / "page.css"))),
        page_config=config,
    )
    net.templateEnv = env
    net.path = TEMPLATE_NAME
    return net.generate_html(name="graph.html")


def write_graph_page(
    G: nx.MultiDiGraph,
    path: Path,
    *,
    focus: str | None = None,
    depth: int = 2,
    hierarchical: bool = False,
    title: str = "vanban-graph",
    cluster_tasks: bool | None = None,
) -> dict[str, int]:
    """Write the interactive page for ``G`` (or the neighbourhood of ``focus``); return what was drawn.

    A view of more than PAGE_MAX_NODES nodes is drawn as its summary (see ``summarise``), and the page
    says so."""
    from pipelines.atomic import write_atomic

    view = focus_subgraph(G, focus, depth) if focus is not None else G
    focused = view.graph.get("focus", []) if focus is not None else []
    view, note = summarise(view)
    html = render_page(
        view,
        hierarchical=hierarchical,
        title=title,
        focus=focused,
        cluster_tasks=cluster_tasks,
        note=note,
    )
    write_atomic(Path(path), html)
    os.chmod(path, 0o644)  # a page to share and open in any browser, not a secret
    return {"nodes": view.number_of_nodes(), "edges": view.number_of_edges()}
