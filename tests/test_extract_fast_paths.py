"""The fast paths of extraction give exactly the answers of the plain forms they replace."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from pipelines.extract import agencies, responsibilities, tables
from pipelines.extract.metadata import extract_metadata
from pipelines.extract.record import extract_record
from pipelines.extract.tables import find_tables
from pipelines.extract.targets import extract_targets
from pipelines.extract.tasks import extract_tasks
from pipelines.extract.text import collapse
from pipelines.extract.timeframes import parse_timeframe
from pipelines.ingest.encodings import _control_share
from pipelines.ingest.source import read_source

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


def test_collapse_matches_the_regex_form() -> None:
    samples = ["", "  a \t b\n\nc  ", "x\u00a0y\u2003z", "a\u200bb", "\x1c\x1dq\x1e\x1f", "đ\r\nĐ\x0b\x0ce", " \u3000 "]
    for s in samples:
        assert collapse(s) == re.sub(r"\s+", " ", s).strip()


def test_control_share_counts_exactly_the_cc_category() -> None:
    text = "".join(chr(i) for i in range(0, 0x250)) + "Việt Nam\n\t"
    expected = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f\v") / len(text)
    assert _control_share(text) == expected


def test_item_scan_finds_what_item_start_finds(seed_texts: list[str]) -> None:
    for text in seed_texts:
        for segment in agencies._SEGMENT_BREAK.split(text):
            flat = collapse(segment)
            assert [m.span() for m in agencies._ITEM_SCAN.finditer(flat)] == \
                [m.span() for m in agencies._ITEM_START.finditer(flat)]


def _marker_plain(line: str) -> tuple[str, str, int] | None:
    for kind, pattern in responsibilities._MARKERS:
        m = pattern.match(line)
        if m:
            return kind, m.group(1), m.end()
    return None


def test_one_pass_marker_matches_the_ordered_patterns(seed_texts: list[str]) -> None:
    lines = [ln for text in seed_texts for ln in text.split("\n")]
    lines += ["1. Sở", " 12) x", "a) b", "đ)  c", "- d", "– e", "+ f", "• g", "* h", "1.x", "-x", "a)", "  ", ""]
    for line in lines:
        assert responsibilities._marker(line) == _marker_plain(line)


def test_accent_stripping_matches_whole_string_decomposition() -> None:
    def plain(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D")
        return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")

    # Includes spacing combining marks with a combining class (U+0F39, U+1D165), which the
    # character-by-character map must not reorder.
    for s in ["Cơ quan chủ trì", "THỜI GIAN HOÀN THÀNH", "ascii", "a\u0f39\u0301b", "\U0001d165\u0301\U0001d16d", "Ủy"]:
        assert tables._strip_accents(s) == plain(s)


def test_shared_tables_give_the_same_tasks_and_targets(seed_texts: list[str]) -> None:
    for text in seed_texts:
        document = extract_metadata(text)
        found = find_tables(text)
        assert extract_tasks(text, document, tables=found) == extract_tasks(text, document)
        assert extract_targets(text, document, tables=found) == extract_targets(text, document)


def test_cached_answers_are_copies() -> None:
    first = agencies.resolve_agency("Sở Nội vụ", "Bến Tre")
    first["canonical"] = "changed"
    assert agencies.resolve_agency("Sở Nội vụ", "Bến Tre")["canonical"] != "changed"
    names = agencies.split_agencies("Sở Nội vụ, Sở Tài chính")
    names.append("extra")
    assert "extra" not in agencies.split_agencies("Sở Nội vụ, Sở Tài chính")
    due = parse_timeframe("Năm 2025")
    due["end"] = None
    assert parse_timeframe("Năm 2025")["end"] == "2025-12-31"


def test_record_is_the_same_with_warm_and_cold_caches() -> None:
    source = read_source(SEEDS[0])
    warm = extract_record(source)
    for fn in (agencies._segment_mentions, agencies._split_agencies, agencies._gazetteer_prefix_window,
               agencies._resolve_agency, agencies.lookup, agencies._key, tables.header_role):
        fn.cache_clear()
    assert extract_record(source) == warm


def test_role_line_prefilter_keeps_every_role_line(seed_texts: list[str]) -> None:
    from pipelines.extract import metadata

    lines = [ln.strip() for text in seed_texts for ln in text.splitlines()]
    lines += ["KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "PHÓ GIÁM ĐỐC", "UBND", "Q. CHÁNH VĂN PHÒNG", "K/T BỘ TRƯỞNG"]
    for line in lines:
        if metadata._ROLE_LINE.match(line):
            assert line[:1] in metadata._ROLE_FIRST


def test_heading_candidates_cover_every_heading_and_marker_line(seed_texts: list[str]) -> None:
    from pipelines.extract import targets

    extra = "I. MỤC TIÊU\n  II . x\n\t1) a\nb)  c\n– d\n• e\n\u00a0- f\nvăn bản\n\x0c3. g\nđ ) h"
    for text in [*seed_texts, extra]:
        lines = text.split("\n")
        wanted = [i for i, ln in enumerate(lines) if targets._ROMAN.match(ln) or responsibilities._marker(ln)]
        assert set(wanted) <= set(targets._heading_candidates(text))


def test_opening_word_shortcut_never_hides_a_name(seed_texts: list[str]) -> None:
    """Where the shortcut says no name can open a window, the full search finds none either."""
    plain = agencies._gazetteer_prefix_window.__wrapped__
    windows = {flat[m.start():m.start() + agencies._PREFIX_WINDOW]
               for text in seed_texts for flat in [collapse(text)] for m in re.finditer(r"(?:^|(?<=\s))\S", flat)}
    windows |= {"Đề nghị Sở Nội vụ", "Ủy ban nhân dân tỉnh", "của tỉnh Bến Tre", "uỷ ban nhân dân", "VP.UBND tỉnh"}
    rejected = [w for w in windows if not agencies._may_open_a_name(w)]
    assert rejected  # the shortcut does fire on ordinary prose
    for window in rejected:
        words = list(agencies._WORD.finditer(window))
        for k in range(min(len(words), 12), 0, -1):
            assert not agencies.lookup(window[:words[k - 1].end()].rstrip(",;.:()“”\"")), window
    assert plain("Sở Nội vụ chủ trì") > 0
