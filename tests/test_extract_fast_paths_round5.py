"""Fast paths of round 5 (cold per-document cost of the real seeds) against the plain forms they replace."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from pipelines.extract import mentions, metadata, numbers, responsibilities, targets, tasks
from pipelines.extract.agencies import agency_phrase_end, split_agencies
from pipelines.extract.numbers import prepare_text
from pipelines.extract.tables import find_tables
from pipelines.extract.text import collapse
from pipelines.ingest.source import read_source
from tests.test_extract_fast_paths_metadata_2 import _plain_find_numbers
from tests.test_extract_fast_paths_seeds import _paragraphs

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))
ALL_CHARS = [chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp < 0xE000]


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [prepare_text(read_source(p).text) for p in SEEDS]


def _random_texts(alphabet: list[str], n: int, seed: int, max_len: int = 14) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, max_len))) for _ in range(n)]


def test_white_space_is_what_str_split_splits_on_and_has_no_case() -> None:
    # Premise of the word-wise forms below: ``\s`` is ``str.isspace`` and case mapping leaves it alone.
    space = re.compile(r"\s")
    for c in ALL_CHARS:
        assert (space.match(c) is not None) == c.isspace(), hex(ord(c))
        if c.isspace():
            assert c.upper() == c == c.lower(), hex(ord(c))


# --- mentions: the standard pattern led by "iêu" -----------------------------------------------------

def _standards_plain(text: str) -> list[tuple]:
    return [(m.start(), m.end(), "quốc" in m.group(1), m.group(3), m.group(4))
            for m in mentions._STANDARD.finditer(text)]


def _standards_fast(text: str) -> list[tuple]:
    return [(m.start() - 1, m.end(), "quốc" in m.group(1), m.group(3), m.group(4))
            for m in mentions._STANDARD_FROM_IEU.finditer(text)]


def test_standard_led_by_ieu_finds_the_plain_matches(seed_texts: list[str]) -> None:
    edges = ["Tiêu chuẩn ISO 9001:2015", "tiêu chuẩn quốc gia TCVN 5603:2008", "Tiêu\nchuẩn\tTCVN ISO 9001",
             "iêu chuẩn ISO 9001", "Tiêu chuẩn ISO 9001Tiêu chuẩn ISO 9002",
             "xTiêu chuẩn TCVN 123 tiêu chuẩn TCVN 4567",
             "TTiêu chuẩn ISO 9001:2015:", "Tiêu chuẩn ISO 9001:2015a tiêu chuẩn ISO 14001"]
    rng = random.Random(5)
    parts = [["", "x", "T", "t", "1", " ", "\n", ":"], ["Tiêu", "tiêu", "iêu", "TTiêu", "Tiê"],
             [" ", "\n", "  ", ""], ["chuẩn", "chuẩn quốc gia", "chuẩn quốc\ngia", "chuân"], [" ", "\t", ""],
             ["ISO ", "TCVN ", "TCVN ISO ", "ISO/IEC ", "ISO/IEC", "TCVN"], ["9001", "12", "123", "14001", "123456"],
             ["", ":2015", ":20", ":"], ["", " ", "a", ":", ".", "Tiêu chuẩn ISO 9001"]]
    made = ["".join(rng.choice(p) for p in parts) * rng.randint(1, 2) for _ in range(20000)]
    texts = [*seed_texts, *edges, *made]
    hits = 0
    for text in texts:
        plain = _standards_plain(text)
        assert _standards_fast(text) == plain, text
        hits += len(plain)
    assert hits > 3000
    # And the candidates the extractor reads from it.
    for text in edges:
        got = [(c[0], c[1]) for c in mentions._candidates(text) if c[3] == "standard"]
        assert got == [(m.start(), m.end()) for m in mentions._STANDARD.finditer(text)
                       if mentions._word_start(text, m.start())]


# --- metadata: the caps-heading test read by words -----------------------------------------------------

def _is_caps_heading_plain(line: str) -> bool:
    return metadata._is_caps(metadata._NUMBER_TOKEN.sub(" ", line))


def test_caps_heading_by_words_equals_the_pattern_form(seed_texts: list[str]) -> None:
    lines = [ln for text in seed_texts for ln in text.split("\n")]
    edges = ["", "/", " / ", "KẾ HOẠCH SỐ 12/KH-UBnd", "Số 12/KH-UBND", "SỐ 12/KH-UBND ngày", "x/1", "X/1 Y",
             "CHỈ THỊ SỐ 23/CT-TTg VỀ", "A/B", "A/b", "a/B 1", "THỰC HIỆN 131/NQ-CP\u00a0NGÀY 06/10/2022",
             "ABC\u2003d/1 E", "ß/1 X", "ǅ 1/2", "1/2", "١/٢ x", "١/ X", "Ǆ/Ǆ", "ǅ/ǅ", "Ω/1 ω"]
    alphabet = ["A", "a", "Đ", "đ", "ß", "ǅ", "Ǆ", "İ", "1", "٣", "/", " ", "\t", "\u00a0", "-", "x", "X", "Ố", "ố"]
    checked = 0
    for line in [*lines, *edges, *_random_texts(alphabet, 40000, 11)]:
        assert metadata._is_caps_heading(line) == _is_caps_heading_plain(line), line
        checked += "/" in line
    assert checked > 10000


# --- tasks: "phụ lục" found from its "ụ" ---------------------------------------------------------------

def test_appendix_word_starts_equal_the_plain_scan(seed_texts: list[str]) -> None:
    edges = ["phụ lục", "PHỤ LỤC", "Phụ\nlục", "pHỤ  lỤc", "ụ lục", "hụ lục", "phụlục", "phụ lụcphụ lục",
             "Phụ lục Phụ lục", "phụ lụC", "ph\u1ee5 lục", "phu\u0323 lục", "xphụ lục.PHỤ LỤC;Phụ Lục"]
    alphabet = ["p", "P", "h", "H", "ụ", "Ụ", "u", " ", "\n", "l", "L", "c", "C", "x", "."]
    for text in [*seed_texts, *map(collapse, seed_texts), *edges, *_random_texts(alphabet, 40000, 13)]:
        plain = [m.start() for m in tasks._APPENDIX_WORD.finditer(text)]
        assert tasks._appendix_word_starts(text) == plain, text


# --- numbers: a document's numbers found from their separators ----------------------------------------

_SCAN_HEAD = r"\d(?<![\w/.,]\d)\d{0,4}+(?=[ \t]*[/-])"


def _number_texts(seed_texts: list[str]) -> list[str]:
    rng = random.Random(17)
    pieces = ["12", "123456", "1", "2021", "١٢", "/", "//", "-", " / ", " - ", "\t", " ", "\n", "KH", "UBND", "QĐ",
              "NQ", "TU", "CP", "đ", "x", ".", ",", "_", "Số ", "ngày ", "2023/ND-CP", "15/2021/NĐ-CP"]
    made = ["".join(rng.choice(pieces) for _ in range(rng.randint(500, 900))) for _ in range(300)]
    # (with and without digits other than 0-9: the scans for texts with 0-9 only differ)
    return [*seed_texts, *made, *(t.replace("١٢", "34") * 3 for t in made),
            *(t.replace("/", "\u2215") for t in seed_texts)]


def test_serial_starts_are_where_the_scan_head_matches(seed_texts: list[str]) -> None:
    assert numbers._scan_needs_separator()
    assert numbers._number_scan_regex().pattern.startswith(_SCAN_HEAD)
    head = re.compile(_SCAN_HEAD)
    for text in _number_texts(seed_texts):
        text = prepare_text(text)
        assert numbers._serial_starts(text) == [i for i in range(len(text)) if head.match(text, i)]


def test_find_numbers_from_separators_equals_the_whole_scan(seed_texts: list[str]) -> None:
    found = 0
    for text in _number_texts(seed_texts):
        text = prepare_text(text)
        assert len(text) >= numbers._SEPARATOR_LED_FROM
        fast = numbers.find_numbers(text)
        assert fast == _plain_find_numbers(text)
        found += len(fast)
    assert found > 1000


# --- targets: percentages and years by class-led patterns ---------------------------------------------

def test_year_words_open_with_six_characters_under_ignorecase() -> None:
    for letter, cases in (("n", "nN"), ("đ", "đĐ"), ("g", "gG")):
        pattern = re.compile(letter, re.IGNORECASE)
        assert [c for c in ALL_CHARS if pattern.fullmatch(c)] == sorted(cases), letter


def _target_texts(seed_texts: list[str]) -> list[str]:
    rng = random.Random(23)
    pieces = ["năm", "NĂM", "Năm", "nam", "đến", "ĐẾN", "Đến", "giai đoạn", "GIAI\nĐOẠN", "Giai  đoạn", "giai",
              " ", "\n", "2020", "1999", "2025", "2101", "12", "-", "–", " - ", "%", " %", "5.5", "7,25", ",", ".",
              "x", "A", "_", "đ", "n", "g", "ăm", "ến", "iai đoạn", "İ", "top 10", "năm 2021", "ĐẾN\n2030",
              "giai đoạn 2021 - 2025", "Giai đoạn 2020–2021", "xnăm 2020", "năm 20211", " 2022-", "-2023"]
    made = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(30000)]
    lines = [ln for text in seed_texts for ln in text.split("\n")]
    return [*seed_texts, *lines, *made]


def test_percent_and_year_scans_find_the_plain_matches(seed_texts: list[str]) -> None:
    percents = years = 0
    for text in _target_texts(seed_texts):
        plain = [(m.span(), m.group(1)) for m in targets._PERCENT.finditer(text)]
        assert [(m.span(), m.group(1)) for m in targets._PERCENT_SCAN.finditer(text)] == plain, text
        plain_years = [(m.span(), m.groups()) for m in targets._YEAR.finditer(text)]
        assert [(m.span(), m.groups()) for m in targets._YEAR_SCAN.finditer(text)] == plain_years, text
        percents += len(plain)
        years += len(plain_years)
    assert percents > 1500 and years > 1500


# --- tasks: the words outside the task tables ---------------------------------------------------------

def _flat_outside_plain(text: str, spans: list[tuple[int, int]]) -> str | None:
    words: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < 0 or start > end:
            return None
        if start == end:
            continue
        if start > pos:
            words.extend(text[pos:start].split())
        pos = max(pos, end)
    words.extend(text[pos:].split())
    return " ".join(words)


class _Span:
    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


def test_flat_outside_equals_the_word_by_word_form(seed_texts: list[str]) -> None:
    rng = random.Random(29)
    raw = [read_source(p).text for p in SEEDS]
    texts = [*raw, *seed_texts, "", " \n ", "a\u0301 b\u00a0c\td", "x" * 3000 + "\u2028y  z\n", "Cafe\u0301 ở  đây"]
    for text in texts:
        found = [(t.start, t.end) for t in find_tables(text)]
        n = len(text)
        cuts = [[], [(0, 0)], [(0, n)], [(n, n)], [(5, 3)], [(-1, 4)], found]
        for _ in range(30):
            cuts.append([tuple(sorted((rng.randint(0, n), rng.randint(0, n)))) for _ in range(rng.randint(1, 4))])
        for spans in cuts:
            got = tasks._flat_outside(text, [_Span(a, b) for a, b in spans])
            assert got == _flat_outside_plain(text, spans), (text[:40], spans)


# --- metadata: the number line led by "S" -------------------------------------------------------------

def test_number_line_led_by_s_equals_the_plain_search(seed_texts: list[str]) -> None:
    def spans(m: re.Match[str] | None) -> tuple | None:
        return m and (m.span(), m.group("v"))

    rng = random.Random(31)
    pieces = ["Số", "số", "SỐ", "xSố", "_Số", "1Số", " ", "\n", ":", " : ", "12/KH-UBND", "|", "S", "ố", "\t",
              "Sốx", "(Số", "ĐSố", "Số 12", "Số: 7", "Số\n 3"]
    made = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(20000)]
    hits = 0
    for text in [*seed_texts, *made]:
        plain = metadata._NUMBER_LINE.search(text[: metadata._HEADER_CHARS])
        assert spans(metadata._NUMBER_LINE_SCAN.search(text, 0, metadata._HEADER_CHARS)) == spans(plain), text
        hits += plain is not None
    assert hits > 3000


# --- responsibilities: the agency heading's word count --------------------------------------------------

def _agency_heading_plain(lines: list[str]) -> tuple | None:
    best = None
    words: list[str] = []
    for k in range(1, len(lines) + 1):
        words += lines[k - 1].split()
        cand = " ".join(words).rstrip(":").strip()
        body = responsibilities._HEADING_PREFIX.sub("", cand)
        if not body or len(body.split()) > 40:
            break
        rest = lines[k:]
        if rest and not rest[0][:1].isupper():
            continue
        end = agency_phrase_end(body, 0)
        if end is not None and end >= len(body.rstrip(" .:")):
            best = (split_agencies(body[:end]), cand, rest)
    return best


def test_agency_heading_counts_words_only_past_forty(seed_texts: list[str]) -> None:
    paragraphs: list[list[str]] = []
    for text in seed_texts:
        for _title, start, end in responsibilities.top_sections(text):
            paragraphs.extend(_paragraphs(responsibilities._parse_items(text[start:end], start)))
    long_line = " ".join(["Sở Nội vụ"] * 14)
    paragraphs += [[":"], [": :"], ["Giao"], ["Giao Sở Nội vụ"], ["Trách nhiệm của", "Sở Y tế:"],
                   ["Đề nghị", ":"], [long_line], [long_line, "Sở Tài chính"], ["Sở Nội vụ " * 13 + ":", "Sở Y tế"],
                   ["Yêu cầu " + "Sở Y tế, " * 13, "Sở Tư pháp"], ["Giao cho " + "Sở Y tế " * 13 + "và", "Sở Tư pháp"]]
    rng = random.Random(37)
    words = ["Sở", "Nội", "vụ", "Y", "tế", "Giao", "giao", "cho", "Đề", "nghị", "Trách", "nhiệm", "của", ":", ",",
             "và", "các", "thực", "hiện", "UBND", "tỉnh"]
    for _ in range(3000):
        paragraphs.append([" ".join(rng.choice(words) for _ in range(rng.randint(0, 18)))
                           for _ in range(rng.randint(1, 5))])
    assert len(paragraphs) > 3000
    for lines in paragraphs:
        assert responsibilities._agency_heading(lines) == _agency_heading_plain(lines), lines
