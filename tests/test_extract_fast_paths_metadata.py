"""Fast paths of metadata and target extraction checked against the plain forms they replace."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from pipelines.extract import metadata, targets, timeframes
from pipelines.extract.responsibilities import _marker, _sentence_case
from pipelines.extract.text import collapse
from pipelines.ingest.source import read_source

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))

ADVERSARIAL_BODIES = [
    "",
    "a a a a",
    "axã xã xã xã\nXã Xã xã",
    "Thực hiện kế hoạch, thực Hiện Kế Hoạch.\nKẾ HOẠCH THỰC HIỆN\n(kế hoạch) _kế hoạch kế hoạch_ kếhoạch",
    "ban hành\tBan  hành\n\nBAN HÀNH, ban\u00a0Hành; Ban\u2003hành ban hành",
    "a.a.a.a a.a x a.a",
    "İstanbul istanbul ISTANBUL",  # lowering changes the length: offsets fall back to the body
    "Tỉnh Tiền Giang, tỉnh tiền giang\nTỈNH TIỀN GIANG\ncủa tỉnh Tiền Giang",
    "x Kế Hoạch, b kế hoạch; c kế HOẠCH d Kế Hoạch e kế hoạch",  # ties go to the first casing seen
]


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [read_source(p).text for p in SEEDS]


def _plain_case_lookup(body: str):
    """The form ``metadata._case_lookup`` replaced: one uncached pattern per query."""
    caps_line: dict[int, bool] = {}
    lowered = body.lower()
    if len(lowered) != len(body):
        lowered, body = body, body

    def variant(phrase_words: list[str], idx: int) -> str | None:
        pattern = r"\s+".join(re.escape(w.lower()) for w in phrase_words) + r"(?![\w])"
        counts: Counter[str] = Counter()
        for m in re.finditer(pattern, lowered):
            start, end = m.span()
            if start > 0 and lowered[start - 1].isalnum():
                continue
            if idx == 0:
                prev = body[max(0, start - 3) : start].rstrip()
                if not prev or not (prev[-1].isalnum() or prev[-1] == ","):
                    continue
            line_from = body.rfind("\n", 0, start) + 1
            caps = caps_line.get(line_from)
            if caps is None:
                line_to = body.find("\n", end)
                line = body[line_from : line_to if line_to >= 0 else len(body)]
                caps = caps_line[line_from] = metadata._is_caps(line)
            if caps:
                continue
            counts[body[start:end].split()[idx]] += 1
        return counts.most_common(1)[0][0] if counts else None

    return variant


def _queries(body: str) -> list[tuple[list[str], int]]:
    words = body.split()[:400]
    out: list[tuple[list[str], int]] = []
    for i, w in enumerate(words):
        out.append(([w.upper()], 0))
        if i:
            out.append(([words[i - 1].upper(), w.upper()], 1))
            out.append(([words[i - 1], w], 0))
    return out


def test_case_lookup_matches_the_plain_form(seed_texts: list[str]) -> None:
    for body in [*seed_texts, *ADVERSARIAL_BODIES]:
        fast, plain = metadata._case_lookup(body), _plain_case_lookup(body)
        queries = [*_queries(body), (["a", "a"], 0), (["xã", "xã"], 1), (["A.A"], 0), (["kế", "hoạch"], 1)]
        for words, idx in queries:
            assert fast(words, idx) == plain(words, idx), (words, idx, body[:60])
            assert fast(words, idx) == plain(words, idx)  # the per-body cache answers the same


def test_case_lookup_on_random_bodies_and_query_orders() -> None:
    """Words printed in every casing over line breaks: the per-line answers that one query stores
    are read by the next, so the queries run in random orders against the plain form."""
    import random

    rnd = random.Random(11)
    vocab = ["thực", "Thực", "THỰC", "hiện", "Hiện", "HIỆN", "hIện", "kế", "KẾ", "1", "-", "(thực", "hiện,",
             "xthực", "ǅa", "ǆa", "a", "İ"]
    seps = [" ", "\n", "  ", "\n\n", " \n ", "\t", ", ", ".\n", "\u00a0"]
    queries = [(["THỰC", "HIỆN"], 1), (["KẾ", "THỰC"], 1), (["HIỆN", "KẾ"], 1), (["thực", "hiện"], 0),
               (["HIỆN"], 0), (["THỰC"], 0), (["Ǆa", "THỰC"], 1), (["KẾ", "Ǆa"], 1), (["(THỰC", "HIỆN,"], 1)]
    for _ in range(400):
        body = "".join(rnd.choice(vocab) + rnd.choice(seps) for _ in range(rnd.randint(1, 30)))
        fast, plain = metadata._case_lookup(body), _plain_case_lookup(body)
        for words, idx in rnd.sample(queries, len(queries)):
            assert fast(words, idx) == plain(words, idx), (words, idx, body)


def test_unicode_facts_of_the_case_lookup() -> None:
    """A lowered character is a line break only if it was one; upper-casing never drops a character
    (so a text holding a character that upper-casing changes is changed by it)."""
    for code in range(0x110000):
        c = chr(code)
        assert ("\n" in c.lower()) == (c == "\n")
        assert len(c.upper()) >= 1
    assert "aǆb".upper() != "aǆb"


def test_type_names_differ_in_lower_case() -> None:
    lowered = [tuple(low) for _, low in metadata._TYPE_NAME_WORDS]
    assert len(set(lowered)) == len(lowered) == len(set(metadata._HEADING_TYPES.values()))


def test_sentence_case_of_seed_headings(seed_texts: list[str]) -> None:
    heading = "KẾ HOẠCH THỰC HIỆN CẢI CÁCH HÀNH CHÍNH NĂM 2022 CỦA TỈNH TIỀN GIANG"
    for body in [*seed_texts, *ADVERSARIAL_BODIES]:
        plain = _plain_case_lookup(body)
        expected = ["Kế", "hoạch"]
        words = heading.split()
        registry = metadata._registry_casing(words)  # registry spellings come first ("Tiền Giang")
        assert registry == {len(words) - 2: "Tiền", len(words) - 1: "Giang"}
        for i in range(2, len(words)):
            w = words[i]
            if any(c.isdigit() for c in w):
                expected.append(w)
                continue
            if i in registry:
                expected.append(registry[i])
                continue
            cased = plain([words[i - 1], w], 1)
            if cased is None and i + 1 < len(words):
                cased = plain([w, words[i + 1]], 0)
            if cased is None:
                cased = plain([w], 0)
            expected.append(cased if cased is not None else w.lower())
        assert metadata.sentence_case(heading, body) == " ".join(expected)


TARGET_TEXTS = [
    "",
    "II. CÁC CHỈ TIÊU CHỦ YẾU\n1. Tỷ lệ 100%\n2. Đạt 95 % năm 2025\nIII. TỔ CHỨC",
    "b) Mục tiêu cụ thể:\n- Hoàn thành 100% năm 2022;\n- Top 10 năm 2023\nc) Khác",
    "a) Mục tiêu chung\n- không phải chỉ tiêu\n",
    "II. CÁC\nCHỈ\n   TIÊU\nCHỦ YẾU\n- một 10%\n- hai\n",  # the phrase wrapped over upper-case lines
    "I. CHỈ TIÊU\n\n1. a\nI. CHỈ\tTIÊU\n2. b",
    "xchỉ tiêu chỉ tiêu\n- 1. CHỈ  TIÊU\n+ mỤc TIêU cụ ThỂ\n+ 5%\n",
    "- CHỈ TİÊU X\n- 1%\n- CHỈ TıÊU Y\n+ 2%\n",  # dotted/dotless i match "i" case-insensitively
    "1. MỤC TIÊU CỤ\nTHỂ\na) 10%\nb) 20%\n" * 3,
    "   chỉ tiêu\n" * 50 + "A. CHỈ TIÊU\n- 1%",
    "ê" + "u" * 5 + " tiêu" + "Êu" * 3 + "chỉ\n\ntiêu",
]


def _plain_section_targets(text: str) -> list[dict]:
    """The form ``targets._section_targets`` replaced: every marker line is tried."""
    lines = text.split("\n")
    out: list[dict] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        rm = targets._ROMAN.match(line)
        mk = None if rm else _marker(line)
        if not (rm or mk):
            i += 1
            continue
        if rm:
            title, j = targets._heading_text(lines, i, line.index(rm.group(2)))
            label, kind = f"{rm.group(1)}.", "roman"
        else:
            kind, lab, cut = mk
            title, j = targets._heading_text(lines, i, cut)
            label = f"{lab})" if kind == "letter" else (f"{lab}." if kind == "num" else "-")
        if not targets._TARGET_HEADING.search(title) or len(title.split()) > 12 or targets._GENERAL_AIM.search(title):
            i += 1
            continue
        section = f"{label} {_sentence_case(title).rstrip(':')}"
        items: list[list[str]] = []
        item_kind = None
        k = j
        while k < len(lines):
            ln = lines[k]
            if targets._ROMAN.match(ln):
                break
            m2 = _marker(ln)
            if m2:
                if item_kind is None and m2[0] != kind:
                    item_kind = m2[0]
                if m2[0] == item_kind:
                    items.append([m2[1], ln[m2[2]:].strip()])
                    k += 1
                    continue
                break
            if items and ln.strip():
                items[-1][1] += " " + ln.strip()
            elif not items and ln.strip() and item_kind is None:
                break
            k += 1
        for n, (lab, body) in enumerate(items, start=1):
            if item_kind in ("num", "letter"):
                index = lab
            else:
                index = f"{label.rstrip(').')}-{n}" if kind == "letter" else str(n)
            body = collapse(body)
            out.append({"section": section, "index": index, "text": body,
                        "values": targets.target_values(body), "years": targets.target_years(body)})
        i = max(k, i + 1)
    return out


def test_target_heading_matches_are_finditer(seed_texts: list[str]) -> None:
    for text in [*seed_texts, *TARGET_TEXTS]:
        fast = [m.span() for m in targets._target_heading_matches(text)]
        assert fast == [m.span() for m in targets._TARGET_HEADING.finditer(text)], text[:60]


def test_section_targets_match_the_plain_form(seed_texts: list[str]) -> None:
    for text in [*seed_texts, *TARGET_TEXTS]:
        assert targets._section_targets(text) == _plain_section_targets(text), text[:60]
    assert _plain_section_targets(TARGET_TEXTS[4])  # the wrapped heading is found


def test_lazy_lines_are_the_split_lines(seed_texts: list[str]) -> None:
    import random

    rnd = random.Random(5)
    for text in [*seed_texts, *TARGET_TEXTS, "\n", "\n\n", "a\r\nb\n", "x"]:
        plain = text.split("\n")
        lines = targets._Lines(text)
        assert len(lines) == len(plain)
        order = [rnd.randrange(len(plain)) for _ in range(60)] + list(range(len(plain)))[::-1][:50]
        for k, i in enumerate(order):
            if k == 20 and len(plain) > 3:  # an anchor at a line start, as _heading_lines gives
                j = len(plain) // 2
                lines.anchor(j, sum(len(ln) + 1 for ln in plain[:j]))
            assert lines[i] == plain[i], (i, text[:40])
        with pytest.raises(IndexError):
            lines[len(plain)]


def test_case_classes_of_the_target_heading_letters() -> None:
    """The fast paths assume each letter of the heading phrases matches only these characters."""
    every = "".join(chr(c) for c in range(0x110000))
    letters = "chỉtiêumụể"
    found = re.findall(f"[{letters}]", every, re.IGNORECASE)
    classes = {ch: {c for c in found if re.fullmatch(ch, c, re.IGNORECASE)} for ch in letters}
    assert classes["ê"] == set(targets._E_CASES)
    assert classes["u"] == set(targets._U_CASES)
    # Only "i" has more than its capital; the rest show the two phrases cannot overlap.
    assert classes["i"] == {"i", "I", "İ", "ı"}
    for ch in "chỉtmụể":
        assert classes[ch] == {ch, ch.upper()}


SIGNATURE_TEXTS = [
    "",
    "\n",
    "CHỦ TỊCH\nNguyễn Văn A",
    "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\n\nTrần Thị B\n",
    "Nơi nhận:\n- Như trên;\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\n\nLê Văn C",
    "KT.\nTM.\n  \u00a0CHỦ\tTỊCH \nký\n[đã ký]\nPhạm D\n",
    "UBND tỉnh giao\nGIÁM ĐỐC\nnội dung khác\nNguyễn E\nBỘ TRƯỞNG\n\n\n\n\nHồ F",  # a person too far down
    "CHỦ TỊCH\r\nNguyễn Văn A\r\n",  # Windows line breaks
    "THỦ TƯỚNG\u2028Nguyễn Văn A\x1cKT. BỘ TRƯỞNG\x85THỨ TRƯỞNG\rTrần B",  # other str.splitlines breaks
    "\x1f CHỦ\x1fTỊCH\nNguyễn Văn A",  # \x1f is whitespace but no line break
    "PHÓ  CHỦ TỊCH Thường trực\nĐã ký: Vũ G\nVũ Văn G",
    "Q. CHÁNH VĂN PHÒNG\nVõ H\nCHỦ TỊCH\nCHỦ NHIỆM\nĐinh I",
    "chủ tịch\nNguyễn Văn A\nCHỦTỊCH\nB C\nK/T GIÁM ĐỐC\nD E",
]


def _plain_signer(text: str) -> tuple[str | None, str | None]:
    """The form ``metadata._signer`` replaced: every stripped line is tried."""
    lines = [ln.strip() for ln in text.splitlines()]
    best: tuple[str | None, str | None] = (None, None)
    for i, ln in enumerate(lines):
        if not metadata._ROLE_LINE.match(ln) or (i > 0 and metadata._ROLE_LINE.match(lines[i - 1])):
            continue
        role = [ln]
        j = i - 1
        while j >= 0 and lines[j] in ("KT.", "TM.", "TL.", "TUQ.", "Q."):
            role.insert(0, lines[j])
            j -= 1
        k = i + 1
        while k < len(lines) and k <= i + 4:
            cand = lines[k]
            if metadata._ROLE_LINE.match(cand):
                role.append(cand)
            elif metadata._PERSON.match(cand):
                best = (cand, " / ".join(metadata._merge_role(role)))
                break
            elif cand and not re.match(r"^[\[(]?(?:đã\s+ký|ký|\(ký)", cand, re.IGNORECASE):
                break
            k += 1
    return best


def test_role_line_starts_are_the_role_lines(seed_texts: list[str]) -> None:
    for text in [*seed_texts, *SIGNATURE_TEXTS]:
        if any(c in text for c in metadata._OTHER_LINE_BREAKS):
            continue
        lines = text.split("\n")
        starts = {m.start() for m in metadata._ROLE_LINE_STARTS.finditer("\n" + text)}
        pos = 0
        for ln in lines:
            assert (pos in starts) == bool(metadata._ROLE_LINE.match(ln.strip())), ln
            pos += len(ln) + 1


def test_role_line_starts_without_the_copy(seed_texts: list[str]) -> None:
    assert metadata._ROLE_LINE_STARTS.pattern.startswith("\\n")
    extra = ["CHỦ TỊCH", "  GIÁM ĐỐC\nCHỦ TỊCH\n\nUBND", "\nCHỦ TỊCH\n", "x\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
             "\n\n\n", "", "CHỦ\nTỊCH", "\tTM.\u00a0ỦY BAN NHÂN DÂN\n"]
    for text in [*seed_texts, *SIGNATURE_TEXTS, *extra]:
        plain = [m.start() for m in metadata._ROLE_LINE_STARTS.finditer("\n" + text)]
        assert metadata._role_line_starts(text) == plain, text[:60]


def test_signer_matches_the_plain_form(seed_texts: list[str]) -> None:
    found = 0
    for text in [*seed_texts, *SIGNATURE_TEXTS]:
        assert metadata._signer(text) == _plain_signer(text), text[-80:]
        found += metadata._signer(text)[0] is not None
    assert found >= len(SIGNATURE_TEXTS) // 2


def test_due_of_is_the_parsed_interval() -> None:
    frames = [None, "", "  ", "Quý I năm 2022", "Năm 2025", "Hằng năm", "Thường xuyên", "Từ Quý II đến cuối năm 2022",
              "Theo yêu cầu của Bộ", "Tháng 13/2022", "6 tháng đầu năm", "2021-2025", "Cuối năm",
              "Từ Quý II năm 2022 " + "và tiếp theo " * 30 + "đến cuối năm 2023"]  # too long to be cached
    for frame in frames:
        for year in (None, 2022):
            parsed = timeframes.parse_timeframe(frame, year)
            due = timeframes.due_of(frame, year)
            assert due == {k: parsed[k] for k in ("start", "end", "recurring", "conditional")}
            due["end"] = "changed"  # the caller's copy: the cached parse is untouched
            assert timeframes.due_of(frame, year)["end"] == parsed["end"]


DB_HEADS = [
    "",
    "Số hiệu: 12/2021/NĐ-CP\nLoại văn bản:\tNghị định\n",
    "  Số  hiệu   12/KH-UBND  \n\tNgày ban hành: 01/02/2021\nNgày có hiệu lực 05/02/2021\n",
    "Văn bản Số hiệu: không ở đầu dòng\nSố: 12\nSố hiệu:\nSố hiệu: 34/QĐ-UBND",
    "Cơ quan ban hành: Tỉnh Tiền Giang\nNgười ký: Nguyễn Văn A\nNgười\nký: B",
    "Số\nhiệu: tách dòng\n \t Cơ \t quan ban hành :  UBND  ",
    "SốSố hiệu: x\n" * 3 + "x\r\nSố hiệu: y\r\n",
]


def test_db_lines_are_the_search_results(seed_texts: list[str]) -> None:
    for text in [*seed_texts, *DB_HEADS]:
        head = text[: metadata._HEADER_CHARS]
        for key, rx in metadata._DB_RE.items():
            fast, plain = metadata._db_line(key, head), rx.search(head)
            assert (fast.span() if fast else None) == (plain.span() if plain else None), (key, head[:60])
    assert metadata._db_header(DB_HEADS[2])["effective"] == "05/02/2021"
