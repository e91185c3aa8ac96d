/* Page script for graph/draw.py pages (inlined; needs vis-network, nothing from the network).
 * Security rule: text from documents is written with textContent / new Option / createTextNode
 * only, never innerHTML. Tooltips are plain strings, which vis-network 9 writes with innerText. */
(function () {
  "use strict";

  var DOC_KINDS = { plan: 1, central: 1, provincial: 1, party: 1, instrument: 1 };
  var timings = { start: performance.now() };
  var raw = JSON.parse(document.getElementById("vanban-data").textContent);
  timings.parsed = performance.now();
  var cfg = raw.config;
  var byId = Object.create(null);
  var incident = Object.create(null);
  raw.nodes.forEach(function (n) { byId[n.id] = n; incident[n.id] = []; });
  raw.edges.forEach(function (e) {
    if (incident[e.from]) incident[e.from].push(e);
    if (e.to !== e.from && incident[e.to]) incident[e.to].push(e);
  });

  // Edge style and tooltip per relation (kept out of the page data: thousands of edges share them).
  raw.edges.forEach(function (e) {
    var rel = cfg.relations[e.relation];
    e.relationLabel = rel.label;
    // Selected edges keep their relation colour (the relation is the point) and only get wider.
    e.color = { color: rel.color, highlight: rel.color, hover: rel.color, opacity: 0.85 };
    e.dashes = rel.dashes;
    e.width = rel.width;
    var from = byId[e.from] ? byId[e.from].name : e.from, to = byId[e.to] ? byId[e.to].name : e.to;
    e.title = rel.label + ": " + from + " → " + to +
      (e.evidence ? "\n“" + (e.evidence.length > 200 ? e.evidence.slice(0, 199) + "…" : e.evidence) + "”" : "");
  });

  var nodes = new vis.DataSet(raw.nodes);
  var edges = new vis.DataSet(raw.edges);
  var container = document.getElementById("mynetwork");
  timings.datasets = performance.now();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, raw.options);
  timings.network = performance.now();

  var api = window.vanban = {
    network: network, nodes: nodes, edges: edges, config: cfg,
    ready: false, readyMs: null, clustered: false, timings: timings,
  };

  // ------------------------------------------------------------------ helpers

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function fold(text) {
    return String(text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim().toLowerCase();
  }

  var SVG = "http://www.w3.org/2000/svg";
  function shapeIcon(shape, color) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "18"); svg.setAttribute("height", "18"); svg.setAttribute("viewBox", "0 0 18 18");
    var item;
    var polygons = {
      diamond: "9,1 17,9 9,17 1,9", triangle: "9,2 17,16 1,16",
      star: "9,1 11.4,6.6 17,7 12.6,10.8 14,16.5 9,13.4 4,16.5 5.4,10.8 1,7 6.6,6.6",
      hexagon: "4.5,1.5 13.5,1.5 17,9 13.5,16.5 4.5,16.5 1,9",
    };
    if (polygons[shape]) {
      item = document.createElementNS(SVG, "polygon"); item.setAttribute("points", polygons[shape]);
    } else if (shape === "box" || shape === "square") {
      item = document.createElementNS(SVG, "rect");
      item.setAttribute("x", shape === "box" ? "1" : "3"); item.setAttribute("y", shape === "box" ? "4" : "3");
      item.setAttribute("width", shape === "box" ? "16" : "12"); item.setAttribute("height", shape === "box" ? "10" : "12");
      item.setAttribute("rx", "2");
    } else {
      item = document.createElementNS(SVG, "circle");
      item.setAttribute("cx", "9"); item.setAttribute("cy", "9"); item.setAttribute("r", "6");
    }
    item.setAttribute("fill", color);
    svg.appendChild(item);
    return svg;
  }

  function lineIcon(color, dashes) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "28"); svg.setAttribute("height", "10"); svg.setAttribute("viewBox", "0 0 28 10");
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", "1"); line.setAttribute("y1", "5"); line.setAttribute("x2", "27"); line.setAttribute("y2", "5");
    line.setAttribute("stroke", color); line.setAttribute("stroke-width", "3");
    if (dashes) line.setAttribute("stroke-dasharray", "5,3");
    svg.appendChild(line);
    return svg;
  }

  // ------------------------------------------------------------------ details panel

  var heading = document.getElementById("details-heading");
  var hint = document.getElementById("details-hint");
  var body = document.getElementById("details-body");

  function rows(pairs) {
    var dl = el("dl");
    pairs.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null || pair[1] === "") return;
      dl.appendChild(el("dt", pair[0]));
      dl.appendChild(el("dd", pair[1]));
    });
    return dl;
  }

  function kindTag(kind) {
    var info = cfg.kinds[kind] || { label: kind, color: "#64748b" };
    var tag = el("span", info.label, "kind-tag");
    tag.style.background = info.color;
    return tag;
  }

  function nameOf(id) { return byId[id] ? byId[id].name : id; }

  function startDetails(title) {
    clear(body);
    hint.hidden = true;
    heading.textContent = title;
  }

  function showNode(id) {
    var n = byId[id];
    if (!n) return;
    startDetails(n.name);
    body.appendChild(kindTag(n.kind));
    body.appendChild(rows([
      [n.kind === "task" ? "Kế hoạch số" : "Số hiệu", n.number],
      ["Tên / trích yếu", n.name.indexOf(n.doc_title) === -1 ? n.doc_title : ""],
      ["Ngày", n.date],
      ["Cơ quan ban hành", n.issuer],
      ["Tỉnh/thành", n.province],
      ["Loại văn bản", n.doc_type],
      ["Thuộc", n.plan ? nameOf(n.plan) : ""],
      ["Số nhiệm vụ (đã gộp)", n.tasks ? String(n.tasks) : ""],
      ["Số cơ quan (đã gộp)", n.agencies ? String(n.agencies) : ""],
      ["IRI", n.id],
    ]));
    var links = incident[id] || [];
    if (links.length) {
      body.appendChild(el("h3", "Liên kết (" + links.length + ")"));
      var ul = el("ul");
      links.slice(0, 60).forEach(function (e) {
        var li = el("li");
        var outgoing = e.from === id;
        li.appendChild(el("span", (outgoing ? "→ " : "← ") + e.relationLabel, "rel"));
        var go = el("button", nameOf(outgoing ? e.to : e.from));
        go.type = "button";
        go.addEventListener("click", function () { showEdge(e.id); });
        li.appendChild(go);
        ul.appendChild(li);
      });
      if (links.length > 60) ul.appendChild(el("li", "… và " + (links.length - 60) + " liên kết khác"));
      body.appendChild(ul);
    }
    api.shown = { type: "node", id: id };
  }

  function showEdge(id) {
    var e = edges.get(id);
    if (!e) return;
    startDetails(e.relationLabel);
    body.appendChild(rows([
      ["Từ", nameOf(e.from)],
      ["Đến", nameOf(e.to)],
    ]));
    if (e.evidence) {
      body.appendChild(el("h3", "Trích dẫn"));
      body.appendChild(el("blockquote", e.evidence));
    }
    body.appendChild(rows([
      ["Tệp nguồn", e.source],
      ["Thuộc tính", e.property],
    ]));
    var actions = el("div", null, "actions");
    [e.from, e.to].forEach(function (nid) {
      var b = el("button", "Xem " + nameOf(nid));
      b.type = "button";
      b.addEventListener("click", function () { reveal(nid); showNode(nid); });
      actions.appendChild(b);
    });
    body.appendChild(actions);
    api.shown = { type: "edge", id: id };
  }

  function showCluster(clusterId) {
    var plan = clusterId.slice("cluster:".length);
    network.openCluster(clusterId);
    api.clusters = api.clusters.filter(function (c) { return c !== clusterId; });
    showNode(plan);
  }

  // ------------------------------------------------------------------ clustering of tasks per plan

  api.clusters = [];
  var taskInfo = cfg.kinds.task || { color: "#94a3b8" };

  function clusterTasks() {
    var byPlan = Object.create(null);
    raw.nodes.forEach(function (n) {
      if (n.kind === "task" && n.plan && !hiddenNode[n.id]) (byPlan[n.plan] = byPlan[n.plan] || []).push(n);
    });
    Object.keys(byPlan).forEach(function (plan) {
      var members = byPlan[plan];
      if (members.length < 2 || hiddenNode[plan]) return;
      var set = Object.create(null);
      var sx = 0, sy = 0;
      members.forEach(function (m) { set[m.id] = true; sx += m.x; sy += m.y; });
      var id = "cluster:" + plan;
      network.clustering.cluster({
        joinCondition: function (opts) { return set[opts.id] === true; },
        clusterNodeProperties: {
          id: id, kind: "cluster", plan: plan, shape: "dot",
          size: 10 + Math.min(22, 2 * Math.sqrt(members.length)),
          x: sx / members.length, y: sy / members.length,
          label: members.length + " nhiệm vụ",
          title: members.length + " nhiệm vụ của " + nameOf(plan) + " (bấm để mở)",
          color: { background: taskInfo.color, border: "#475569" },
          font: { color: "#334155" }, borderWidth: 2,
        },
      }, false);
      api.clusters.push(id);
    });
    network.body.emitter.emit("_dataChanged");
    api.clustered = true;
  }

  function openAllClusters() {
    api.clusters.forEach(function (id) {
      if (network.body.nodes[id] && network.isCluster(id)) network.clustering.openCluster(id, {}, false);
    });
    api.clusters = [];
    network.body.emitter.emit("_dataChanged");
    api.clustered = false;
  }

  function reveal(id) {
    // A task folded into its plan's cluster: open that cluster so the task can be shown.
    var path = network.clustering.findNode(id);
    if (path.length > 1) {
      network.openCluster(path[0]);
      api.clusters = api.clusters.filter(function (c) { return c !== path[0]; });
    }
  }
  api.reveal = reveal;

  // ------------------------------------------------------------------ filters

  var hiddenNode = Object.create(null);
  var hiddenEdge = Object.create(null);
  var hiddenKind = Object.create(null);
  var hiddenRelation = Object.create(null);
  var selProvince = document.getElementById("filter-province");
  var selDocType = document.getElementById("filter-doctype");

  function fillSelect(select, values) {
    values.forEach(function (v) { select.appendChild(new Option(v, v)); });
    select.disabled = values.length === 0;
  }
  fillSelect(selProvince, cfg.provinces);
  fillSelect(selDocType, cfg.docTypes);

  function applyFilters() {
    var province = selProvince.value, docType = selDocType.value;
    var wasClustered = api.clustered;
    if (wasClustered) openAllClusters();
    var nodeUpdates = [], edgeUpdates = [];
    raw.nodes.forEach(function (n) {
      var hide = !!hiddenKind[n.kind] ||
        (province !== "" && n.province !== "" && n.province !== province) ||
        (docType !== "" && DOC_KINDS[n.kind] === 1 && n.doc_type !== docType);
      if (!!hiddenNode[n.id] !== hide) nodeUpdates.push({ id: n.id, hidden: hide });
      hiddenNode[n.id] = hide;
    });
    raw.edges.forEach(function (e) {
      var hide = !!(hiddenRelation[e.relation] || hiddenNode[e.from] || hiddenNode[e.to]);
      if (!!hiddenEdge[e.id] !== hide) edgeUpdates.push({ id: e.id, hidden: hide });
      hiddenEdge[e.id] = hide;
    });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
    if (wasClustered) clusterTasks();
    var shown = raw.nodes.length - Object.keys(hiddenNode).filter(function (k) { return hiddenNode[k]; }).length;
    setCounts(shown);
    runSearch();
  }
  api.applyFilters = applyFilters;

  selProvince.addEventListener("change", applyFilters);
  selDocType.addEventListener("change", applyFilters);

  // ------------------------------------------------------------------ legend

  function count(list, key, value) {
    var c = 0;
    for (var i = 0; i < list.length; i++) if (list[i][key] === value) c++;
    return c;
  }

  function legendRow(icon, text, onToggle) {
    var row = el("label", null, "legend-row");
    var box = document.createElement("input");
    box.type = "checkbox"; box.checked = true;
    box.addEventListener("change", function () { onToggle(!box.checked); applyFilters(); });
    row.appendChild(box);
    row.appendChild(icon);
    row.appendChild(document.createTextNode(text));
    return row;
  }

  var legendKinds = document.getElementById("legend-kinds");
  Object.keys(cfg.kinds).forEach(function (kind) {
    var info = cfg.kinds[kind];
    var row = legendRow(shapeIcon(info.shape, info.color), info.label + " (" + count(raw.nodes, "kind", kind) + ")",
      function (hide) { hiddenKind[kind] = hide; });
    row.dataset.kind = kind;
    legendKinds.appendChild(row);
  });
  var legendRelations = document.getElementById("legend-relations");
  Object.keys(cfg.relations).forEach(function (rel) {
    var info = cfg.relations[rel];
    var row = legendRow(lineIcon(info.color, info.dashes), info.label + " (" + count(raw.edges, "relation", rel) + ")",
      function (hide) { hiddenRelation[rel] = hide; });
    row.dataset.relation = rel;
    legendRelations.appendChild(row);
  });

  // ------------------------------------------------------------------ search

  var searchBox = document.getElementById("search");
  var searchCount = document.getElementById("search-count");
  var matches = [], matchAt = -1, searchTimer = null;

  function runSearch() {
    var q = fold(searchBox.value);
    matches = [];
    matchAt = -1;
    if (q) {
      raw.nodes.forEach(function (n) { if (!hiddenNode[n.id] && n.search.indexOf(q) !== -1) matches.push(n.id); });
      searchCount.textContent = matches.length + " kết quả";
      network.selectNodes(matches.filter(function (id) { return !!network.body.nodes[id] && network.clustering.findNode(id).length === 1; }).slice(0, 500), false);
    } else {
      searchCount.textContent = "";
      network.unselectAll();
    }
    api.matches = matches;
  }

  function nextMatch() {
    if (!matches.length) return;
    matchAt = (matchAt + 1) % matches.length;
    var id = matches[matchAt];
    reveal(id);
    network.selectNodes([id], false);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    showNode(id);
  }

  searchBox.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 150);
  });
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { clearTimeout(searchTimer); if (matchAt === -1) runSearch(); nextMatch(); }
  });
  api.search = function (text) { searchBox.value = text; runSearch(); return matches.slice(); };

  // ------------------------------------------------------------------ toolbar, clicks, start-up

  document.getElementById("page-title").textContent = cfg.title;
  if (cfg.note) {
    // A summary of a graph too large to draw whole: say what was folded, above the details.
    var noteEl = el("p", cfg.note, "note");
    noteEl.id = "summary-note";
    var side = document.getElementById("side");
    side.insertBefore(noteEl, side.firstChild);
  }
  var countsEl = document.getElementById("counts");
  function setCounts(shown) {
    countsEl.textContent = shown + "/" + cfg.counts.nodes + " nút · " + cfg.counts.edges + " cạnh";
  }
  setCounts(raw.nodes.length);

  document.getElementById("btn-fit").addEventListener("click", function () { network.fit({ animation: false }); });
  var clusterButton = document.getElementById("btn-cluster");
  function labelClusterButton() { clusterButton.textContent = api.clustered ? "Tách nhiệm vụ" : "Gom nhiệm vụ theo kế hoạch"; }
  if (count(raw.nodes, "kind", "task") > 0) {
    clusterButton.hidden = false;
    clusterButton.addEventListener("click", function () {
      if (api.clustered) openAllClusters(); else clusterTasks();
      labelClusterButton();
    });
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      var id = params.nodes[0];
      if (network.isCluster(id)) showCluster(id); else showNode(id);
    } else if (params.edges.length) {
      var eid = params.edges[0];
      if (!edges.get(eid)) {
        var base = network.clustering.getBaseEdges(eid);
        eid = base.length ? base[0] : null;
      }
      if (eid) showEdge(eid);
    }
  });
  api.showNode = showNode;
  api.showEdge = showEdge;

  timings.ui = performance.now();
  if (cfg.clusterTasks) clusterTasks();
  timings.clustered = performance.now();
  labelClusterButton();
  network.once("afterDrawing", function () {
    api.ready = true;
    api.readyMs = timings.drawn = performance.now();
    document.getElementById("loading").className = "done";
    if (cfg.focus.length) {
      var first = cfg.focus[0];
      network.selectNodes(cfg.focus.filter(function (id) { return !!network.body.nodes[id]; }), false);
      showNode(first);
    }
  });
  network.fit({ animation: false });
  network.redraw();
})();
