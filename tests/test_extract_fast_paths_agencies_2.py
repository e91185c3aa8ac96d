"""Fast paths of the agency and unnumbered-mention extraction (round 3) checked against the plain
forms they replace, on the seeds and on adversarial and random strings."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipelines.extract import agencies
from pipelines.extract.record import extract_record
from pipelines.extract.text import collapse, nfc
from pipelines.ingest.source import read_source
from tests.test_extract_fast_paths_agencies import ADVERSARIAL, _agency_phrase_end_plain, _collect_plain

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


def _random_texts(n: int, seed: int, alphabet: str, length: int = 60) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, length))) for _ in range(n)]


# --- segment breaks ----------------------------------------------------------------------

# Every character the break patterns test, and a few they do not.
_BREAK_ALPHABET = "\n\n\n \t\t|-+•1234a)zđĐ.x\r\u00a0"
_BREAK_EDGES = [
    "\n", "\n\n", "\n \t \n", "\n | \n", "\n|\n", "\n\t|\t\n", "\n |x\n", "\n - x", "\n -x", "\n-\t\tx",
    "\n12. x", "\n123. x", "\n1.x", "\na) x", "\nđ)\tx", "\nĐ) x", "\n \t\n\n- a", "\n \t |", "\n \t a) \n",
    "a\n \t", "\n\t \t•\t", "\n 1. \n 2. \n", "x | y\n | \n- z", "\n\r\n", "\n\u00a0\n",
]


def test_factored_line_breaks_split_as_the_plain_pattern(seed_texts: list[str]) -> None:
    texts = [*seed_texts, *ADVERSARIAL, *_BREAK_EDGES, *_random_texts(4000, 11, _BREAK_ALPHABET)]
    for text in texts:
        text = nfc(text)
        assert agencies._LINE_BREAKS.split(text) == agencies._LINE_BREAKS_PLAIN.split(text), repr(text)
        assert [m.span() for m in agencies._LINE_BREAKS.finditer(text)] == \
            [m.span() for m in agencies._LINE_BREAKS_PLAIN.finditer(text)], repr(text)
        assert agencies._segments(text) == agencies._SEGMENT_BREAK.split(text), repr(text)


# --- the phrase walk from a known item start ---------------------------------------------


def test_phrase_end_from_an_item_scan_match_equals_the_plain_form(seed_texts: list[str]) -> None:
    flats = [collapse(nfc(t)) for t in [*seed_texts, *ADVERSARIAL]]
    checked = 0
    for flat in flats:
        for m in agencies._ITEM_SCAN.finditer(flat):
            got = agencies._phrase_end(flat, m.start(), None)
            assert got == agencies.agency_phrase_end(flat, m.start()) == _agency_phrase_end_plain(flat, m.start())
            checked += 1
    assert checked > 500


# --- the record's agency list ------------------------------------------------------------


def test_collect_agencies_with_direct_resolution_equals_the_plain_form(seed_texts: list[str]) -> None:
    for path in SEEDS:
        source = read_source(path)
        record = extract_record(source)
        args = (source.text, record["document"], record["tasks"], record["citations"])
        assert agencies.collect_agencies(*args) == _collect_plain(*args) == record["agencies"]
    # A name longer than the resolution cache takes, resolved uncached; roles from several tasks.
    long_name = "Sở " + " ".join(["Nội vụ"] * 120)
    assert len(long_name) > agencies._resolve_agency.max_len
    text = f"{long_name} chủ trì.\nSở Y tế phối hợp.\nNơi nhận:\n- Sở Y tế;\n- Lưu: VT."
    tasks = [{"lead": [long_name, "Sở Y tế"], "coordinators": [long_name.lower()], "approver": None},
             {"lead": ["sở Y tế"], "coordinators": ["Sở Y tế", long_name], "approver": "UBND tỉnh"}]
    for province in ("Bến Tre", None):
        args = (text, {"province": province}, tasks, [])
        assert agencies.collect_agencies(*args) == _collect_plain(*args)
