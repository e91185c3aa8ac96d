"""The synthetic corpus generator: deterministic, seed layout, manifest agrees with the text."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "benchmarks" / "generate_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    gen.write_corpus(40, 11, out)
    return out


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_same_seed_same_bytes(tmp_path: Path, corpus: Path) -> None:
    again = tmp_path / "again"
    gen.write_corpus(40, 11, again)
    names = sorted(p.name for p in corpus.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (corpus / name).read_bytes() == (again / name).read_bytes(), name


def test_other_seed_other_corpus(tmp_path: Path, corpus: Path) -> None:
    gen.write_corpus(40, 12, tmp_path)
    assert {p.name for p in tmp_path.glob("*.txt")}.isdisjoint(p.name for p in corpus.glob("*.txt"))


def test_prefix_of_larger_corpus_is_stable() -> None:
    """Plan i does not depend on N, so the 100-plan corpus is the start of the 1,000-plan one."""
    small = [name for name, _, _ in gen.generate(15, 3)]
    large = [name for name, _, _ in gen.generate(30, 3)]
    assert large[:15] == small


def test_rewrite_removes_stale_plans(tmp_path: Path) -> None:
    gen.write_corpus(10, 1, tmp_path)
    gen.write_corpus(4, 1, tmp_path)
    assert len(list(tmp_path.glob("*.txt"))) == 4
    assert len(gen.read_manifest(tmp_path)) == 4


def test_layout_follows_the_seeds(corpus: Path) -> None:
    for entry in gen.read_manifest(corpus):
        text = (corpus / entry["file"]).read_text(encoding="utf-8")
        lines = text.splitlines()
        assert lines[0].startswith("ỦY") and "|" in lines
        assert f"Số: {entry['number']}" in lines
        assert "KẾ HOẠCH" in lines and "PHỤ LỤC" in lines
        flat = _flat(text)
        assert re.search(r"(Căn cứ|Thực hiện) [^.;]+ số", flat)
        # the appendix is a table of "|"-closed cells: header plus 5 cells per row (plus section rows)
        appendix = text[text.index("\nPHỤ LỤC\n") :]
        cells = appendix.splitlines().count("|")
        assert cells >= 5 + 5 * entry["appendix_rows"]
        assert entry["province"] in flat
        assert max(len(line) for line in lines) < 120  # hard-wrapped like the saved pages


def test_every_expected_citation_is_printed(corpus: Path) -> None:
    relations = set()
    for entry in gen.read_manifest(corpus):
        flat = _flat((corpus / entry["file"]).read_text(encoding="utf-8"))
        assert entry["citations"], entry["file"]
        for c in entry["citations"]:
            relations.add(c["relation"])
            spaced = re.escape(c["number"]).replace(r"\-", r"\-\s?")
            assert re.search(spaced, flat), (entry["file"], c["number"])
        # the plan's own number appears only in its header and appendix caption
        assert entry["number"] not in {c["number"] for c in entry["citations"]}
    assert relations == {"based_on", "implements", "cites"}


def test_corpus_varies(corpus: Path) -> None:
    entries = gen.read_manifest(corpus)
    assert len({e["province"] for e in entries}) >= 15
    assert len({e["topic"] for e in entries}) >= 5
    numbers = [c["number"] for e in entries for c in e["citations"]]
    assert any("/TW" in n for n in numbers)  # Party documents
    assert any(re.fullmatch(r"\d+/\d{4}/NĐ-CP", n) for n in numbers)  # normative decrees
    assert any(re.fullmatch(r"\d+/[A-Z]+-CP", n) for n in numbers)  # administrative numbers without year
    texts = " ".join(_flat(p.read_text(encoding="utf-8")) for p in corpus.glob("*.txt"))
    assert re.search(r"\d+/[A-ZĐ]+- [A-ZĐ]+", texts)  # "2703/QĐ- UBND" style variant
    assert "sau đây gọi tắt là" in texts
    assert "Trách nhiệm của" in texts
    assert re.search(r"Quý [IV]+ năm 20\d\d", texts)


def test_instruments_are_consistent_across_plans(corpus: Path) -> None:
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for entry in gen.read_manifest(corpus):
        for c in entry["citations"]:
            key = (c["number"], c["issuer"])
            assert seen.setdefault(key, (c["date"], c["doc_type"])) == (c["date"], c["doc_type"])


def test_later_plans_cite_earlier_plans() -> None:
    entries = [e for _, _, e in gen.generate(300, 5)]
    own = {(e["number"], e["issuer"]) for e in entries}
    cited = {(c["number"], c["issuer"]) for e in entries for c in e["citations"]}
    assert own & cited


def test_extraction_matches_manifest(corpus: Path) -> None:
    """Every generated plan parses with the expected number, citations, relations and appendix rows.

    Each part is checked once the extractor produces it for the real seed 000 (which has a
    number, a Căn cứ preamble and an appendix table), so the test follows extraction as it lands.
    """
    from pipelines.extract.record import extract_record
    from pipelines.ingest.source import read_source

    seed = extract_record(read_source(ROOT / "data" / "raw" / "000_8b11740c270d85e3.txt"))
    has_number = bool(seed["document"].get("number"))
    has_citations = bool(seed["citations"])
    has_relations = {c.get("relation") for c in seed["citations"]} >= {"based_on", "cites"}
    has_rows = any(t.get("kind") == "appendix_row" for t in seed["tasks"])
    if not (has_number or has_citations or has_rows):
        pytest.skip("extraction not implemented yet")
    for entry in gen.read_manifest(corpus):
        record = extract_record(read_source(corpus / entry["file"]))
        name = entry["file"]
        if has_number:
            assert record["document"]["number"] == entry["number"], name
        if has_citations:
            got = {c["number"]: c.get("relation") for c in record["citations"]}
            want = {c["number"]: c["relation"] for c in entry["citations"]}
            if not has_number:  # the plan's own number is excluded once metadata knows it
                got.pop(entry["number"], None)
            assert set(got) == set(want), name
            if has_relations:
                assert got == want, name
        if has_rows:
            rows = [t for t in record["tasks"] if t.get("kind") == "appendix_row"]
            assert len(rows) == entry["appendix_rows"], name


def test_parallel_extraction_streams_in_order_and_reports_bad_files(corpus: Path, tmp_path: Path) -> None:
    """pipelines.extract.parallel over a generated corpus: same records as serial, failures named."""
    from pipelines.extract.parallel import ExtractionFailure, extract_many

    files = sorted(corpus.glob("*.txt"))[:12]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    inputs = [*files[:5], empty, *files[5:]]
    serial = list(extract_many(inputs, workers=1))
    parallel = list(extract_many(iter(inputs), workers=2, chunksize=2, prefetch=1))
    assert [p for p, _ in parallel] == inputs
    assert parallel == serial
    failure = parallel[5][1]
    assert isinstance(failure, ExtractionFailure) and "empty" in str(failure)
    assert all(isinstance(r, dict) and r["source"] == p.name for p, r in parallel if p != empty)
