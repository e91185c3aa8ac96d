"""benchmarks/bench_extract.py --stages times every stage extract_record calls, and leaves the record
module as it found it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from pipelines.extract import record

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_extract", ROOT / "benchmarks" / "bench_extract.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stages_cover_the_record_and_are_put_back() -> None:
    bench = _bench()
    before = {name: getattr(record, name) for name in bench.STAGES}
    cpu, spent = bench.measure_stages(bench.sources_of(ROOT / "data" / "raw"), rounds=1)
    assert set(spent) == set(bench.STAGES)  # the seeds have tasks and citations: every stage runs
    assert 0 < sum(spent.values()) <= cpu
    assert {name: getattr(record, name) for name in bench.STAGES} == before
