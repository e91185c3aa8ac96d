"""Fast paths of metadata, citations and numbers (round 3) checked against the plain forms they replace."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from pipelines.extract import metadata, numbers
from pipelines.extract.citations import citation_index, extract_citations, numbers_mentioned
from pipelines.extract.metadata import extract_metadata
from pipelines.ingest.source import read_source
from tests.test_extract_fast_paths_metadata import ADVERSARIAL_BODIES, DB_HEADS, _plain_case_lookup, _queries

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))

# Bodies for the pair search: repeated and overlapping words, words inside words, underscores,
# every kind of white space, line breaks inside a pair, upper-case lines, and a letter whose
# lower case is longer (the body is then searched as printed).
PAIR_BODIES = [
    *ADVERSARIAL_BODIES,
    "an toàn toàn an an an toàn\nAN TOÀN an Toàn",
    "xan an an an_an an an",
    "năm năm năm\nNĂM NĂM năm\nnăm năm",
    "aa aa aa aaa aa\naa\naa AA aa",
    "thực\nhiện THỰC HIỆN\nthực hiện\nTHỰC\nhiện thực hiện thực\u2028hiện thực\u00a0\u00a0hiện",
    "_thực hiện 1thực hiện đthực hiện (thực hiện) thực hiện_ thực hiệnx thực hiện, thực hiện.",
    "KẾ HOẠCH THỰC HIỆN\nthực Hiện\nKẾ HOẠCH thực\nHiện kế hoạch thực hiện",
    "a-b a-b-a-b a-b a b-a",
    "İi ii İİ ii İi",
]
PAIR_QUERIES = [
    (["AN", "TOÀN"], 1), (["TOÀN", "AN"], 1), (["AN", "AN"], 1), (["NĂM", "NĂM"], 1), (["AA", "AA"], 1),
    (["AA", "AAA"], 1), (["THỰC", "HIỆN"], 1), (["HOẠCH", "THỰC"], 1), (["KẾ", "HOẠCH"], 1),
    (["A-B", "A-B"], 1), (["B-A", "A-B"], 1), (["A", "B-A"], 1), (["(THỰC", "HIỆN)"], 1), (["İI", "İİ"], 1),
    (["II", "İI"], 1), (["THỰC", "HIỆN,"], 1), (["XAN", "AN"], 1), (["AN", "AN_AN"], 1),
]


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


def _both_paths(body: str, queries: list[tuple[list[str], int]]) -> None:
    """Each query answered by the ``str.find`` path (a pair never seen) and by the pattern path
    (a pair seen before), in the given order, against the plain form."""
    for seen in (0, 1):
        metadata._pair_sightings.cache_clear()
        if seen:
            for words, _idx in queries:
                if len(words) == 2:
                    metadata._pair_sightings(words[0].lower(), words[1].lower())[0] = 1
        fast, plain = metadata._case_lookup(body), _plain_case_lookup(body)
        for words, idx in queries:
            assert fast(words, idx) == plain(words, idx), (seen, words, idx, body[:80])
    metadata._pair_sightings.cache_clear()


def test_pair_variant_both_paths_on_seeds(seed_texts: list[str]) -> None:
    for body in seed_texts:
        queries = [q for q in _queries(body) if q[1] == 1][:300]
        _both_paths(body, queries + PAIR_QUERIES)


def test_pair_variant_both_paths_on_adversarial_bodies() -> None:
    for body in PAIR_BODIES:
        _both_paths(body, [*_queries(body), *PAIR_QUERIES])


def test_pair_variant_random_bodies_and_orders() -> None:
    """Pairs that overlap themselves, printed in every casing over line breaks, asked in random
    orders (the per-line answers one query stores are read by the next)."""
    rnd = random.Random(23)
    vocab = ["an", "AN", "An", "toàn", "TOÀN", "xan", "an_", "_an", "aa", "AA", "aaa", "thực", "Thực", "THỰC",
             "hiện", "HIỆN", "hIện", "(thực", "hiện,", "1", "-", "a-b", "A-B", "b-a", "İ", "ǅa"]
    seps = [" ", "\n", "  ", "\n\n", " \n ", "\t", ", ", ".\n", "\u00a0", "\u2028", ""]
    for _ in range(300):
        body = "".join(rnd.choice(vocab) + rnd.choice(seps) for _ in range(rnd.randint(1, 40)))
        queries = [*rnd.sample(PAIR_QUERIES, len(PAIR_QUERIES)), ([rnd.choice(vocab), rnd.choice(vocab)], 1)]
        _both_paths(body, queries)


def test_lowered_words_start_with_no_white_space() -> None:
    """A word of a split heading starts with a character that is no white space once lowered
    (the ``str.find`` path relies on it, and checks it anyway)."""
    for code in range(0x110000):
        c = chr(code)
        if not c.isspace():
            assert not c.lower()[:1].isspace()


# --- numbers.find_numbers: texts without a separator ----------------------------------------------

NUMBER_TEXTS = [
    "", "123", "Số 15 ngày 12 tháng 3 năm 2021", "Kế hoạch 76 và Quyết định số 1234", "٣٤٥ ١٢", "12 . 2021 , 5",
    "Số 12\u2013KH/UBND", "Số 12\u2212KH", "Số 12\uff0fQĐ", "12/KH-UBND", "12-NQ/TU", "15 /2021/ NĐ - CP", "1\t-\tCT",
]


def _plain_find_numbers(text: str) -> list:
    """The form ``numbers.find_numbers`` replaced: the scanning pattern run over every text."""
    scan = numbers._number_scan_regex_ascii() if numbers.ascii_digits_only(text) else numbers._number_scan_regex()
    out = []
    for m in scan.finditer(text):
        parsed = numbers._parse_cached(m.group(0))
        if parsed is not None:
            out.append(numbers._moved(parsed, m.start()))
    return out


def test_find_numbers_skips_texts_without_separator(seed_texts: list[str]) -> None:
    # The shipped number forms build the scanning pattern, whose look-ahead asks for a separator.
    assert numbers._scan_needs_separator()
    assert "(?=[ \\t]*[/-])" in numbers._number_scan_regex().pattern
    rnd = random.Random(3)
    texts = [numbers.prepare_text(t) for t in [*NUMBER_TEXTS, *seed_texts]]
    for seed in seed_texts:
        for _ in range(200):
            at = rnd.randrange(len(seed))
            texts.append(numbers.prepare_text(seed[at : at + rnd.randint(1, 300)]))
    texts += [t.replace("/", " ").replace("-", " ") for t in texts]
    for text in texts:
        assert numbers.find_numbers(text) == _plain_find_numbers(text)


# --- metadata.sentence_case: word tests --------------------------------------------------------------


def test_no_character_is_both_letter_and_digit() -> None:
    """``sentence_case`` reads an all-letter word as a word without its digit and letter tests."""
    for code in range(0x110000):
        c = chr(code)
        assert not (c.isalpha() and c.isdigit())


def test_type_name_opening_matches_word_by_word() -> None:
    """The opening words lowered once, then cut per name: the same as lowering each cut."""
    headings = ["KẾ HOẠCH THỰC HIỆN", "QUYẾT ĐỊNH", "LUẬT", "CHỈ THỊ SỐ 23/CT-TTg", "KẾ", "THÔNG TƯ LIÊN TỊCH X",
                "İİ KẾ HOẠCH", "Kế Hoạch năm 2021", "PHƯƠNG ÁN"]
    for heading in headings:
        words = heading.split()
        expected_first = 1
        expected_out = [words[0].capitalize()]
        for n, lowered in metadata._TYPE_NAME_WORDS:
            if [w.lower() for w in words[: len(n)]] == lowered:
                expected_out, expected_first = list(n), len(n)
                break
        cased = metadata.sentence_case(heading, "kế hoạch thực hiện năm")
        assert cased.split()[: max(expected_first, 1)] == expected_out[: max(expected_first, 1)], heading


# --- citations.numbers_mentioned: fragments that name nothing --------------------------------------


def _plain_numbers_mentioned(fragment: str, citations: list[dict]) -> list[str]:
    """Numbers of known citations in ``fragment``, by number or by a whole-word alias, first seen first."""
    if not fragment or not citations:
        return []
    text = numbers.prepare_text(fragment)
    known = {c.get("number") for c in citations}
    found = [(nm.start, nm.canonical) for nm in _plain_find_numbers(text) if nm.canonical in known]
    for c in citations:
        for alias in c.get("aliases") or []:
            if _plain_find_numbers(numbers.prepare_text(alias)):
                continue
            words = alias.split()
            pattern = r"(?<![\w])" + r"\s+".join(re.escape(w) for w in words) + r"(?![\w])"
            found.extend((m.start(), c["number"]) for m in re.finditer(pattern, text))
    out: list[str] = []
    for _, num in sorted(found):
        if num not in out:
            out.append(num)
    return out


def test_numbers_mentioned_matches_the_plain_form(seed_texts: list[str]) -> None:
    rnd = random.Random(8)
    for text in seed_texts:
        citations = extract_citations(text, extract_metadata(text))
        index = citation_index(citations)
        fragments = ["", "không có số", "theo Kế hoạch", text[:200]]
        for _ in range(300):
            at = rnd.randrange(len(text))
            fragments.append(text[at : at + rnd.randint(0, 250)])
        for c in citations:
            fragments += [f"thực hiện {c['number']} và {a}" for a in c.get("aliases") or []]
        for fragment in fragments:
            expected = _plain_numbers_mentioned(fragment, citations)
            assert numbers_mentioned(fragment, citations, index=index) == expected, fragment
            assert numbers_mentioned(fragment, citations) == expected, fragment


# --- metadata._db_header: all label lines in one pass ------------------------------------------------

DB_TEXTS = [
    *DB_HEADS,
    "Người ký: A\nSố hiệu: 1/KH\nNgày ban hành: 01/01/2021\nNgày có hiệu lực: 02/01/2021\nLoại văn bản: KH\n"
    "Cơ quan ban hành: UBND\nNgười ký: B\nSố hiệu: 2/KH",
    "\n\n\t Ngày có hiệu lực: x\n Ngày ban hành: y\nNgàyNgày ban hành: z",
    "Cơ quan ban hành:\n\nCơ quan ban hành: \t\nCơ quan ban hành: thật",
    "x" * 5990 + "\nSố hiệu: cắt ở cuối đầu trang",
    "Số hiệu: đầu\r\nLoại văn bản: Kế hoạch\r\n\r\n  Người  ký :  C  ",
]


def test_db_header_is_the_search_of_each_label(seed_texts: list[str]) -> None:
    for text in [*seed_texts, *DB_TEXTS]:
        head = text[: metadata._HEADER_CHARS]
        plain = {}
        for key, rx in metadata._DB_RE.items():
            m = rx.search(head)
            if m:
                plain[key] = m.group("v").strip()
        fast = metadata._db_header(text)
        assert fast == plain and list(fast) == list(plain), text[:80]


# --- metadata._heading: lines read one by one --------------------------------------------------------


def _lines_read(text: str, start: int, stop: int) -> list[str]:
    """The lines ``_heading`` reads from ``text[start:stop]`` (up to the empty match at the end)."""
    out = []
    for m in metadata._SPLITLINES.finditer(text, start, stop):
        if not m.group():
            break
        out.append(m.group())
    return out


def test_splitlines_breaks_are_complete() -> None:
    for code in range(0x110000):
        c = chr(code)
        assert (len(f"a{c}b".splitlines()) == 2) == (c in metadata._SPLITLINES_BREAKS), hex(code)


def test_heading_lines_are_splitlines(seed_texts: list[str]) -> None:
    rnd = random.Random(13)
    pieces = ["a", "KẾ HOẠCH", " ", "\n", "\r", "\r\n", "\n\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85",
              "\u2028", "\u2029", "\t", "", "|"]
    texts = [*seed_texts, "", "\n", "\r\n", "a\r", "\r\n\r\n", "x" * 10]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40))) for _ in range(2000)]
    for text in texts:
        for _ in range(5):
            start = rnd.randint(0, len(text))
            stop = start + rnd.choice([0, 1, 2, 5, 17, metadata._HEADER_CHARS])
            assert _lines_read(text, start, stop) == text[start:stop].splitlines(keepends=True), (text, start, stop)


# --- metadata._motto_hits: folded prefixes of 512 and 1,000 characters ---------------------------


def test_motto_from_prefixes_is_the_motto_of_the_whole_header(seed_texts: list[str]) -> None:
    mottos = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐẢNG CỘNG SẢN VIỆT NAM", "Cộng  hòa xã\nhội chủ nghĩa",
              "ĐẢNG CỘNG SẢN"]
    texts = list(seed_texts)
    for offset in (0, 480, 490, 500, 505, 511, 512, 513, 980, 990, 999, 1000, 1001, 3000):
        for a in mottos:
            for b in mottos:
                texts.append("x" * offset + a + "\n" + "y" * 7 + b + "\n")
                texts.append("ĐẢNG " * 3 + "x" * offset + a + " " + b)
    for text in texts:
        head = text[: metadata._HEADER_CHARS]
        folded = numbers.fold(head)
        whole = [m for m in (rx.search(folded) for rx in metadata._MOTTOS) if m]
        fast = metadata._motto_hits(head)
        first = min(whole, key=lambda m: m.start()).span() if whole else None
        assert (min(fast, key=lambda m: m.start()).span() if fast else None) == first, text[:40]
