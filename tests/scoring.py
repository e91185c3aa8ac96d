#!/usr/bin/env python3
# Vendored copy of the project referee (shared/contract/score.py) so the accuracy test runs without ../shared.
"""Score extraction records against hand-checked gold records.

usage: score.py GOLD_DIR PRED.json [--min-citation-f1 X] [--min-task-f1 X] [--min-lead-acc X] [--json]

PRED.json holds what `vanban extract ... --json` printed: one record or a list.
Records are paired with gold files by their "source" file name (stem match).
Standard library only.
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import unicodedata
from pathlib import Path


def norm(s) -> str:
    if s is None:
        return ""
    s = unicodedata.normalize("NFC", str(s))
    return re.sub(r"\s+", " ", s).strip().casefold()


def norm_number(s) -> str:
    s = unicodedata.normalize("NFC", str(s or ""))
    return re.sub(r"\s+", "", s).upper()


def stem(name: str) -> str:
    return Path(str(name)).name.split(".")[0]


def similar(a: str, b: str) -> float:
    a, b = norm(a), norm(b)
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def cite_keys(cites) -> dict[str, dict]:
    out = {}
    for c in cites or []:
        key = norm_number(c.get("number"))
        # same number, different issuer: keep both apart
        if key in out and norm(out[key].get("issuer")) != norm(c.get("issuer")):
            key = key + "@" + norm(c.get("issuer"))
        out.setdefault(key, c)
    return out


def agency_set(xs) -> set[str]:
    return {norm(x) for x in (xs or []) if norm(x)}


def match_tasks(gold, pred):
    """Greedy one-to-one pairing of task rows by content similarity."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            s = similar(g.get("content"), p.get("content"))
            if s >= 0.85:
                pairs.append((s, gi, pi))
    pairs.sort(reverse=True)
    used_g, used_p, matched = set(), set(), []
    for s, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        matched.append((gold[gi], pred[pi]))
    return matched


def score(gold_dir: Path, preds: list[dict]) -> dict:
    by_stem = {stem(p.get("source", "")): p for p in preds}
    tot = dict(c_tp=0, c_fp=0, c_fn=0, c_issuer_ok=0, c_date_ok=0, c_rel_ok=0,
               t_tp=0, t_fp=0, t_fn=0, lead_ok=0, coord_ok=0, time_ok=0,
               doc_fields=0, doc_ok=0)
    per_doc = {}
    for gf in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gf.read_text(encoding="utf-8"))
        pred = by_stem.get(stem(gold["source"]), {})
        d = {"missing": not pred}
        # document fields
        gd, pd = gold.get("document", {}), pred.get("document", {}) or {}
        for field in ("number", "doc_type", "issuer", "date", "signer"):
            if field not in gd:
                continue
            tot["doc_fields"] += 1
            g, p = gd.get(field), pd.get(field)
            ok = (norm_number(g) == norm_number(p)) if field == "number" else norm(g) == norm(p)
            tot["doc_ok"] += ok
            if not ok:
                d.setdefault("doc_wrong", {})[field] = [g, p]
        if "title" in gd:
            tot["doc_fields"] += 1
            ok = similar(gd.get("title"), pd.get("title")) >= 0.9
            tot["doc_ok"] += ok
            if not ok:
                d.setdefault("doc_wrong", {})["title"] = [gd.get("title"), pd.get("title")]
        # citations
        gc, pc = cite_keys(gold.get("citations")), cite_keys(pred.get("citations"))
        tp = set(gc) & set(pc)
        d["citations_missed"] = sorted(set(gc) - set(pc))
        d["citations_extra"] = sorted(set(pc) - set(gc))
        tot["c_tp"] += len(tp)
        tot["c_fn"] += len(set(gc) - set(pc))
        tot["c_fp"] += len(set(pc) - set(gc))
        for k in tp:
            tot["c_issuer_ok"] += norm(gc[k].get("issuer")) == norm(pc[k].get("issuer"))
            tot["c_date_ok"] += norm(gc[k].get("date")) == norm(pc[k].get("date"))
            tot["c_rel_ok"] += norm(gc[k].get("relation")) == norm(pc[k].get("relation"))
        # tasks
        gt, pt = gold.get("tasks") or [], pred.get("tasks") or []
        m = match_tasks(gt, pt)
        tot["t_tp"] += len(m)
        tot["t_fn"] += len(gt) - len(m)
        tot["t_fp"] += len(pt) - len(m)
        d["tasks"] = [len(gt), len(pt), len(m)]
        for g, p in m:
            lead_ok = agency_set(g.get("lead")) == agency_set(p.get("lead"))
            tot["lead_ok"] += lead_ok
            tot["coord_ok"] += agency_set(g.get("coordinators")) == agency_set(p.get("coordinators"))
            tot["time_ok"] += norm(g.get("timeframe")) == norm(p.get("timeframe"))
            if not lead_ok:
                d.setdefault("lead_wrong", []).append([g.get("index"), g.get("lead"), p.get("lead")])
        per_doc[gf.stem] = d
    cp, cr, cf = f1(tot["c_tp"], tot["c_fp"], tot["c_fn"])
    tp_, tr, tf = f1(tot["t_tp"], tot["t_fp"], tot["t_fn"])
    n_c, n_t = max(tot["c_tp"], 1), max(tot["t_tp"], 1)
    return {
        "citation": {"precision": cp, "recall": cr, "f1": cf,
                     "issuer_acc": tot["c_issuer_ok"] / n_c, "date_acc": tot["c_date_ok"] / n_c,
                     "relation_acc": tot["c_rel_ok"] / n_c},
        "task": {"precision": tp_, "recall": tr, "f1": tf,
                 "lead_acc": tot["lead_ok"] / n_t, "coordinators_acc": tot["coord_ok"] / n_t,
                 "timeframe_acc": tot["time_ok"] / n_t},
        "document_field_acc": tot["doc_ok"] / max(tot["doc_fields"], 1),
        "per_document": per_doc,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("pred", type=Path)
    ap.add_argument("--min-citation-f1", type=float, default=0.0)
    ap.add_argument("--min-task-f1", type=float, default=0.0)
    ap.add_argument("--min-lead-acc", type=float, default=0.0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    data = json.loads(a.pred.read_text(encoding="utf-8"))
    preds = data if isinstance(data, list) else [data]
    s = score(a.gold_dir, preds)
    if a.json:
        print(json.dumps(s, ensure_ascii=False, indent=1))
    else:
        for name, d in s["per_document"].items():
            print(name, json.dumps(d, ensure_ascii=False))
    c, t = s["citation"], s["task"]
    line = (f"citation P/R/F1 {c['precision']:.3f}/{c['recall']:.3f}/{c['f1']:.3f} "
            f"issuer {c['issuer_acc']:.3f} date {c['date_acc']:.3f} relation {c['relation_acc']:.3f} | "
            f"task P/R/F1 {t['precision']:.3f}/{t['recall']:.3f}/{t['f1']:.3f} lead {t['lead_acc']:.3f} "
            f"coord {t['coordinators_acc']:.3f} time {t['timeframe_acc']:.3f} | doc fields {s['document_field_acc']:.3f}")
    print(line)
    ok = c["f1"] >= a.min_citation_f1 and t["f1"] >= a.min_task_f1 and t["lead_acc"] >= a.min_lead_acc
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
