"""Fast paths of the agency and unnumbered-mention extraction (round 3) checked against the plain
forms they replace, on the seeds and on adversarial and random strings."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from pipelines.extract import agencies, mentions
from pipelines.extract.numbers import prepare_text
from pipelines.extract.record import extract_record
from pipelines.extract.text import collapse, nfc
from pipelines.ingest.source import read_source
from tests.test_extract_fast_paths_agencies import (
    ADVERSARIAL,
    _agency_phrase_end_plain,
    _collect_plain,
    _mentioned_plain,
    _segment_mentions_plain,
)

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))


# agencies._LINE_BREAKS as first written.
_LINE_BREAKS_PLAIN = re.compile(r"\n(?:[ \t]*\|[ \t]*\n|[ \t]*(?:[-+•]|\d{1,2}\.|[a-zđ]\))[ \t]+|[ \t]*\n)")


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
        assert agencies._LINE_BREAKS.split(text) == _LINE_BREAKS_PLAIN.split(text), repr(text)
        assert [m.span() for m in agencies._LINE_BREAKS.finditer(text)] == \
            [m.span() for m in _LINE_BREAKS_PLAIN.finditer(text)], repr(text)
        assert agencies._segments(text) == agencies._SEGMENT_BREAK.split(text), repr(text)


def test_bar_gate_is_a_bar_after_a_space_or_a_tab(seed_texts: list[str]) -> None:
    odd = ["", "|", " |", "\t|", "| ", "|\t", "x|y", "x |y", "\n|\n", "||", " ||", "| |", "\u00a0|", "\u2003|",
           "a\t\t|", "\r|", "|" * 50 + " |"]
    for text in [*seed_texts, *ADVERSARIAL, *odd, *_random_texts(4000, 13, " \t|x\n\u00a0", 30)]:
        plain = " |" in text or "\t|" in text
        assert (agencies._BAR_AFTER_SPACE.search(text) is not None) == plain, repr(text)
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


def test_tidy_is_the_plain_tidying() -> None:
    for name in ["", " ", "Sở Nội vụ", " sở  Nội\nvụ; ", "...", "UBND tỉnh.", "Sở " + "Y tế " * 60, "\u00a0Sở Y tế:"]:
        clean = collapse(name).strip(" .,;:")
        assert agencies._tidy(name) == agencies._tidy.__wrapped__(name) == (clean, clean[:1].casefold() + clean[1:])


# --- the text scan -----------------------------------------------------------------------


def test_mentioned_names_by_map_equal_the_plain_form(seed_texts: list[str]) -> None:
    long_cell = "Sở Y tế, " + "các đơn vị có liên quan thực hiện nhiệm vụ " * 40 + "Sở Tư pháp"
    assert len(long_cell) > agencies._segment_mentions.max_len
    texts = [*seed_texts, *ADVERSARIAL, long_cell, f"Sở Nội vụ\n\n{long_cell}\n\nSở Nội vụ\n\nCông an tỉnh",
             "\n\n", "không cơ quan nào"]
    for text in texts:
        for distinct in (False, True):
            assert agencies._mentioned_names(text, distinct) == [n for _, n in _mentioned_plain(text, distinct)]


def test_segment_mentions_from_the_first_item_start_equal_the_plain_form(seed_texts: list[str]) -> None:
    segments = {s for text in [*seed_texts, *ADVERSARIAL] for s in agencies._segments(nfc(text))}
    # What lies before the first item start: nothing, white space runs, a word glued to it, opening
    # quotes and brackets, punctuation, and a collective's tail ("các" cut before a head word).
    heads = ["Sở Y tế", "Các sở, ban, ngành", "UBND tỉnh và Công an tỉnh", "Ban hành", "Vụ tổ chức", "Sở tổ chức",
             "VP UBND tỉnh, các tổ chức", "Bộ Chỉ số", "Cổng thông tin điện tử tỉnh", "những đơn vị có liên quan"]
    lead_ins = ["", " ", " \n\t", "\u2003", "x", "397/KH-", "(", "“", "\"", "'", ",", "các ", "cá", "c", "ác\n",
                "Giao ", "phối hợp với\n", "-", "1."]
    segments |= {lead + head + tail for lead in lead_ins for head in heads for tail in ("", " \n", " phối hợp")}
    rng = random.Random(7)
    words = ["Sở", "Y", "tế", "các", "sở,", "ban", "ngành", "UBND", "tỉnh", "và", "tổ", "chức", "(", "x", "\n", "  ",
             "Vụ", "Công", "an", "được", "trong", "việc", "Ban", "hành", "“Sở", "Nội", "vụ”", ";", "có", "liên", "quan"]
    segments |= {" ".join(rng.choice(words) for _ in range(rng.randint(0, 18))) for _ in range(3000)}
    checked = 0
    for segment in segments:
        got = agencies._segment_mentions.__wrapped__(segment)
        assert got == _segment_mentions_plain(segment), repr(segment)
        checked += bool(got)
    assert checked > 1000


# --- unnumbered mentions -----------------------------------------------------------------


def _name_end_starts(text: str) -> list[int]:
    """Where extract_unnumbered_mentions asks for a name's end (subject starts), and every word start."""
    starts = [c[1] for c in mentions._candidates(text)]
    return [*starts, *(i for i in range(len(text)) if i == 0 or (text[i - 1].isspace() and not text[i].isspace()))]


_NAME_EDGES = [
    "Luật Đất đai năm 2013 (sửa đổi, bổ sung năm 2018) và Luật Xây dựng",
    "Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030, Kế hoạch số 5",
    "Đề án 06 về phát triển ứng dụng dữ liệu dân cư; Chiến lược phát triển 2021-2030.",
    "Kế hoạch   cải\ncách\thành chính   năm 2024 và các nhiệm vụ",
    "Chiến lược (dự thảo) “Chuyển đổi số” | năm 2025 , Quy hoạch tỉnh",
    "x" * 300 + " Luật " + "y" * 300,
    "Kế hoạch " + " ".join(f"từ{i}" for i in range(40)),
    "Kế hoạch " + "a " * 24 + "b",
    "Kế hoạch " + "a " * 25,
    "Kế hoạch " + "a " * 26,
    "Kế hoạch năm 2025 định hướng 2030 tầm nhìn 2045 và giai đoạn 2026-",
    "", " ", "Luật", "Luật\n", "Luật ,", "Luật Thủ đô ban hành; Luật Đầu tư phê duyệt",
]


def _name_end_plain(text: str, pos: int, limit: int) -> tuple[int, bool]:
    """``mentions._name_end`` in its plain form: the words read with the regex."""
    end = pos
    it = mentions._WORD.finditer(text, pos, min(len(text), pos + 260))
    cur = next(it, None)
    after_year = False
    i = 0
    while cur is not None and i < limit:
        nxt_m = next(it, None)
        w = cur.group()
        start = cur.start()
        nxt = nxt_m.group() if nxt_m is not None else ""
        core = w.rstrip(",.;:)")
        if w[:1] in "(;:|“”\"" or not core:
            if w.startswith("(sửa") and after_year:
                close = text.find(")", start, start + 80)
                if close != -1:
                    return close + 1, True
            return end, True
        pair = (core, nxt.rstrip(",.;:"))
        if core in mentions._STOP_WORDS or (core in mentions._STOP_PAIR_FIRSTS and pair in mentions._STOP_PAIRS):
            return end, False
        if core == "và" and nxt.rstrip(",.;") in mentions._STOP_AFTER_AND:
            return end, False
        is_year = mentions._is_year(core)
        if after_year and not is_year and core.lower() not in mentions._AFTER_YEAR:
            return end, False
        if i and core in mentions._HEAD_FIRSTS and mentions._head_key(text[start : start + 80].split()[:5]):
            return end, False
        if core not in mentions._CONNECTORS:
            end = start + len(core)
        after_year = is_year and not core.endswith("-")
        if w.endswith((";", ":", ")", ".")):
            return end, True
        if w.endswith(",") and (
            not nxt or mentions._is_upper_start(nxt) or nxt[:1].isdigit() or nxt in mentions._CONTINUE_AFTER_COMMA_NO
        ):
            return end, True
        cur = nxt_m
        i += 1
    return end, cur is None


def test_name_end_by_split_equals_the_regex_walk(seed_texts: list[str]) -> None:
    rng = random.Random(5)
    words = ["Luật", "Kế", "hoạch", "năm", "2025", "2021-", "và", "các", ",", "Quy", "theo", "(sửa", "đổi)", ";",
             "phê", "duyệt", "Đề", "án", "Bộ", "Chỉ", "số", "định", "hướng", "x,", "Y", "2030.", "\n", "  "]
    randoms = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 40))) for _ in range(1500)]
    checked = 0
    for text in [*map(prepare_text, seed_texts), *_NAME_EDGES, *randoms]:
        for pos in _name_end_starts(text):
            for limit in (0, 1, 3, mentions._MAX_WORDS):
                assert mentions._name_end(text, pos, limit) == _name_end_plain(text, pos, limit), \
                    (text[pos:pos + 80], limit)
                checked += 1
    assert checked > 10000


def test_standard_gate_letter_is_in_every_match() -> None:
    hits = ["Tiêu chuẩn ISO 9001:2015", "tiêu chuẩn quốc gia TCVN 5603:2008", "Tiêu\nchuẩn\tTCVN ISO 9001",
            "áp dụng tiêu chuẩn ISO/IEC 27001 trong"]
    for text in hits:
        assert mentions._STANDARD.search(text) and "ẩ" in text
    # Without the precomposed "ẩ" (a decomposed spelling, another letter) the pattern finds nothing.
    rng = random.Random(3)
    alphabet = ["Tiêu", "tiêu", "chuẩn", "chuân", "chua\u0309\u0302n", "quốc", "gia", "ISO", "/IEC", "TCVN", "9001",
                ":2015", " ", "\n", "x"]
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        if mentions._STANDARD.search(text):
            assert "ẩ" in text and ("ISO" in text or "TCVN" in text), text
    for text in hits:
        plain = [m.span() for m in mentions._STANDARD.finditer(text)]
        got = [(c[0], c[1]) for c in mentions._candidates(text) if c[3] == "standard"]
        assert got == plain


def test_title_words_through_the_cache_equal_the_plain_form() -> None:
    citations: list[dict] = []
    for path in SEEDS:
        citations.extend(extract_record(read_source(path))["citations"])
    citations += [{"title": "về việc ban hành  Kế hoạch\ncải cách hành chính, năm 2025"}, {"title": ""}, {},
                  {"title": "Phê duyệt " + "Đề án phát triển " * 80}]
    plain = [mentions._words(mentions._strip_title(c["title"])) if c.get("title") else [] for c in citations]
    for _ in range(2):  # cold, then from the cache
        got = mentions._title_words(citations)
        assert got == plain and all(type(words) is list for words in got)
        got[0].append("changed")  # a caller's list is its own
    assert mentions._title_words(citations) == plain
