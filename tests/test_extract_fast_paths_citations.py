"""Fast paths of citations, numbers and mentions checked against the plain forms they replace.

Each test rebuilds the plain form (the code as it was before the fast path) and compares both on
the seeds and on strings written to hit the edges the fast path relies on.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest

from pipelines.extract import citations, mentions, numbers
from pipelines.extract.metadata import extract_metadata
from pipelines.extract.numbers import find_numbers, fold, prepare_text
from pipelines.extract.regex_source import top_level_alternatives
from pipelines.ingest.source import read_source

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = sorted(RAW.glob("*.txt"))
# Every code point a str can hold, surrogates left out.
ALL_CHARS = "".join(chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp < 0xE000)


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [prepare_text(read_source(p).text) for p in SEEDS]


def _spans(pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> list:
    end = len(text) if endpos is None else endpos
    return [(m.span(), m.groups()) for m in pattern.finditer(text, pos, end)]


# --- numbers -------------------------------------------------------------------------------------


def test_fold_list_table_equals_the_dict_table() -> None:
    assert ALL_CHARS.translate(numbers._FOLD_LIST) == ALL_CHARS.translate(numbers._FOLD_TABLE)
    for s in ["Quyết Định", "ĐẢNG ỦY", "Ðề án", "“Kế hoạch” – 2021", "ΑΣ Σ", "İstanbul", "\U0001f600ạ"]:
        assert fold(s) == s.translate(numbers._FOLD_TABLE).lower()


NUMBER_EDGES = [
    "123456/QĐ-UBND", "12345/QĐ-UBND", "1234567 / 2020 / NĐ-CP", "a12/KH-UBND", "x.12/KH", "1,5/KH-UBND",
    "76 /NQ-CP", "76\t/\tNQ-CP", "76 - KH/TU", "09-NQ/TU-BCS", "61/2018/NĐ-CP", "15/2024/QĐ-UBND ngày",
    "12/KH-UBND - Sở", "2021 - 2025", "năm 2021/2022", "01/BC", "1/2", "99999-", "0" * 40 + "/KH-UB",
    "Số: 397 /KH-UBND", "76//NQ-CP", "76/\nNQ-CP", "12 -\n KH/TU", "3-4/5", "1 2 3/QĐ-TTg",
]


def test_number_scan_regex_finds_what_the_number_regex_finds(seed_texts: list[str]) -> None:
    plain, fast = numbers._number_regex(), numbers._number_scan_regex()
    assert fast is not plain  # the fast form applies to the shipped number forms
    for text in [*seed_texts, *NUMBER_EDGES, " ".join(NUMBER_EDGES)]:
        assert _spans(fast, text) == _spans(plain, text)


def test_top_level_alternatives_respect_groups_and_classes() -> None:
    assert top_level_alternatives(r"a|(?:b|c)|[|]|\||d") == ["a", "(?:b|c)", "[|]", r"\|", "d"]


# --- citations: literal-led look-behinds ----------------------------------------------------------

_PLAIN_TYPE_BEFORE = re.compile(rf"(?<![a-z])({citations._TYPE_ALT})\s*(?:so\s*:?\s*)?$")
_PLAIN_FORM_LABEL = re.compile(r"(?<![a-z])(?:mau|bieu mau|bieu|phu luc|bang|phieu)\s+(?:so\s*:?\s*)?$")
_PLAIN_ACT_BEFORE = re.compile(r"(?<![\w])(Bộ\s+luật|Luật|Pháp\s+lệnh)\s+[A-ZĐ][^;:()\n]{2,150}?\s+(?:số\s*:?\s*)?$")
_PLAIN_NAMED_ACT = re.compile(
    r"(?<![\w])(?:Bộ\s+luật|Luật|Pháp\s+lệnh)\s+(?P<name>[A-ZĐ][^;:()\n]{2,150}?)"
    r"(?:\s+(?:năm\s+)?\d{4})?\s+(?:số\s*:?\s*)?$"
)

WINDOW_EDGES = [
    "ke hoach so ", "xke hoach so: ", "2ke hoach ", "ke hoach", "theo quyet dinh so:", "thong bao ket luan so ",
    "ket luan ", "bo luat ", "luat so", "bieu mau so ", "mau\n", "abieu so ", "phu luc so:\n", "nghi quyet\n",
    "Luật Đất đai năm 2013 số ", "Bộ luật Lao động số: ", "xLuật Đất đai ", "Pháp lệnh Dân số ", "ALuật Abc ",
    "Luật Abc\n", "(Luật Đất đai) số ", "BLuật Ngân sách số ", "của Luật Đầu tư công năm 2019 ",
]


def test_literal_led_patterns_match_their_look_behind_forms(seed_texts: list[str]) -> None:
    pairs = [
        (citations._TYPE_BEFORE, _PLAIN_TYPE_BEFORE, True),
        (citations._FORM_LABEL, _PLAIN_FORM_LABEL, True),
        (citations._ACT_BEFORE, _PLAIN_ACT_BEFORE, False),
        (citations._NAMED_ACT, _PLAIN_NAMED_ACT, False),
    ]
    # (text, [(lo, hi), ...]): windows ending every few characters and right before each number.
    cases: list[tuple[str, list[tuple[int, int]]]] = []
    for text in seed_texts:
        ends = [*range(0, len(text) + 1, 5), *(nm.start for nm in find_numbers(text))]
        cases.append((text, [(max(0, end - 200), end) for end in ends]))
    # A search from inside a string sees the characters behind its start.
    cases += [(w, [(0, len(w)), (1, len(w))]) for w in WINDOW_EDGES]
    for fast, plain, folded in pairs:
        for text, bounds in cases:
            t = fold(text) if folded else text
            for lo, hi in bounds:
                f, p = fast.search(t, lo, hi), plain.search(t, lo, hi)
                assert (f and (f.span(), f.groups())) == (p and (p.span(), p.groups())), (plain.pattern, t[lo:hi])


def test_literal_led_refuses_alternatives_without_a_leading_letter() -> None:
    with pytest.raises(ValueError):
        citations.literal_led(r"\s+a|b", "[a-z]")


# --- citations: short forms ----------------------------------------------------------------------

_PLAIN_SHORT_FORM = re.compile(
    rf"[{citations._SHORT_FIRSTS}](?:" + "|".join(n[1:].replace(" ", r"\s+") for n in citations._SHORT_TYPE_WORDS)
    + r")\s+(?:số\s+)?(\d{1,5})(?![\d,.]?\d)(?!\s*[/-]\s*[\wĐđ])"
)


def _short_form_edges() -> list[str]:
    out = []
    for name in citations._SHORT_TYPE_WORDS:
        spaced = name.replace(" ", " \n  ")
        for form in (name, name.lower(), name.upper(), spaced, "x" + name, "Q" + name[1:]):
            out += [f"{form} 76", f"{form} số 06,", f"{form} 123456", f"{form} 76/NQ-CP", f"{form} 1,5",
                    f"theo {form}  số\t12 và {form} 13", f"{form}76", f"{form} liên tịch 5"]
    return out


def test_short_form_trie_matches_the_alternation(seed_texts: list[str]) -> None:
    edges = _short_form_edges()
    for text in [*seed_texts, *edges, " ".join(edges)]:
        assert _spans(citations._SHORT_FORM, text) == _spans(_PLAIN_SHORT_FORM, text)


def _fuzz_short_form_texts(count: int) -> list[str]:
    """Strings made of the pieces a short form is built from, run together at random."""
    import random

    rng = random.Random(20261124)
    pieces = [*citations._SHORT_TYPE_WORDS, *(n.lower() for n in citations._SHORT_TYPE_WORDS),
              *(n.split()[-1] for n in citations._SHORT_TYPE_WORDS), *(n[1:] for n in citations._SHORT_TYPE_WORDS),
              "số", "Số", " ", "  ", "\n", "\t", "\u00a0", "1", "23", "456", "7890", "12345", "123456", ",", ".", "/",
              "-", "NQ", "CP", "x", "Q", "B", "đ", "(", ")", ":", "_", "5,5", "2.1"]
    seps = [" ", " ", " ", "", "  ", "\n", " \n "]
    return ["".join(rng.choice(pieces) + rng.choice(seps) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def test_short_forms_read_backwards_equal_finditer(seed_texts: list[str]) -> None:
    edges = _short_form_edges()
    texts = [*seed_texts, *edges, " ".join(edges), "\n".join(edges), *_fuzz_short_form_texts(4000),
             "Bộ luật 5", "Bộ  \n luật số  5", "Thông tư liên tịch 5", "Thông tư liên tịch số 5/", "bộ luật 12 Luật 3",
             "Kế hoạch 1Kế hoạch 2", "Kế hoạch 1 2", "Luật 7", "7", "", "Luật số số 5", "Luật\n\n\n5\n"]
    for text in texts:
        fast = [(m.span(), m.groups()) for m in citations._short_forms(text)]
        assert fast == _spans(citations._SHORT_FORM, text), text


def test_word_trie_and_overlap_check() -> None:
    rx = re.compile(citations._word_trie(["ab cd", "ab", "ac"]) + r"\Z")
    assert [bool(rx.match(s)) for s in ["ab cd", "ab \n cd", "ab", "ac", "a", "abcd", "ab c"]] == [
        True, True, True, True, False, False, False]
    citations._check_exclusive(["a b", "a b c"])
    with pytest.raises(ValueError):
        citations._check_exclusive(["a b", "a b số"])


def test_defined_alias_needs_its_literal_word() -> None:
    assert rf"\s+{citations._DEFINED_ALIAS_WORD}\s+" in citations._DEFINED_ALIAS.pattern
    text = ("Chương trình tổng thể cải cách hành chính ban hành kèm theo Nghị quyết số 76/NQ-CP ngày "
            "15/7/2021 của Chính phủ về Chương trình tổng thể cải cách hành chính nhà nước giai đoạn "
            "2021 - 2030 (sau đây gọi tắt là Chương trình tổng thể). Triển khai Chương trình tổng thể.")
    cited = citations.extract_citations(text, {})
    assert cited[0]["aliases"] == ["Chương trình tổng thể"]
    last = text.rfind("Chương trình tổng thể")
    assert [last, last + len("Chương trình tổng thể")] in cited[0]["spans"]
    assert citations.extract_citations(text.replace("tắt", "tat"), {})[0]["aliases"] == []


# --- citations: issuer, implements ---------------------------------------------------------------


def _plain_read_issuer(text: str, pos: int, ctx: citations._Context) -> tuple[str | None, int]:
    m = citations._ISSUER_RE.match(text, pos)
    if not m:
        om = citations._OTHER_ISSUER.match(text, pos)
        if om:
            return citations._collapse(om.group("org")), om.end()
        return None, pos
    g = m.groupdict()
    if g.get("party"):
        return "Ban Chấp hành Trung ương", m.end()
    if g.get("politburo"):
        return "Bộ Chính trị", m.end()
    if g.get("secretariat"):
        return "Ban Bí thư", m.end()
    if g.get("committee"):
        word = re.sub(r"\s+", " ", g["cword"])
        place, printed, end = citations._place_or_default(m, "cname", ctx)
        return (f"{word} {place}".strip(), end)
    for key, short in (("ubnd", "UBND"), ("hdnd", "HĐND")):
        if g.get(key):
            level_group = "ulevel" if key == "ubnd" else "hlevel"
            name_group = "uname" if key == "ubnd" else "hname"
            level = re.sub(r"\s+", " ", g[level_group]).lower() if g.get(level_group) else None
            if level == "tình":
                level = "tỉnh"
            place, printed, end = citations._place_or_default(m, name_group, ctx)
            if level is None:
                if ctx.doc_issuer and ctx.doc_issuer.startswith(short):
                    return ctx.doc_issuer, end
                level = ctx.level
            if level in ("tỉnh", "thành phố") and not printed:
                return (f"{short} {level} {ctx.province}" if ctx.province else f"{short} {level}"), end
            return f"{short} {level} {place}".strip(), end
    for i, (_alias, name) in enumerate(citations._NATIONAL_NAMES):
        if g.get(f"n{i}"):
            return name, m.end()
    return None, pos


def test_read_issuer_by_last_group_equals_the_groupdict_form(seed_texts: list[str]) -> None:
    edges = []
    for alias, _name in citations._NATIONAL_NAMES:
        for tail in ("", "x", " ban hành", ", Ban", "a b", " khóa XII", "Đảng"):
            edges += [f" {alias}{tail}", f" của Bộ trưởng {alias}{tail}", f", do {alias}{tail}"]
    edges += [" Ban Chấp hành Trung ương Đảng khóa XIIa", " Hội nghị lần thứ sáu Ban Chấp hành Trung ương",
              " của UBND tỉnh Tiền Giang", " Chủ tịch UBND", " Thường trực HĐND thành phố Cần Thơ Ban",
              " Tỉnh ủy Bến Tre", " của Sở Nội vụ về", " Ủy ban Thường vụ Quốc hộix"]
    contexts = [
        citations._Context("Tiền Giang", "tỉnh", "UBND tỉnh Tiền Giang"),
        citations._Context(None, "tỉnh", None),
    ]
    for ctx in contexts:
        for e in edges:
            assert citations._read_issuer(e, 0, ctx) == _plain_read_issuer(e, 0, ctx), e
        for text in seed_texts:
            for pos in range(0, len(text), 3):
                assert citations._read_issuer(text, pos, ctx) == _plain_read_issuer(text, pos, ctx)


def _plain_self_reference(text: str, mention_start: int, own_type: str | None) -> bool:
    if not own_type:
        return False
    window = text[max(0, mention_start - 300) : mention_start]
    pat = re.compile(
        rf"(?:ban\s+hành|Trên\s+đây\s+là)\s+{citations._ws(own_type)}(?:(?!\s*[;.]\s)[^;:|])*?"
        rf"{citations._IMPLEMENT_VERB}\s*$",
        re.IGNORECASE,
    )
    return pat.search(window) is not None


def test_rstrip_strips_what_regex_white_space_matches() -> None:
    assert {c for c in ALL_CHARS if c.isspace()} == set(re.findall(r"\s", ALL_CHARS))


def test_self_reference_tail_test_agrees_with_the_full_pattern(seed_texts: list[str]) -> None:
    edges = [
        "ban hành Kế hoạch thực hiện ", "Ban hành KẾ HOẠCH để THỰC HIỆN\n",
        "ban hành Kế hoạch triển khai,\nthực hiện", "ban hành Kế hoạch triển khai \n\n",
        "Trên đây là Kế hoạch triển khai thực hıện ", "ban hành Kế hoạch; thực hiện ",
        "ban hành Kế hoạch thực hiện x", "hiện", "", " ", "ban hành Kế hoạch hiện ",
        "ban hành Kế hoạch thực\u00a0hiện\u2003",
        "khai", "KHAI  \n", "  hiện", "x\u2003khai\u3000", "ban hành Kế hoạch thực hiện" + " " * 300,
        " " * 299 + "khai ", "ban hành Kế hoạch thực hiện" + "\n" * 296 + "khai",
    ]
    types = ["Kế hoạch", "Quyết định", None, ""]
    for own in types:
        for e in edges:
            assert citations._self_reference_implements(e, len(e), own) == _plain_self_reference(e, len(e), own), e
        for text in seed_texts:
            for pos in range(0, len(text), 11):
                assert citations._self_reference_implements(text, pos, own) == _plain_self_reference(text, pos, own)


def _plain_title_implements(
    doc_title: str | None, inst: citations._Instrument, doc_type: str | None, title: str | None
) -> bool:
    def words(s: str) -> set[str]:
        return set(re.findall(r"[a-z0-9]+", fold(re.sub(r"\([^)]*\)", " ", s))))

    if not doc_title:
        return False
    folded = fold(doc_title)
    verb = re.search(r"(?:thuc hien|trien khai)(?:\s*,?\s*(?:thuc hien|trien khai))*\s+(.*)$", folded)
    if not verb:
        return False
    rest = verb.group(1)
    canon = fold(inst.canonical)
    if canon in re.sub(r"\s+", "", rest) or f" {canon}" in f" {rest}":
        return True
    if not doc_type or not title:
        return False
    tm = re.match(rf"{re.escape(fold(doc_type))}\s+(.*)$", rest)
    if not tm:
        return False
    subject = words(tm.group(1))
    cited = words(title)
    if len(subject) < 3 or not cited:
        return False
    return len(subject & cited) / len(subject) >= 0.75


def test_title_implements_read_once_per_title(seed_texts: list[str]) -> None:
    titles = [extract_metadata(t).get("title") for t in seed_texts] + [
        None, "", "Kế hoạch thực hiện Nghị quyết số 76/NQ-CP", "Triển khai, thực hiện Chương trình tổng thể cải "
        "cách hành chính (giai đoạn 2021-2030)", "THỰC HIỆN Kế hoạch 12/KH-UBND\nnăm 2022", "Thực hiện Nghị quyết",
    ]
    insts = [citations._Instrument(c) for c in ["76/NQ-CP", "12/KH-UBND", "61/2018/NĐ-CP", "1/QĐ"]]
    subjects = [None, "", "Chương trình tổng thể cải cách hành chính giai đoạn 2021 - 2030", "cải cách (hành chính)"]
    for title in titles:
        for inst in insts:
            for doc_type in [None, "Nghị quyết", "Chương trình", "Kế hoạch"]:
                for subject in subjects:
                    fast = citations._title_implements(title, inst, doc_type, subject)
                    assert fast == _plain_title_implements(title, inst, doc_type, subject), (title, inst, doc_type)


# --- citations: subject clauses ------------------------------------------------------------------

_PLAIN_TITLE_END = re.compile(
    r"[;:|]"
    r"|\.(?=\s|$)"
    r"|\((?![A-ZĐ&]{2,10}\))"
    r"|\n\s*(?:\d{1,2}\s+[A-ZĐ]|\d{1,2}\.\s|[a-zđ]\)\s)"
    r"|(?<![\d-])\s*\n\s*[-+•]\s(?!\d)"
    r"|\n\s*\n"
    r"|\s+nhằm\s"
    r"|\s+và\s+các\s+(?:văn\s+bản|Nghị\s+quyết|Nghị\s+định|Quyết\s+định|Chỉ\s+thị|Kế\s+hoạch|Thông\s+tư|quy\s+định)"
    r"|,\s*(?=(?:Ủy\s+ban|UBND|HĐND|Sở|Bộ\s|Chủ\s+tịch|Thủ\s+trưởng|Trên\s+cơ\s+sở)\b)"
)

TITLE_END_EDGES = [
    "về việc a; b", "về x. Y", "về x.", "về x.y", "về (CCHC) và (a b)", "về x\n1 Điều", "về x\n 2. a", "về x\nb) c",
    "về x\n- y", "về x 2021\n- 2025", "về x-\n- y", "về x \n \n- 1", "về x\n\t+ y", "về x\n\n", "về x  \n  \n y",
    "về x nhằm y", "về x\nnhằm\ty", "về x và các văn bản", "về x, UBND tỉnh", "về x,Sở Nội vụ", "về x,Bộ", "về x, Bộ\n",
    "về x,\n\nSở", "\n- a", "-\n- a", "5\n• a", "về x • y", "về x\r\n- y", "về x\u2028- y", "về x\u00a0\n\u00a0- y",
    "về x \t\u00a0nhằm y", "về x nhằmy", "về x\u3000 và các Kế hoạch", "về x và\ncác văn bản", "về x \x85\n- y",
    "về x \u2028\n\n", "về x  vàcác văn bản", "về x 1\n- y", "về x -\t\n+ y", "về x\t\t\n\t1 A",
]


def test_title_end_finds_the_same_first_end(seed_texts: list[str]) -> None:
    cases = [(t, [(a, min(len(t), a + 400)) for a in range(0, len(t), 3)]) for t in seed_texts]
    cases += [(e, [(0, len(e)), (1, len(e)), (3, len(e) - 1)]) for e in TITLE_END_EDGES]
    for text, bounds in cases:
        for lo, hi in bounds:
            f, p = citations._TITLE_END.search(text, lo, hi), _PLAIN_TITLE_END.search(text, lo, hi)
            assert (f and f.start()) == (p and p.start()), (text[lo:hi],)


def test_title_end_space_guard_keeps_every_match() -> None:
    import random

    plain = re.compile(r"[;:|.(,\s]" + citations._TITLE_END_ALTERNATIVES)
    rng = random.Random(7)
    pieces = ["về", "x", "nhằm", "và", "các", "văn bản", "Kế hoạch", "UBND", "Sở", "1", "12", "a)", "A", "-", "+", "•",
              " ", "  ", "\t", "\n", "\u00a0", "\u2028", "\x85", "\r\n", ";", ":", "|", ".", "(", ")", ",", "(CCHC)"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        for lo in range(0, len(text), 2):
            f, p = citations._TITLE_END.search(text, lo), plain.search(text, lo)
            assert (f and f.span()) == (p and p.span()), text


def test_title_before_skips_windows_without_the_closing_word(seed_texts: list[str]) -> None:
    def plain(text: str, type_start: int) -> str | None:
        window = text[max(0, type_start - 400) : type_start]
        pm = citations._PROMULGATED_AT.search(window)
        if not pm:
            return None
        head = window[: pm.start()]
        clause_from = 0
        for cm in citations._CLAUSE_START.finditer(head):
            clause_from = cm.end()
        prog = citations._PROGRAMME.search(head, clause_from)
        if not prog:
            return None
        subject = citations._collapse(head[prog.start() :])
        cut = subject.rfind(" được ")
        if cut > 0:
            subject = subject[:cut]
        return subject.rstrip(" ,") or None

    edges = ["Chiến lược X được ban hành tại ", "Đề án Y phê duyệt tại\n", "Quy hoạch Z ban hành tại\u2003\n",
             "Kế hoạch W ban hành tạix ", "ban hành tại", "Đề án được UBND tỉnh phê duyệt tại  "]
    for e in edges:
        assert citations._read_title_before(e, len(e)) == plain(e, len(e)), e
    for text in seed_texts:
        for pos in range(0, len(text), 13):
            assert citations._read_title_before(text, pos) == plain(text, pos)


# --- numbers_mentioned ---------------------------------------------------------------------------


def _plain_numbers_mentioned(fragment: str, cited: list[dict]) -> list[str]:
    if not fragment or not cited:
        return []
    text = prepare_text(fragment)
    known = {c.get("number") for c in cited}
    found: list[tuple[int, str]] = []
    for nm in find_numbers(text):
        if nm.canonical in known:
            found.append((nm.start, nm.canonical))
    for c in cited:
        for alias in c.get("aliases") or []:
            if find_numbers(alias):
                continue
            for am in re.finditer(r"(?<![\w])" + citations._ws(alias) + r"(?![\w])", text):
                found.append((am.start(), c["number"]))
    out: list[str] = []
    for _, num in sorted(found):
        if num not in out:
            out.append(num)
    return out


def test_numbers_mentioned_equals_the_plain_scan(seed_texts: list[str]) -> None:
    invented = [
        {"number": "76/NQ-CP", "aliases": ["Nghị quyết 76", "Chương trình tổng thể", "Nghị quyết số 76/NQ-CP"]},
        {"number": "12/KH-UBND", "aliases": ["", " ", "Kế hoạch (CCHC)", "KH.12", "a+b"]},
        {"number": "09-NQ/TU", "aliases": None},
        {"number": "1/QĐ", "aliases": ["Đề án 06", "Quyết định\n1"]},
    ]
    fragments = [
        "", "Triển khai Nghị quyết 76 và Chương trình tổng thể", "theo 76/NQ-CP, 12/KH-UBND; 09-NQ/TU",
        "Kế hoạch (CCHC) năm 2022", "xNghị quyết 76", "Nghị quyết  76y", "KH.12 a+b", "Đề án 06, Quyết định 1",
        "Chương trình tổng thể\u00a0Chương trình tổng thể", "không có gì",
    ]
    for text in seed_texts:
        record_citations = citations.extract_citations(text, extract_metadata(text))
        lines = [ln for ln in text.splitlines() if ln.strip()]
        for cited in (record_citations, invented, record_citations + invented):
            index = citations.citation_index(cited)
            for fragment in [*lines, *fragments]:
                plain = _plain_numbers_mentioned(fragment, cited)
                assert citations.numbers_mentioned(fragment, cited) == plain
                assert citations.numbers_mentioned(fragment, cited, index=index) == plain


def test_whole_words_regex_equals_the_look_behind_form(seed_texts: list[str]) -> None:
    phrases = ["Chương trình tổng thể", "Nghị quyết 76", "(CCHC) a", "a+b", "x", "", "  ", "Đề án\n06", "KH.12",
               "ương trình", "trình", "Kế hoạch (CCHC)"]
    texts = [*seed_texts, "Chương trình tổng thể,Chương trình\n tổng thể; xChương trình tổng thể",
             "(CCHC) a (CCHC) ab a+b a+bc Đề án 06 KH.12 KH.123", "x xx x_x 1x x1 x", ""]
    for phrase in phrases:
        plain = re.compile(r"(?<![\w])" + citations._ws(phrase) + r"(?![\w])")
        for text in texts:
            assert _spans(citations._whole_words(phrase), text) == _spans(plain, text), phrase


def test_parse_number_equals_a_fresh_parse(seed_texts: list[str]) -> None:
    raws = [nm.raw for text in seed_texts for nm in find_numbers(text)] + NUMBER_EDGES
    for raw in raws:
        numbers.parse_number.cache_clear()
        text = prepare_text(raw.strip())
        m = numbers._number_regex().match(text)
        assert numbers.parse_number(raw) == (numbers._parse(m.group(0), 0) if m else None), raw


# --- mentions ------------------------------------------------------------------------------------

_PLAIN_MENTION_PATTERNS = {
    "_NUMBERED_BEFORE": r"(?<![\w])(Nghị\s+quyết|Nghị\s+định|Quyết\s+định|Chỉ\s+thị|Thông\s+tư|Kết\s+luận)\s+$",
    "_PLURAL_BEFORE": r"(?<![\w])các\s+$",
    "_DRAFTING": r"(?<![\w])(?:xây\s+dựng|ban\s+hành|soạn\s+thảo|dự\s+thảo|phê\s+duyệt|sửa\s+đổi|lập)(?![\w])",
    "_RELIANCE": r"(?<![\w])(?:theo|tại|căn\s+cứ|về|của)(?![\w])",
    "_PROMULGATED": r"(?<![\w])(?:ban\s+hành|phê\s+duyệt)(?![\w])",
    "_NUMBERED_INSIDE": r"(?<![\w])số\s*:?\s*\d|\d+\s*/\s*\d*\s*/?\s*[A-ZĐ]",
}
MENTION_EDGES = [
    "các Nghị quyết ", "xcác Nghị quyết\n", "2Nghị quyết ", "Quyết định  ", "xây dựng và ban hành, lập",
    "thành lập", "theo tại căn cứ về của", "hoặc của", "ban hành\nphê duyệt", "số: 12", "Hồ số 3", "12 / 2020 / QĐ",
    "số12", "_các ", "Nghị quyếtx ",
]


def test_mention_patterns_match_their_look_behind_forms(seed_texts: list[str]) -> None:
    texts = [*seed_texts, *MENTION_EDGES, " ".join(MENTION_EDGES), *(t.lower() for t in seed_texts)]
    for name, plain in _PLAIN_MENTION_PATTERNS.items():
        fast, slow = getattr(mentions, name), re.compile(plain)
        for text in texts:
            assert _spans(fast, text) == _spans(slow, text), name
            # As the extractor calls them: a window ending right before a position.
            for end in range(0, len(text), 17):
                f, p = fast.search(text, max(0, end - 16), end), slow.search(text, max(0, end - 16), end)
                assert (f and (f.span(), f.groups())) == (p and (p.span(), p.groups())), (name, text[end - 16 : end])


def test_is_year_equals_the_year_regex(seed_texts: list[str]) -> None:
    words = {w.strip(",.").lower() for t in seed_texts for w in t.split()}
    words |= {"2021", "2021-", "2021-2025", "1999", "2100", "20211", "2021\n", "١٩٩٩", "2021-20", "", "-", "x2021"}
    for w in words:
        assert mentions._is_year(w) == bool(mentions._YEAR.match(w)), w
    assert {a for a, _ in mentions._STOP_PAIRS} == mentions._STOP_PAIR_FIRSTS


def test_literal_prechecks_name_a_word_every_match_holds() -> None:
    # Each word sits between required white space at the top level of its pattern (not optional).
    assert r"\s+tắt\s+" in citations._DEFINED_ALIAS.pattern
    assert citations._PROMULGATED_AT.pattern.endswith(r"\s+tại\s*$")
    assert citations._LOCAL_SCOPE_TAIL.pattern.startswith(r"\s+(?:trên|tại)\s+địa\s+bàn")
    title = "Chương trình X trên địa bàn tỉnh Tiền Giang"
    assert citations._LOCAL_SCOPE_TAIL.sub("", title) == "Chương trình X"
    assert citations._LOCAL_SCOPE_TAIL.sub("", title.replace("địa", "dia")) == title.replace("địa", "dia")


def test_printed_forms_fold_only_candidates(seed_texts: list[str]) -> None:
    def plain(text: str, numbered: list, aliases: list[str], doc_type: str | None, canonical: str) -> list[str]:
        standard = fold(f"{doc_type} số {canonical}")
        known = {fold(a) for a in aliases} | {standard}
        for m in numbered:
            if m.printed_type:
                form = citations._collapse(text[m.start : m.end])
                if fold(form) not in known and form.upper() != form and form[:1].isupper():
                    known.add(fold(form))
                    aliases.append(form)
        return aliases

    text = ("Quyết định số 12/QĐ-UBND; QUYẾT ĐỊNH SỐ 12/QĐ-UBND; quyết định số 12/QĐ-UBND; Quyết  định số 12/QĐ-UBND;"
            " Quyết định 12/QĐ-UBND")
    extra = citations._Mention(0, 0, None)
    for t in [*seed_texts, text]:
        ctx = citations._Context(None, "tỉnh", None)
        nums = find_numbers(t)
        mentions_ = [citations._analyse(t, nums, i, ctx) for i in range(len(nums))]
        for inst in citations._group(mentions_, ctx):
            numbered = [m for m in inst.mentions if m.number is not None] + [extra]
            for aliases in ([], ["Quyết định 12"], ["quyet dinh so 12/QĐ-UBND"]):
                for doc_type in ("Quyết định", None):
                    args = (t, numbered, doc_type, inst.canonical)
                    fast = citations._with_printed_forms(args[0], args[1], list(aliases), *args[2:])
                    assert fast == plain(args[0], args[1], list(aliases), *args[2:])


# --- ingest ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    "Kế hoạch\nsố 12\n", "Kế hoạch\r\nsố 12\r\n", "a\rb\r\n\rc", "\r", "không có dòng", "x\n\r\n\n",
])
def test_read_txt_unifies_line_ends_as_normalise_newlines_does(raw: str) -> None:
    from pipelines.ingest.formats.base import ReadOptions, normalise_newlines
    from pipelines.ingest.formats.txt import read_txt

    assert read_txt(raw.encode("utf-8"), ReadOptions()).text == normalise_newlines(raw)


# --- ASCII-digit scans ------------------------------------------------------------------------------

OTHER_DIGITS = ["٣", "５", "३", "\U0001d7cf", "\U000104a3"]  # Arabic-Indic, full-width, Devanagari, two astral


def test_bmp_other_digits_are_what_backslash_d_matches_beyond_0_9() -> None:
    bmp = "".join(chr(cp) for cp in range(0x10000) if not 0xD800 <= cp < 0xE000)
    assert "".join(c for c in bmp if c.isdecimal() and c not in "0123456789") == numbers._BMP_OTHER_DIGITS
    assert all(re.fullmatch(r"\d", d) for d in OTHER_DIGITS)


def test_ascii_digit_pattern_rewrites_backslash_d_only() -> None:
    rewrite = numbers.ascii_digit_pattern
    assert rewrite(r"\d(?<![\w/.,]\d)\d{0,4}+[^\W\d_]") == r"[0-9](?<![\w/.,][0-9])[0-9]{0,4}+[^\W0-9_]"
    assert rewrite(r"[]\d][^]\d]\\d\.\[\d") == r"[]0-9][^]0-9]\\d\.\[[0-9]"
    with pytest.raises(ValueError):
        rewrite(r"\D")


def test_ascii_digits_only_is_known_only_for_prepared_documents_without_other_digits(seed_texts: list[str]) -> None:
    long_text = "Kế hoạch số 12/KH-UBND ngày 01/02/2021. " * 200
    assert len(long_text) > 5000
    assert numbers.ascii_digits_only(prepare_text(long_text))
    assert not numbers.ascii_digits_only(long_text[:4000])  # short texts: unknown
    assert not numbers.ascii_digits_only(long_text + "x")  # never prepared: unknown
    for d in OTHER_DIGITS:
        for extra in ("", "Ð–А"):  # with look-alikes to repair too
            prepared = prepare_text(long_text + extra + d)
            assert not numbers.ascii_digits_only(prepared)
        assert numbers.ascii_digits_only(prepare_text(long_text + "Ð–А"))
    decomposed = unicodedata.normalize("NFD", long_text)
    assert numbers.ascii_digits_only(prepare_text(decomposed))
    for text in seed_texts:
        assert numbers.ascii_digits_only(prepare_text(text)) == (
            len(text) > 5000 and not any(c.isdecimal() and c not in "0123456789" for c in text))


def test_digit_facts_cache_is_cleared_like_a_functools_cache() -> None:
    facts = numbers._DIGIT_FACTS
    assert facts.cache_info().maxsize >= numbers._prepare_document.cache_info().maxsize
    texts = [f"{i} " + "Kế hoạch 12/KH-UBND. " * 300 for i in range(facts.maxsize + 2)]
    for t in texts:
        prepare_text(t)
    assert facts.cache_info().currsize == facts.maxsize  # bounded
    assert numbers.ascii_digits_only(texts[-1]) and not numbers.ascii_digits_only(texts[0])
    facts.cache_clear()
    assert facts.cache_info().currsize == 0


def test_ascii_digit_scans_equal_the_backslash_d_scans(seed_texts: list[str]) -> None:
    edges = _short_form_edges()
    texts = [*seed_texts, *NUMBER_EDGES, " ".join(NUMBER_EDGES), *edges, " ".join(edges),
             *_fuzz_short_form_texts(1000)]
    pairs = [(numbers._number_scan_regex(), numbers._number_scan_regex_ascii()),
             (citations._SHORT_FORM_REVERSED, citations._SHORT_FORM_REVERSED_ASCII)]
    for text in texts:
        assert not any(c.isdecimal() and c not in "0123456789" for c in text)
        for plain, fast in pairs:
            for t in (text, text[::-1]):
                assert _spans(fast, t) == _spans(plain, t)


def test_find_numbers_and_short_forms_on_long_documents(seed_texts: list[str]) -> None:
    edges = [*NUMBER_EDGES, *_short_form_edges()]
    body = "\n".join(edges) * (1 + 5000 // len("\n".join(edges)))
    for text in [*seed_texts, body, *(body + d + " 12/KH-UBND, Kế hoạch 5" for d in OTHER_DIGITS),
                 body.replace("2", "５"), body.replace("1", "\U0001d7cf")]:
        prepared = prepare_text(text)
        plain = [(m.span(), m.group(0)) for m in numbers._number_scan_regex().finditer(prepared)]
        found = [(m.start, m.raw) for m in find_numbers(prepared)]
        parsed = [((s, e), raw) for (s, e), raw in plain if numbers._parse(raw, 0) is not None]
        assert [s for s, _ in found] == [s for (s, _e), _ in parsed]
        assert [(m.span(), m.groups()) for m in citations._short_forms(prepared)] == _spans(
            citations._SHORT_FORM, prepared)


# --- mentions: one pass over a subject ---------------------------------------------------------------


def _plain_subject_ok(doc_type: str, subject: list[str], at_punct: bool) -> bool:
    if not subject:
        return False
    if doc_type in mentions._LAWS:
        return mentions._is_upper_start(subject[0])
    folded = [w.strip(",.").lower() for w in subject]
    content = [w for w in folded if w not in mentions._PERIOD_WORDS and not mentions._is_year(w)]
    if not content:
        return False
    if any(mentions._is_year(w) for w in folded) or "phiên" in folded:
        return True
    return doc_type in mentions._NAMED_BY_SUBJECT and len(content) >= 4 and at_punct


def test_subject_ok_in_one_pass_equals_the_plain_form(seed_texts: list[str]) -> None:
    import random

    rng = random.Random(11)
    pieces = ["2021", "2021-2025", "2021-", "2021,", "1990.", "3021", "năm", "Giai", "đoạn", "và", "-", "phiên",
              "Phiên,", "bản", "Cải", "cách", "hành", "chính", "X", ",", ".", "20", "2020-20", "tầm", "nhìn", "kỳ",
              "199x"]
    subjects = [[rng.choice(pieces) for _ in range(rng.randint(0, 12))] for _ in range(3000)]
    subjects += [t[i : i + 200].split() for t in seed_texts for i in range(0, len(t), 997)]
    for subject in subjects:
        for doc_type in ("Luật", "Chương trình", "Kế hoạch", "Đề án"):
            for at_punct in (True, False):
                assert mentions._subject_ok(doc_type, subject, at_punct) == _plain_subject_ok(
                    doc_type, subject, at_punct), subject
