"""Instrument numbers: registry examples, tolerant matching, identity keys, analyst queries."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.extract.numbers import (
    canonical_number,
    document_types,
    find_numbers,
    fold,
    instrument_key,
    issuer_codes,
    lookup_issuer,
    lookup_type,
    normalise_number_query,
    number_forms,
    number_query_regex,
    parse_number,
    prepare_text,
)

FORM_EXAMPLES = [(f.name, raw, canon) for f in number_forms() for raw, canon in f.examples]


@pytest.mark.parametrize(("form", "raw", "canonical"), FORM_EXAMPLES)
def test_every_registry_example_is_found_whole_and_canonicalised(form: str, raw: str, canonical: str) -> None:
    sentence = f"Căn cứ văn bản số {raw} ngày 15/7/2021 của cơ quan có thẩm quyền."
    found = find_numbers(prepare_text(sentence))
    assert [m.canonical for m in found] == [canonical]
    assert found[0].form == form or {form, found[0].form} <= {"administrative", "official_letter"}
    assert sentence[found[0].start : found[0].end] == raw


@pytest.mark.parametrize("row", [t for t in document_types() if t.example], ids=lambda t: t.code)
def test_document_type_examples_name_their_type(row) -> None:
    parsed = parse_number(row.example)
    assert parsed is not None, row.example
    assert parsed.type_code == row.code or parsed.form == "normative"


@pytest.mark.parametrize("row", [i for i in issuer_codes() if i.code and i.example], ids=lambda i: i.code)
def test_issuer_code_examples_parse(row) -> None:
    assert parse_number(row.example) is not None, row.example


def test_codes_tolerate_case_and_d_for_dj_only_when_unambiguous() -> None:
    assert lookup_type("QD").code == "QĐ"
    assert lookup_type("ND").code == "NĐ"
    assert lookup_type("DA").name == "Dự án"  # exact spelling wins: DA is not ĐA
    assert lookup_type("ĐA").name == "Đề án"
    assert lookup_issuer("TTG").code == "TTg"
    assert lookup_issuer("QH14").code == "QH"
    assert lookup_issuer("UBTVQH15").name == "Ủy ban Thường vụ Quốc hội"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quyết định số 2703/QĐ-\nUBND ngày 18", ["2703/QĐ-UBND"]),
        ("Quyết định số\n2703/QĐ- UBND", ["2703/QĐ-UBND"]),
        ("Nghị quyết số 24/2026//NQ-CP", ["24/2026/NQ-CP"]),
        ("Nghị định 120/2020/ND-CP và 45/QD-UBND", ["120/2020/NĐ-CP", "45/QĐ-UBND"]),
        ("Quyết định số 06/QĐ-ТТg", ["06/QĐ-TTg"]),  # Cyrillic Т
        ("Nghị quyết số 09–NQ/TU", ["09-NQ/TU"]),  # en dash
        ("theo 12/KH-UBND - Sở Nội vụ", ["12/KH-UBND"]),
        ("ngày 15/7/2021, tỷ lệ 883/1.733 thủ tục, giai đoạn 2021 - 2030", []),
        ("TCVN ISO 9001:2015; COVID-19", []),
        ("Số: 397/KH-UBND\n|\nTiền Giang", ["397/KH-UBND"]),
    ],
)
def test_real_text_variants(text: str, expected: list[str]) -> None:
    assert [m.canonical for m in find_numbers(prepare_text(text))] == expected


def test_prepare_text_keeps_length_and_offsets() -> None:
    raw = "Số 06/QĐ-ТТg — Ð"
    out = prepare_text(raw)
    assert len(out) == len(raw)
    assert out.endswith("- Đ")


# --- property: any canonical number rendered in the tolerated variants comes back ----------------

_TYPES = [t.code for t in document_types() if "admin" in t.families]
_NORMATIVE_TYPES = [t.code for t in document_types() if "normative" in t.families and t.code not in ("L",)]
_PARTY_TYPES = [t.code for t in document_types() if "party" in t.families]
_ISSUERS = [i.code for i in issuer_codes() if i.code and i.scope in ("national", "local")]
_PARTY_ISSUERS = [i.code for i in issuer_codes() if i.code and (i.scope.endswith("party") or i.code == "TW")]


@st.composite
def canonical_numbers(draw) -> str:
    serial = str(draw(st.integers(min_value=1, max_value=9999)))
    if draw(st.booleans()):
        serial = serial.zfill(2)
    form = draw(st.sampled_from(["admin", "normative", "party", "letter"]))
    if form == "admin":
        return f"{serial}/{draw(st.sampled_from(_TYPES))}-{draw(st.sampled_from(_ISSUERS))}"
    if form == "normative":
        year = draw(st.integers(min_value=1990, max_value=2030))
        return f"{serial}/{year}/{draw(st.sampled_from(_NORMATIVE_TYPES))}-{draw(st.sampled_from(_ISSUERS))}"
    if form == "party":
        return f"{serial}-{draw(st.sampled_from(_PARTY_TYPES))}/{draw(st.sampled_from(_PARTY_ISSUERS))}"
    unit = draw(st.sampled_from(["KSTT", "KTTH", "NC", "CCVC"]))
    return f"{serial}/{draw(st.sampled_from(_ISSUERS))}-{unit}"


_CYRILLIC = {"A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р",
             "T": "Т", "X": "Х"}


def _d_safe(code: str) -> bool:
    """Writing D for Đ is only recoverable when the D spelling still names this code."""
    plain = code.replace("Đ", "D")
    hit = lookup_type(plain) if lookup_type(code) else lookup_issuer(plain)
    return hit is not None and hit.code == code


@st.composite
def renderings(draw) -> tuple[str, str]:
    canonical = draw(canonical_numbers())
    out = []
    for ch in canonical:
        if ch == "/":
            out.append(draw(st.sampled_from(["/", " / ", "/ ", " /", "//"])))
        elif ch == "-":
            out.append(draw(st.sampled_from(["-", "- ", "-\n", " -\n", "–"])))
        elif ch in _CYRILLIC and draw(st.integers(0, 4)) == 0:
            out.append(_CYRILLIC[ch])
        else:
            out.append(ch)
    rendered = "".join(out)
    codes = re.findall(r"[^\W\d_]+\d*", canonical)
    if draw(st.booleans()) and all(_d_safe(c) for c in codes if "Đ" in c):
        rendered = rendered.replace("Đ", "D")
    # Two slashes only make sense as a typing slip right after the year of a normative number.
    if "//" in rendered and not re.match(r"^\d+ ?/ ?\d{4}", canonical):
        rendered = rendered.replace("//", "/")
    return canonical, rendered


@settings(max_examples=400, deadline=None)
@given(renderings(), st.sampled_from(["Căn cứ Quyết định số {} ngày 15/7/2021;", "({})", "theo {}.", "{}"]))
def test_any_rendered_number_is_found_and_canonicalised_back(pair: tuple[str, str], frame: str) -> None:
    canonical, rendered = pair
    found = find_numbers(prepare_text(frame.format(rendered)))
    assert [m.canonical for m in found] == [canonical], rendered


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_find_numbers_never_raises(text: str) -> None:
    for m in find_numbers(prepare_text(text)):
        assert 0 <= m.start < m.end <= len(text) + 1


# --- identity -----------------------------------------------------------------------------------


def test_instrument_key_follows_design_examples() -> None:
    assert instrument_key("61/2018/NĐ-CP", "Chính phủ", "2018-04-23", None) == ("61-2018-nd-cp", True)
    assert instrument_key("397/KH-UBND", "UBND tỉnh Tiền Giang", "2021-12-31", "Tiền Giang") == (
        "tien-giang/2021/397-kh-ubnd", True)
    assert instrument_key("76/NQ-CP", "Chính phủ", "2021-07-15", "Tiền Giang") == ("chinh-phu/2021/76-nq-cp", True)
    assert instrument_key("09-NQ/TU", "Tỉnh ủy Tiền Giang", "2021-10-07", "Tiền Giang") == (
        "tinh-uy-tien-giang/2021/09-nq-tu", True)


def test_instrument_key_keeps_namesakes_apart() -> None:
    bnv = instrument_key("35/QĐ-BNV", "Bộ Nội vụ", "2024-01-22", "Tiền Giang")[0]
    ubnd = instrument_key("35/QĐ-UBND", "UBND tỉnh Tiền Giang", "2024-01-11", "Tiền Giang")[0]
    other_province = instrument_key("35/QĐ-UBND", "UBND tỉnh Bến Tre", "2024-01-11", "Bến Tre")[0]
    other_year = instrument_key("35/QĐ-UBND", "UBND tỉnh Tiền Giang", "2023-01-11", "Tiền Giang")[0]
    assert len({bnv, ubnd, other_province, other_year}) == 4
    assert instrument_key("10/NQ-CP", "Chính phủ", "2018-01-24", None)[0] != instrument_key(
        "10-KH/TW", "Bộ Chính trị", "2018-06-06", None)[0]
    # a provincial normative number repeats per province even though it carries a year
    assert instrument_key("15/2024/QĐ-UBND", "UBND tỉnh Tiền Giang", None, "Tiền Giang") == (
        "tien-giang/15-2024-qd-ubnd", True)


def test_instrument_key_marks_unknown_year_unresolved() -> None:
    key, resolved = instrument_key("271/KH-UBND", "UBND tỉnh Tiền Giang", None, "Tiền Giang")
    assert (key, resolved) == ("tien-giang/unknown/271-kh-ubnd", False)
    assert instrument_key("2703/QĐ- UBND", None, "2021-10-18", None)[1] is False


# --- analyst queries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "canonical"),
    [("76/NQ-CP", "76/NQ-CP"), ("76 NQ-CP", "76/NQ-CP"), ("76/nq-cp", "76/NQ-CP"), ("76 nq cp", "76/NQ-CP"),
     ("61/2018/ND-CP", "61/2018/NĐ-CP"), ("06/QD-TTG", "06/QĐ-TTg"), ("09-NQ/TU", "09-NQ/TU")],
)
def test_complete_queries_give_the_canonical_number(query: str, canonical: str) -> None:
    assert normalise_number_query(query) == canonical


@pytest.mark.parametrize(
    ("query", "matches", "misses"),
    [
        ("nq 76", ["76/NQ-CP", "76/2021/NQ-HĐND", "76-NQ/TW"], ["76/QĐ-TTg", "176/NQ-CP", "7/NQ-CP"]),
        ("nq-cp 76", ["76/NQ-CP"], ["76/NQ-HĐND", "76/QĐ-CP", "76-NQ/TU"]),
        ("76", ["76/NQ-CP", "76-NQ/TW", "76/2021/QĐ-UBND"], ["176/NQ-CP"]),
        ("qd ttg 6", ["6/QĐ-TTg"], ["06/QĐ-TTg", "6/QĐ-UBND"]),
    ],
)
def test_partial_queries_give_an_anchored_regex(query: str, matches: list[str], misses: list[str]) -> None:
    result = normalise_number_query(query)
    assert result.startswith("^")
    assert result == number_query_regex(query)
    rx = re.compile(result)
    assert all(rx.search(m) for m in matches), (result, matches)
    assert not any(rx.search(m) for m in misses), (result, misses)


def test_fold_keeps_length() -> None:
    s = "Qụyết định Đề án"
    assert len(fold(s)) == len(s)
    assert fold(s) == "quyet dinh de an"


def test_canonical_number_rejects_non_numbers() -> None:
    assert canonical_number("ngày 15/7/2021") is None
    assert canonical_number("") is None


@settings(max_examples=150, deadline=None)
@given(renderings())
def test_rendered_number_comes_back_as_one_citation(pair: tuple[str, str]) -> None:
    from pipelines.extract.citations import extract_citations

    canonical, rendered = pair
    text = f"- Tiếp tục thực hiện văn bản số {rendered} ngày 15 tháng 7\nnăm 2021 về cải cách hành chính."
    got = extract_citations(text, {"province": "Long An", "number": None})
    assert [c["number"] for c in got] == [canonical], rendered
    assert got[0]["date"] == "2021-07-15"
