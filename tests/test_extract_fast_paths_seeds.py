"""Fast paths of the round on the real seeds, checked against the plain forms they replace."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from pipelines.extract import metadata, responsibilities
from pipelines.extract.agencies import agency_phrase_end, split_agencies
from pipelines.extract.responsibilities import _CLOSING, _ROMAN_HEADING, _marker, _sentence_case
from pipelines.extract.text import collapse
from pipelines.ingest.source import read_source

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


def _top_sections_by_line(text: str) -> list[tuple[str, int, int]]:
    """The plain form of ``top_sections``: every line of ``text.split`` matched in turn."""
    lines = text.split("\n")
    offsets, pos = [], 0
    for ln in lines:
        offsets.append(pos)
        pos += len(ln) + 1
    heads: list[tuple[int, str, int]] = []
    i = 0
    while i < len(lines):
        m = _ROMAN_HEADING.match(lines[i])
        if m and m.group(2).strip()[:1].isupper():
            title = m.group(2).strip()
            j = i + 1
            while j < len(lines) and title.isupper() and lines[j].strip() and lines[j].strip().isupper() \
                    and not _marker(lines[j]) and not _ROMAN_HEADING.match(lines[j]):
                title += " " + lines[j].strip()
                j += 1
            heads.append((i, f"{m.group(1)}. {_sentence_case(collapse(title))}", j))
            i = j
            continue
        i += 1
    out = []
    for n, (_, title, body_line) in enumerate(heads):
        end_line = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        for k in range(body_line, end_line):
            if _CLOSING.match(lines[k]):
                end_line = k
                break
        start = offsets[body_line] if body_line < len(lines) else len(text)
        end = offsets[end_line] if end_line < len(lines) else len(text)
        out.append((title, start, end))
    return out


_PIECES = [
    "I. MỤC ĐÍCH", "II. TỔ CHỨC THỰC", "HIỆN", "III.  Nhiệm vụ", "IV.\tTRÁCH NHIỆM", "V . Tổ chức", "VI.",
    "VII. ", "  X. Trách nhiệm", "IV.\nTỔ CHỨC", "I.\r Tổ chức\r", "1. Sở Nội vụ", "a) Sở Y tế", "- PHỐI HỢP",
    "Trên đây là Kế hoạch", "Trên\u00a0đây là", "Nơi nhận:", "Nơi nhận :", "KT. CHỦ TỊCH", "KT.", "TM.\tUBND",
    "PHỤ LỤC", "PHỤ LỤCS", "Phụ lục", "Phụ lục II", "Phụ lục II ", "Phụ lục 2 kèm theo", "  Phụ  lục\r",
    "TỔ CHỨC", "HIỆN NAY", "", " ", "\r", "\u2028", "\x0c", "nội dung thường", "2022 NĂM", "C. Cán bộ",
]


def test_top_sections_match_the_line_by_line_form(seed_texts: list[str]) -> None:
    rng = random.Random(11)
    texts = [*seed_texts, "", "\n", "I. TỔ CHỨC", "I. TỔ CHỨC\n", "I. TỔ CHỨC\nTHỰC HIỆN", "I. A\n\nII. B\n"]
    for _ in range(3000):
        texts.append("\n".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12))))
        texts.append(rng.choice(["", "\n"]) + "".join(rng.choice(_PIECES) + rng.choice(["\n", "\n\n", " "])
                                                      for _ in range(rng.randint(1, 12))))
    for text in texts:
        assert responsibilities.top_sections(text) == _top_sections_by_line(text), repr(text)


def test_line_patterns_keep_white_space_within_the_line() -> None:
    # ``[^\S\n]`` is ``\s`` but the line break, and ``\s`` of ``re`` is ``str.isspace``: over every code point.
    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert re.findall(r"\s", "".join(map(chr, range(sys.maxunicode + 1)))) == list(spaces)
    assert re.findall(r"[^\S\n]", spaces) == [c for c in spaces if c != "\n"]


def _pair_variant_plain(body: str, prev: str, target: str) -> str | None:
    """The regex form of the pair lookup (what its first-sighting loop reproduces)."""
    lowered = body.lower()
    if len(lowered) != len(body):
        lowered = body
    size = len(target)
    counts: dict[str, int] = {}
    for m in re.finditer(re.escape(prev) + r"\s+" + re.escape(target) + r"(?![\w])", lowered):
        start, end = m.span()
        if start and lowered[start - 1].isalnum():
            continue
        word = body[end - size : end]
        if not (word == target and "\n" not in lowered[start:end]):
            line_from = body.rfind("\n", 0, start) + 1
            line_to = body.find("\n", end)
            if metadata._is_caps(body[line_from : line_to if line_to >= 0 else len(body)]):
                continue
        counts[word] = counts.get(word, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def test_pair_variant_first_sighting_matches_the_regex_scan(seed_texts: list[str]) -> None:
    rng = random.Random(5)
    gaps = [" ", "  ", "\n", " \n ", "\t", "\u00a0", "", "x", " x", "\u2028"]
    words = ["kế", "hoạch", "Hoạch", "HOẠCH", "thực", "hiện", "Hiện", "kếhoạch", "hoạchx", "_", "ủy", "ban"]
    bodies = list(seed_texts)
    for _ in range(400):
        bodies.append("".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randint(1, 30))))
    pairs = [("kế", "hoạch"), ("thực", "hiện"), ("ủy", "ban"), ("hoạch", "hoạch"), ("ban", "nhân")]
    for body in bodies:
        for prev, target in pairs:
            metadata._pair_sightings.cache_clear()  # every pair a first sighting: the str.find loop
            fast = metadata._case_lookup(body)([prev, target], 1)
            assert fast == _pair_variant_plain(body, prev, target), (body[:80], prev, target)


def _agency_heading_plain(lines: list[str]) -> tuple[list[str], str, list[str]] | None:
    """The plain form of ``_agency_heading``: the agency phrase read for every prefix of lines."""
    best = None
    for k in range(1, len(lines) + 1):
        cand = collapse(" ".join(lines[:k])).rstrip(":").strip()
        body = responsibilities._HEADING_PREFIX.sub("", cand)
        if not body or len(body.split()) > 40:
            break
        end = agency_phrase_end(body, 0)
        if end is not None and end >= len(body.rstrip(" .:")):
            rest = lines[k:]
            if rest and not rest[0][:1].isupper():
                continue
            best = (split_agencies(body[:end]), cand, rest)
    return best


def _paragraphs(item: responsibilities._Item) -> list[list[str]]:
    out = list(item.paragraphs)
    for child in item.children:
        out.extend(_paragraphs(child))
    return out


def test_agency_heading_matches_the_plain_form(seed_texts: list[str]) -> None:
    paragraphs: list[list[str]] = []
    for text in seed_texts:
        for _, start, end in responsibilities.top_sections(text):
            paragraphs.extend(_paragraphs(responsibilities._parse_items(text[start:end], start)))
    assert len(paragraphs) > 50
    rng = random.Random(3)
    pieces = ["Sở Nội vụ", "Sở Y tế:", "theo dõi, đôn đốc", "UBND các huyện", "Giao Sở Tài chính", "và",
              "Đề nghị Báo Lào Cai, Đài", "Phát thanh - Truyền hình tỉnh", "tổ chức thực hiện.", "", "Ban",
              "trách nhiệm của Công an tỉnh:", "Văn phòng UBND tỉnh", "Các sở, ban, ngành", "chủ trì"]
    for _ in range(600):
        paragraphs.append([rng.choice(pieces) for _ in range(rng.randint(1, 5))])
    for lines in paragraphs:
        assert responsibilities._agency_heading(lines) == _agency_heading_plain(lines), lines


def test_caps_heading_without_a_slash_is_the_plain_test(seed_texts: list[str]) -> None:
    lines = [ln.strip() for text in seed_texts for ln in text.splitlines()]
    lines += ["", "/", "KẾ HOẠCH SỐ 23/KH-UBND", "CHỈ THỊ SỐ 23/CT-TTg", "Kế hoạch", "2022", "A1", "1/",
              "NGHỊ QUYẾT 12/nq", "KẾ HOẠCH\tTHỰC HIỆN", "ß", "ǅ", "ÀÁ 5 /x", "/ab1 CD"]
    for line in lines:
        plain = metadata._is_caps(metadata._NUMBER_TOKEN.sub(" ", line))
        assert metadata._is_caps_heading(line) == plain, line


def _opens_an_assignment(line: str) -> bool:
    """What ``_assignments`` tests on each line (its marker cut off)."""
    mk = _marker(line)
    body = line[mk[2]:] if mk else line
    return responsibilities._ASSIGN_ANYWHERE.match(body.strip()) is not None


def _has_assignment_line(text: str) -> bool:
    return (responsibilities._ASSIGN_LINE_FIRST.match(text) is not None
            or responsibilities._ASSIGN_LINE_NEXT.search(text) is not None)


def test_assignment_pretest_passes_every_section_with_an_assignment_line(seed_texts: list[str]) -> None:
    rng = random.Random(13)
    pieces = ["Giao Sở Y tế", "giao cho", "GIAO ", "Đề nghị", "đề  nghị", "ĐỀ\tNGHỊ", "Đề\nnghị", "1.", "12)",
              "a)", "đ)", "B)", " - ", "– ", "+", "•", "*", " ", "\t", "\u00a0", "\n", "xgiao ", "Sở", "giao",
              "gıao ", "Yêu cầu ", "١.", "2 .", ":"]
    texts = list(seed_texts)
    for _ in range(6000):
        texts.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))))
    passed = 0
    for text in texts:
        if any(_opens_an_assignment(line) for line in text.split("\n")):
            assert _has_assignment_line(text), repr(text)
            passed += 1
    assert passed > 500
    # Where the pretest lets the section through, the result is the line loop's own.
    for text in seed_texts:
        for title, start, end in responsibilities.top_sections(text):
            section = text[start:end]
            found = responsibilities._assignments(title, section, start, 2022)
            assert found == [] or _has_assignment_line(section)


def test_province_in_text_is_the_look_behind_led_pattern(seed_texts: list[str]) -> None:
    plain = re.compile(r"(?<![\w])tỉnh\s+([A-ZĐ][^\W\d_]+(?:\s+[A-ZĐ][^\W\d_]+){0,2})")
    rng = random.Random(17)
    pieces = ["tỉnh", "tỉnh ", "xtỉnh ", "_tỉnh ", "1tỉnh ", "(tỉnh ", "ti\u0309nh ", "Lào Cai", "Đắk Lắk",
              " ", "\n", "tỉnhtỉnh ", "Hà", "Nam1", "a", ",", "Tỉnh "]
    texts = [*seed_texts, "tỉnh Hà Nam", ""]
    for _ in range(3000):
        texts.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 10))))
    for text in texts:
        got = [(m.span(), m.group(1)) for m in metadata._PROVINCE_IN_TEXT.finditer(text)]
        assert got == [(m.span(), m.group(1)) for m in plain.finditer(text)], repr(text)


def test_appendix_tasks_test_searches_the_sentences_of_each_phu_luc(seed_texts: list[str]) -> None:
    from pipelines.extract import tasks

    rng = random.Random(21)
    pieces = ["nhiệm vụ", "Nhiệm  vụ", "NHIỆM VỤ", "Phụ lục", "phụ\nlục", "PHỤ LỤC", " II", " 2", ")", " đính kèm",
              " kèm theo", " kèm theo Quyết định số", " kèm theo Kế hoạch này", ".", ";", " ", "x" * 70, "a" * 150,
              ", các", " (", "Phụ lụcc", "số"]
    texts = [*seed_texts, *(collapse(t) for t in seed_texts), "", "phụ lục", "nhiệm vụ tại phụ lục đính kèm"]
    for _ in range(6000):
        texts.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))))
    hits = 0
    for text in texts:
        plain = tasks._TASKS_IN_APPENDIX.search(text) is not None
        assert tasks._mentions_appendix_tasks(text) == plain, repr(text)
        hits += plain
    assert hits > 300
