"""Fast paths of round 7 checked against the plain forms they replace."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract import agencies
from pipelines.ingest.source import read_source

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))

# Printed names with case, tone placement, prefixes, punctuation and spacing a name probe meets.
ADVERSARIAL_NAMES = [
    "", " ", "Sở Y tế", "sở Y tế", "SỞ Y TẾ", "Sở Y tế,", "Sở Y tế;", " Sở Y tế", "Sở  Y tế", "Sở Y\ntế",
    "UBND tỉnh", "uBND tỉnh", "UBND tỉnh Tiền Giang", "Ủy ban nhân dân tỉnh", "Uỷ ban nhân dân tỉnh",
    "Đề nghị Sở Y tế", "- Sở Y tế", "Giao cho Sở Nội vụ", "các sở, ban, ngành", "Các sở, ban, ngành tình",
    "Sở, ngành tinh", "Đài Phát thanh và Truyền hình", "VP.UBND tỉnh", "VPUBND", "Sở TT&TT", "cấp",
    "cấp tỉnh, cấp huyện", "Báo Ấp Bắc", "Sở Y tế (chủ trì)", "İl", "ǅ", "Sở Giáo dục và Đào tạo",
]
ADVERSARIAL_WORDS = [
    "", "tế", "tế,", "tế;", "tế.", "tế:", "tế)", "(tế", "TẾ", "Tế,", "tỉnh", "tỉnh;", "TỈNH:", "tinh", "tình,",
    "uỷ", "ủy", "Uỷ,", "hoá", "hóa.", "&", "TT&TT", "TT&TT,", "VP.UBND", "UBND", "ubnd;", "-", "–", "“Sở",
    "Sở”", "2021", "16/3/2021", "III.", "İ", "ß", "ǅ", "x" * 300,
]


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


def _seed_names(texts: list[str]) -> list[str]:
    """Names and phrases the prose scan and the cell splitter meet in the seeds, and their word
    prefixes (the candidates a name probe looks up)."""
    out: list[str] = []
    for text in texts:
        for name in agencies._mentioned_names(text, False):
            words = name.split()
            out += [" ".join(words[:k]) for k in range(1, len(words) + 1)]
            out += [name + ",", name[:1].swapcase() + name[1:]]
    return out


def test_printed_lookups_are_the_plain_lookup() -> None:
    table = agencies._printed_lookups()
    assert len(table) >= len(agencies.gazetteer())
    for name, entry in table.items():
        assert entry == agencies._lookup(name), name


def test_lookup_matches_plain_form(seed_texts: list[str]) -> None:
    names = [*ADVERSARIAL_NAMES, *_seed_names(seed_texts), *agencies._printed_lookups()]
    for name in names:
        # Cold (the reference table read first) and warm.
        agencies.lookup.cache_clear()
        assert agencies.lookup(name) == agencies._lookup(name), name
        assert agencies.lookup(name) == agencies._lookup(name), name


def test_printed_word_facts_are_the_plain_facts() -> None:
    table = agencies._printed_word_facts()
    assert "tế," in table and "tỉnh;" in table
    for word, facts in table.items():
        assert facts == agencies._word_facts_of(word), word


def test_word_facts_match_plain_form(seed_texts: list[str]) -> None:
    words = {w for text in seed_texts for w in text.split()}
    agencies._word_facts.cache_clear()
    for word in [*ADVERSARIAL_WORDS, *sorted(words)]:
        assert agencies._word_facts(word) == agencies._word_facts_of(word), word
    agencies._word_facts.cache_clear()
