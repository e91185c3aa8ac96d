"""More fast paths of extraction checked against the plain forms they replace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.extract import agencies, metadata, tables
from pipelines.extract.numbers import fold
from pipelines.extract.text import collapse, flat_document, nfc
from pipelines.ingest import encodings
from pipelines.ingest.source import read_source

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


def test_motto_in_a_prefix_is_the_motto_of_the_whole_header(seed_texts: list[str]) -> None:
    pad = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    for text in [*seed_texts, "x" * 1990 + pad + pad, "y" * 1995 + pad, "ĐẢNG CỘNG SẢN VIỆT NAM " * 200]:
        head = text[: metadata._HEADER_CHARS]
        folded = fold(head)
        whole = [m for m in (rx.search(folded) for rx in metadata._MOTTOS) if m]
        fast = metadata._motto_hits(head)
        first = min(whole, key=lambda m: m.start()).span() if whole else None
        assert (min(fast, key=lambda m: m.start()).span() if fast else None) == first


def test_caption_split_matches_the_line_list_form() -> None:
    def plain(block: str) -> tuple[str, str] | None:
        lines = block.split("\n")
        found = None
        for k in range(len(lines) - 1, -1, -1):
            tail = "\n".join(lines[k:])
            if len(collapse(tail)) > 80:
                break
            role = tables.header_role(tail)
            if found is None and role:
                found = (k, role)
            elif found is not None:
                if role != found[1] or lines[k].rstrip().endswith((")", ".", ":", ";")):
                    break
                found = (k, role)
        if not found:
            return None
        return "\n".join(lines[: found[0]]), "\n".join(lines[found[0]:])

    blocks = ["", "\n", "Nội dung\ncông việc", "(Kèm theo Kế hoạch)\nNội dung", "dung công việc",
              "Phụ lục\n\nNội dung công việc", "Văn bản dài.\n" * 50 + "Thời gian\nhoàn thành", "STT"]
    for block in blocks:
        tables._split_caption.cache_clear()
        assert tables._split_caption(block) == plain(block), block


def test_suspicious_regex_holds_exactly_the_suspicious_characters() -> None:
    for cp in range(0, 0x2100):
        ch = chr(cp)
        assert bool(encodings._SUSPICIOUS_CHAR.match(ch)) == encodings._suspicious(ch), hex(cp)
    assert bool(encodings._SUSPICIOUS_CHAR.match("\ufffd"))


def test_flat_document_is_collapse_of_nfc() -> None:
    for text in ["", " a\n b ", "Hoa\u0300 Bi\u0300nh\n\n  x", "UBND\ntỉnh"]:
        assert flat_document(text) == collapse(nfc(text))


def test_item_start_at_equals_item_start_of_the_rest(seed_texts: list[str]) -> None:
    for text in seed_texts:
        flat = collapse(text)[:20000]
        for pos in range(0, len(flat), 7):
            assert agencies._is_item_start_at(flat, pos) == agencies._is_item_start(flat[pos:]), pos



def test_bar_lines_match_the_multiline_regex(seed_texts: list[str]) -> None:
    import re

    odd = ["|", "|\n", "\n|", " | \n\t|\t\nx|\n|x\n||\n | | \n|\r\n", "a\n  |", "no bars"]
    for text in [*seed_texts, *odd]:
        expected = [m.span() for m in re.finditer(r"^[ \t]*\|[ \t]*$", text, re.MULTILINE)]
        assert tables._bar_lines(text) == expected


def test_header_role_plain_first_gives_the_same_roles(seed_texts: list[str]) -> None:
    def plain(cell: str) -> str | None:
        text = collapse(cell).casefold()
        if not text or len(text) > 120:
            return None
        for role, pattern in tables._ROLE_PATTERNS:
            if pattern.search(text):
                return role
        stripped = tables._strip_accents(text)
        for role, pattern in tables._ROLE_PATTERNS_PLAIN:
            if pattern.search(stripped):
                return role
        return None

    cells = {line for text in seed_texts for line in text.split("\n")}
    cells |= {"STT", "Số TT", "Noi dung cong viec", "Đơn vị chủ trì", "Thoi gian hoan thanh", "Tên", "ghi chu"}
    for cell in cells:
        assert tables.header_role.__wrapped__(cell) == plain(cell), cell


def test_moved_number_equals_dataclass_replace(seed_texts: list[str]) -> None:
    from dataclasses import replace

    from pipelines.extract import numbers

    found = [nm for text in seed_texts for nm in numbers.find_numbers(numbers.prepare_text(text))]
    assert found
    for nm in found:
        parsed = numbers._parse_cached(nm.raw)
        assert parsed is not None
        assert numbers._moved(parsed, 17) == replace(parsed, start=17, end=17 + parsed.end)


def test_segments_equal_the_one_regex_split(seed_texts: list[str]) -> None:
    odd = ["a | b\n|\nc", "x \n | \n y", " |\t\n\n- a\n 1. b\n a) c | d", "|", " | ", "\n\n", "a\t|\tb | c\n\t|\n"]
    for text in [*seed_texts, *odd]:
        assert agencies._segments(text) == agencies._SEGMENT_BREAK.split(text)


def test_distinct_mentions_are_the_first_of_each_pair(seed_texts: list[str]) -> None:
    for text in seed_texts:
        every = agencies.mentioned_agencies(text)
        assert agencies.mentioned_agencies(text, distinct=True) == list(dict.fromkeys(every))
        flat = flat_document(text)
        found = {name: flat.find(name) for _, name in every[::2]}  # a caller looked some names up already
        assert agencies.mentioned_agencies(text, distinct=True, found=found) == list(dict.fromkeys(every))


def _plain_prefix(window: str) -> int:
    words = list(agencies._WORD.finditer(window))
    for k in range(min(len(words), 12), 0, -1):
        cand = window[: words[k - 1].end()].rstrip(",;.:()“”\"")
        if agencies.lookup(cand):
            return len(cand)
    return 0


def test_vocabulary_cut_never_hides_a_gazetteer_name(seed_texts: list[str]) -> None:
    crafted = ["Đề nghị Sở Y tế chủ trì", "- Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu triển khai", "VP.UBND tỉnh",
               "“Sở Tài chính” phối hợp", "Văn phòng UBND tỉnh; Sở Nội vụ", "Trách nhiệm của Sở Tư pháp:",
               "UBND các huyện, thị xã, thành phố", "Sở Giáo dục & Đào tạo", "Báo Ấp Bắc, Đài PT-TH tỉnh",
               "Uỷ ban nhân dân tỉnh Thừa Thiên Huế", "Các sở, ban, ngành tinh", "Giao cho Công an tỉnh"]
    windows = list(crafted)
    for text in seed_texts:
        flat = collapse(text)
        windows += [flat[m.start(): m.start() + agencies._PREFIX_WINDOW] for m in re.finditer(r"\S+", flat)]
    for window in windows:
        assert agencies._gazetteer_prefix_window.__wrapped__(window) == _plain_prefix(window), window


def test_place_date_matches_the_regex_search(seed_texts: list[str]) -> None:
    import random

    rnd = random.Random(5)
    pieces = ["a", "b", " ", "\n", "|", ",", "ngày", " 1", "2", " tháng ", "12", " năm ", "2021", "/", "x" * 30, "  "]
    samples = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 16))) for _ in range(4000)]
    for text in [*samples, *seed_texts]:
        for pos in range(0, min(len(text), 3000), 41):
            for end in (pos + 6000, len(text) - 3):
                want = metadata._PLACE_DATE.search(text, pos, end)
                got = metadata._place_date(text, pos, end)
                assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups()))


def test_words_outside_tables_equal_the_blanked_prose(seed_texts: list[str]) -> None:
    from pipelines.extract import tasks
    from pipelines.extract.tables import Table, find_tables

    for text in seed_texts:
        found = find_tables(text)
        made = [Table(header=[], roles=[], rows=[], start=a, end=b) for a, b in
                ((0, 5), (3, 40), (len(text) - 10, len(text) + 5), (100, 100), (200, 260))]
        for spans in (found, made, found + made, []):
            assert tasks._flat_outside(text, spans) == collapse(tasks._blank_tables(text, spans))
