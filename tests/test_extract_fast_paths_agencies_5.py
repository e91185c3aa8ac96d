"""Fast paths of the agency extraction (round 6) checked against the plain forms they replace."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipelines.extract import agencies
from pipelines.extract.text import collapse, nfc
from pipelines.ingest.source import read_source
from tests.test_extract_fast_paths_agencies import ADVERSARIAL as PROSE
from tests.test_extract_fast_paths_agencies import _glued_plain
from tests.test_extract_fast_paths_agencies_3 import ADVERSARIAL as NAMES
from tests.test_extract_fast_paths_agencies_3 import _plain_prefix

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))

# Cells that turn every branch of _split_top: bullets opening a line or the cell, inline bullets,
# bullet characters inside names ("Vụ CCHC - Bộ Nội vụ", "2021 - 2026"), ";" and "," lists over
# line breaks, odd whitespace, empty pieces and punctuation only.
CELLS = [
    "", " ", ";", " ; ;\n", "-", "- ", "•", "*", "+ Sở Y tế", "Sở\nTài chính", "Sở Kế\nhoạch và Đầu tư",
    "- Các sở, ban, ngành tỉnh;\n- UBND cấp huyện;\n- UBND cấp xã.", "- Sở A; - UBND cấp huyện",
    "Sở Nội vụ;\n+ Sở Y tế\n• Công an tỉnh\n* Báo Ấp Bắc", "Vụ CCHC - Bộ Nội vụ", "Vụ CCHC -\nBộ Nội vụ",
    "UBND\ncấp huyện; cấp xã", "Sở,\nngành tinh, UBND cấp huyện, cấp xã", "Các\ncơ quan, đơn vị có liên quan",
    "Sở\u00a0Nội\tvụ;\u2003Sở Y tế", "  Sở Tư pháp  ;  ;  UBND tỉnh  ", ".;:, Sở Y tế ,.;:", "Sở Y tế\n-\nSở Tài chính",
    "Sở Nội vụ\n- chủ trì", "UBND tỉnh,\nUBND cấp huyện", "Hội đồng nhân dân các cấp nhiệm kỳ 2021 - 2026",
    "Sở Y tế*", "Sở Y tế +", "Sở GD&ĐT; Sở KH&CN\n", "Sở Nội vụ chủ trì,\nphối hợp với Sở Tài chính",
    "Sở Nội vụ chủ\ntrì", "Các cơ quan ... tự đánh giá\nkết quả.",
]


@pytest.fixture(scope="module")
def cells() -> list[str]:
    out = list(CELLS) + list(NAMES) + list(PROSE)
    for path in SEEDS:
        text = nfc(read_source(path).text)
        lines = text.splitlines()
        # Runs of one to three printed lines: cells and wrapped names as tables and duties give them.
        for n in (1, 2, 3):
            out += ["\n".join(lines[k:k + n]) for k in range(0, len(lines), n) if len("\n".join(lines[k:k + n])) < 400]
        out += [piece for piece in text.split("|") if len(piece) < 400]
    rng = random.Random(6)
    words = ["Sở", "Y", "tế", "UBND", "tỉnh", "và", "các", "sở", "ban", "ngành", "cấp", "huyện", "xã", "-", "+", "•",
             "*", ";", ",", "Nội", "vụ", "Công", "an", "chủ", "trì", "phối", "hợp", "với", "2021", "Văn", "phòng"]
    seps = [" ", " ", " ", "\n", "\n ", "  ", "\t", "\u00a0"]
    for _ in range(3000):
        out.append("".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(1, 12))))
    return out


# --- _split_top without bullets ------------------------------------------------------------


def _split_top_plain(cell: str) -> list[str]:
    text = cell.strip()
    pattern = agencies._BULLETS_INLINE if agencies._BULLET_OPENS.match(text) else agencies._BULLETS
    parts: list[str] = []
    for line_group in pattern.split(text):
        for p in line_group.split(";"):
            p = agencies._LEADING_BULLET.sub("", collapse(p).strip(" .,;:")).strip(" .,;:")
            if p:
                parts.append(p)
    return parts


def test_split_top_equals_the_plain_form(cells: list[str]) -> None:
    fast = 0
    for cell in cells:
        assert agencies._split_top(cell) == _split_top_plain(cell), cell
        fast += not agencies._has_bullet(cell)
    assert fast > 1000


def test_bullet_test_sees_every_character_a_bullet_pattern_needs() -> None:
    # Each pattern of _split_top matches only where one of the characters _has_bullet looks for is.
    for pattern in (agencies._BULLETS, agencies._BULLETS_INLINE, agencies._LEADING_BULLET, agencies._BULLET_OPENS):
        for cp in range(0x10000):  # (the classes of the patterns are literal characters of the BMP)
            c = chr(cp)
            if pattern.search(c) or pattern.search(c + " ") or pattern.search("\n" + c + " "):
                assert agencies._has_bullet(c), (pattern.pattern, c)


# --- one cache entry for a name printed over several lines ----------------------------------


def test_cells_split_as_their_collapsed_form_where_no_bullet_is(cells: list[str]) -> None:
    plain = agencies._split_agencies.__wrapped__
    shared = 0
    for cell in cells:
        assert agencies.split_agencies(cell) == list(plain(cell)), cell
        if not agencies._has_bullet(cell):
            assert plain(collapse(cell)) == plain(cell), cell
            shared += "\n" in cell
    assert shared > 500


def _lead_cell_names_plain(cell: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    split = agencies._split_agencies.__wrapped__
    text = collapse(cell)
    m = agencies._LEAD_WITH_COORD.search(text)
    if m:
        extra = split(m.group("coord")) if m.group("coord") else ()
        return split(text[: m.start()]), extra
    if text.endswith(".") or len(text.split()) > 14:
        return split(agencies._SENTENCE_TAIL.sub("", text)), ()
    return split(cell), ()


def test_lead_cell_names_equal_the_plain_form(cells: list[str]) -> None:
    for cell in cells:
        assert agencies.lead_cell_names.__wrapped__(cell) == _lead_cell_names_plain(cell), cell


# --- slugs by one translation ----------------------------------------------------------------


def test_slugify_by_the_table_equals_the_plain_form(cells: list[str]) -> None:
    fast = agencies.slugify.__wrapped__
    translated = 0
    # Every character the table may hold (and the marks, controls, punctuation and letters around
    # them) alone and between letters (marks of a neighbour, decomposed input), a sample of the
    # others (they leave the text out of ASCII: plain form), then names and printed text.
    rng = random.Random(7)
    for cp in [*range(0x3000), *range(0x1E00, 0x2100), *rng.sample(range(0x3000, 0x110000), 5000)]:
        c = chr(cp)
        for text in (c, f"Sở {c}x", c + "\u0301", "A" + c, "ơ\u0323" + c):
            assert fast(text) == agencies._slugify_plain(nfc(text)), (cp, text)
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    for text in [*names, *cells]:
        assert fast(text) == agencies._slugify_plain(nfc(text)), text
        translated += nfc(text).translate(agencies._slug_table()).isascii()
    assert translated > 1000
    assert all(cp < 0x3000 or 0x1E00 <= cp < 0x2100 for cp in agencies._slug_table())  # all tested above


# --- known bodies looked up first -------------------------------------------------------------


def test_glued_with_the_lookup_first_equals_the_plain_form(cells: list[str]) -> None:
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    rng = random.Random(8)
    items = [*names, *(n + " " + rng.choice(names) for n in names), *(n + " tỉnh" for n in names),
             *("Giao " + n for n in names), *(n + " thực hiện" for n in names), "", " ", "Sở", "tỉnh", "UBND tinh"]
    items += [piece for cell in cells for piece in agencies._split_top(cell) if len(piece.split()) <= 16]
    known = ends_no_name = 0
    for item in items:
        assert agencies._glued.__wrapped__(item) == _glued_plain(item), item
        words = item.split()
        known += bool(agencies.lookup(item))
        ends_no_name += bool(words) and not agencies._may_end_a_name(words[-1])
    assert known > 1000 and ends_no_name > 1000  # both shortcuts fire


# --- a cell holding one known body ------------------------------------------------------------


def test_a_known_whole_is_the_phrase_walk_to_the_end(cells: list[str]) -> None:
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    tails = (".", ";", ",", ":", "(", ")", "“", "”", '"', ";;", ".,", " ;", " tỉnh", " tinh", " chủ trì", " (x)",
             "x", "-", "…")
    texts = [*names, *(n + t for n in names for t in tails), *(n + "." + t for n in names[:50] for t in tails),
             *("Giao " + n for n in names), *(" ".join([n] * 3) for n in names), *cells]
    # Names near the edges of the probe's window: twelve words and 200 characters.
    texts += ["Sở " + " ".join(["Nội vụ"] * k) for k in range(3, 9)] + ["Sở " + "x" * k for k in range(190, 200)]
    whole = tailed = 0
    for text in texts:
        flat = collapse(nfc(text))
        if not flat[:1].isalpha():
            continue
        end = agencies._known_whole_end(flat)
        if end is not None:
            assert agencies._phrase_end(flat, 0, None) == end, flat
            assert _plain_prefix(flat[:agencies._PREFIX_WINDOW]) == end, flat  # the plain probe sees the name whole
            whole += 1
            tailed += end < len(flat)
    assert whole > 500 and tailed > 500


def test_segment_mentions_with_known_wholes_equal_the_walk(cells: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    segments = [*cells, *names, *(n + t for n in names for t in (" chủ trì", ";", ".", ",", ")", "; Sở Y tế", ", và"))]
    segments += [f"({n}" for n in names]
    fast = [agencies._segment_mentions.__wrapped__(s) for s in segments]
    monkeypatch.setattr(agencies, "_known_whole_end", lambda flat: None)
    assert [agencies._segment_mentions.__wrapped__(s) for s in segments] == fast


# --- list splitting with lazy tests ------------------------------------------------------------


def _split_list_plain(piece: str) -> list[str]:
    items: list[str] = []
    pos = 0
    for m in agencies._LIST_JOINER.finditer(piece):
        nxt = piece[m.end():]
        current = piece[pos:m.start()].strip()
        comma = "," in m.group(0)
        opens_item = bool(agencies._ITEM_SCAN.match(nxt)) or (not comma and bool(agencies._CO_QUAN.match(nxt)))
        elliptic_tier = comma and bool(agencies._TIER.match(current)) \
            and bool(agencies._TIER_TAIL.match(agencies._first_words(nxt, 2)))
        elliptic_unit = comma and bool(agencies._named_unit(agencies._UNIT_ITEM, current)) \
            and bool(agencies._named_unit(agencies._UNIT_TAIL, nxt))
        opens = opens_item or elliptic_tier or elliptic_unit
        if opens and agencies._gazetteer_prefix(piece[pos:]) <= m.start() - pos:
            items.append(current)
            pos = m.end()
    items.append(piece[pos:].strip())
    return [i for i in items if i]


def test_split_list_equals_the_plain_form(cells: list[str]) -> None:
    names = [n for e in agencies.gazetteer() for n in (e.canonical, *e.aliases)]
    rng = random.Random(9)
    pieces = [piece for cell in cells for piece in agencies._split_top(cell)]
    # Lists of bodies, elliptic tiers and units, names holding "," or "và", long pieces past the probe's window.
    pieces += [", ".join(rng.sample(names, 3)) for _ in range(500)]
    pieces += [" và ".join(rng.sample(names, 2)) for _ in range(500)]
    pieces += ["UBND cấp huyện, cấp xã", "UBND huyện Mỏ Cày Bắc, huyện Châu Thành",
               "HĐND cấp tỉnh, cấp huyện và cấp xã", ", ".join(names[:40]),
               "Sở Kế hoạch và Đầu tư, Sở Văn hóa, Thể thao và Du lịch và các cơ quan"]
    split = 0
    for piece in pieces:
        got = agencies._split_list(piece)
        assert got == _split_list_plain(piece), piece
        split += len(got) > 1
    assert split > 500
