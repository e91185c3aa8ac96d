"""Shared fixtures for the graph tests: the gold records, completed to the full contract shape,
built into a published store in a temporary outputs folder.

The gold files predate two contract fields, so the fixture adds them the way the extractor
does: ``spans`` (every whitespace-collapsed occurrence of the printed first mention, mapped back
to the decoded text) and ``due`` for the printed time frames listed in ``DUE`` below
(hand-read dates; the extractor's own time-frame parser is tested elsewhere).
"""

from __future__ import annotations

import atexit
import copy
import functools
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from graph.build import document_graph_nquads
from graph.store import publish_store
from pipelines.extract.text import flatten
from pipelines.ingest.source import read_source

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "gold"
RAW = ROOT / "data" / "raw"

# Printed time frame -> (start, end, recurring), read by hand.
DUE: dict[str, tuple[str | None, str | None, bool]] = {
    "Tháng 01 năm 2022": ("2022-01-01", "2022-01-31", False),
    "Quý I năm 2022": ("2022-01-01", "2022-03-31", False),
    "Quý IV năm 2022": ("2022-10-01", "2022-12-31", False),
    "Từ Quý II đến cuối năm 2022": ("2022-04-01", "2022-12-31", False),
    "Từ Quý II năm 2022": ("2022-04-01", None, False),
    "Cuối năm 2021": (None, "2021-12-31", False),
    "Cuối năm 2025": (None, "2025-12-31", False),
    "Phấn đấu đến năm 2025": (None, "2025-12-31", False),
    "Thường xuyên": (None, None, True),
    "Hàng năm": (None, None, True),
}


def gold_records() -> list[dict]:
    """Gold records completed with extractor_version, spans and due; plus source sha256/text."""
    out = []
    for f in sorted(GOLD.glob("*.json")):
        record = json.loads(f.read_text(encoding="utf-8"))
        source = read_source(RAW / record["source"])
        flat = flatten(source.text)
        record["extractor_version"] = "gold"
        record["source_sha256"] = source.sha256
        for c in record["citations"]:
            spans = []
            quote = c.get("first_mention") or ""
            pos = flat.flat.find(quote) if quote else -1
            while pos >= 0:
                spans.append(list(flat.span(pos, pos + len(quote))))
                pos = flat.flat.find(quote, pos + 1)
            c["spans"] = spans
        for t in record["tasks"]:
            if t.get("timeframe") in DUE:
                start, end, recurring = DUE[t["timeframe"]]
                t["due"] = {"start": start, "end": end, "recurring": recurring}
        out.append({"record": record, "text": source.text, "sha256": source.sha256})
    return out


def write_graphs(nq_dir: Path, items: list[dict], base_iri: str | None = None) -> dict[str, Path]:
    """Write each record's N-Quads file; returns named-graph IRI -> file."""
    nq_dir.mkdir(parents=True, exist_ok=True)
    graphs = {}
    for item in items:
        record = item["record"]
        iri, data = document_graph_nquads(
            record, source_name=record["source"], source_sha256=item["sha256"],
            previous_sha256=item.get("previous"), base_iri=base_iri, text=item.get("text"),
        )
        path = nq_dir / (record["source"] + ".nq")
        path.write_bytes(data)
        graphs[iri] = path
    return graphs


def build_outputs(outputs: Path, items: list[dict], base_iri: str | None = None) -> dict:
    """Write each record's N-Quads and publish them as the store of ``outputs``."""
    return publish_store(outputs, write_graphs(outputs / "graphs", items, base_iri))


@functools.cache
def _cached_records() -> tuple[dict, ...]:
    return tuple(gold_records())


@functools.cache
def _cached_outputs() -> Path:
    outputs = Path(tempfile.mkdtemp(prefix="vanban-seeds-"))
    atexit.register(shutil.rmtree, outputs, True)
    build_outputs(outputs, copy.deepcopy(list(_cached_records())))
    return outputs


@pytest.fixture()
def seeds() -> list[dict]:
    """The completed gold records (a fresh copy per test: tests may edit them)."""
    return copy.deepcopy(list(_cached_records()))


@pytest.fixture()
def seed_outputs() -> Path:
    """An outputs folder whose published store holds the five seeds' graphs, built once per test run
    and shared: tests must only read it."""
    return _cached_outputs()
