"""Unnumbered mentions: named instruments a plan relies on that carry no number.

Accuracy is measured on the five seeds against the gold ``unnumbered_mentions`` by ``name`` only.
Names are compared after NFC, whitespace collapse and case folding.  A produced name matches a gold
name when the two are equal, or when one contains the other and both have the same ``doc_type``
(the gold sometimes keeps a trailing clause such as "của các sở, ban, ngành tỉnh" that the extractor
ends before, or joins two plans named side by side into one entry).  Precision is the share of
produced names matching some gold name; recall the share of gold names matched by some produced one.
"""

from __future__ import annotations

import unicodedata

import pytest

from pipelines.extract.citations import extract_citations
from pipelines.extract.mentions import extract_unnumbered_mentions
from pipelines.extract.text import collapse

# Measured on the seeds on 2026-11-24: precision 1.000 (17 produced), recall 1.000 (17 gold);
# floors are the measured figures rounded down to 0.05.
PRECISION_FLOOR = 1.0
RECALL_FLOOR = 1.0


def _norm(name: str) -> str:
    return collapse(unicodedata.normalize("NFC", name)).casefold()


def _matches(produced: dict, gold: dict) -> bool:
    p, g = _norm(produced["name"]), _norm(gold["name"])
    if p == g:
        return True
    return produced["doc_type"] == gold["doc_type"] and (p in g or g in p)


def _precision_recall(gold_records: list[dict], seed_records: list[dict]) -> tuple[float, float, int, int]:
    by_source = {r["source"]: r for r in seed_records}
    tp_p = n_p = tp_g = n_g = 0
    for gold in gold_records:
        record = by_source[gold["source"]]
        produced = record["unnumbered_mentions"]
        expected = gold.get("unnumbered_mentions") or []
        n_p += len(produced)
        n_g += len(expected)
        tp_p += sum(any(_matches(p, g) for g in expected) for p in produced)
        tp_g += sum(any(_matches(p, g) for p in produced) for g in expected)
    return (tp_p / n_p if n_p else 1.0), (tp_g / n_g if n_g else 1.0), n_p, n_g


def test_gold_sources_line_up(gold_records: list[dict], seed_records: list[dict]) -> None:
    assert {g["source"] for g in gold_records} <= {r["source"] for r in seed_records}


def test_names_hold_their_precision_and_recall_floors(gold_records: list[dict], seed_records: list[dict]) -> None:
    """Name precision and recall on the seeds (equal names, or one containing the other with the same
    doc_type, after NFC + whitespace collapse + case folding).  ``pytest -s`` prints the figures."""
    precision, recall, n_p, n_g = _precision_recall(gold_records, seed_records)
    print(f"unnumbered_mentions names: precision {precision:.3f} ({n_p} produced), recall {recall:.3f} ({n_g} gold)")
    assert n_p and n_g
    assert precision >= PRECISION_FLOOR, (precision, n_p)
    assert recall >= RECALL_FLOOR, (recall, n_g)


def test_spans_point_at_the_first_mention(seed_records: list[dict]) -> None:
    from pathlib import Path

    from pipelines.ingest.source import read_source

    raw = Path(__file__).resolve().parent.parent / "data" / "raw"
    for record in seed_records:
        text = unicodedata.normalize("NFC", read_source(raw / record["source"]).text)
        names = [_norm(m["name"]) for m in record["unnumbered_mentions"]]
        assert len(names) == len(set(names)), record["source"]
        starts = [m["start"] for m in record["unnumbered_mentions"]]
        assert starts == sorted(starts)
        for m in record["unnumbered_mentions"]:
            assert collapse(text[m["start"] : m["end"]]) == m["first_mention"]
            assert unicodedata.is_normalized("NFC", m["name"])
            assert set(m) == {"name", "doc_type", "issuer", "first_mention", "start", "end", "related_numbers"}


# --- rules on short invented sentences ----------------------------------------------------------

DOC = {
    "number": "12/KH-UBND",
    "doc_type": "Kế hoạch",
    "issuer": "UBND tỉnh Bình Định",
    "province": "Bình Định",
    "date": "2024-01-10",
    "title": "Kế hoạch cải cách hành chính năm 2024 trên địa bàn tỉnh Bình Định",
}


def _mentions(text: str, document: dict = DOC) -> list[dict]:
    return extract_unnumbered_mentions(text, document, extract_citations(text, document))


def test_a_numbered_instrument_is_not_a_mention() -> None:
    assert _mentions("Tiếp tục thực hiện Luật Đất đai số 45/2013/QH13 ngày 29/11/2013 của Quốc hội.") == []
    assert _mentions("Thực hiện Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về cơ chế một cửa.") == []
    assert _mentions("Các sở triển khai Đề án 06 trên địa bàn tỉnh.") == []


def test_a_law_gets_quoc_hoi_and_its_name_ends_before_the_clause() -> None:
    found = _mentions("Kinh phí bảo đảm theo quy định của Luật Ngân sách nhà nước và các văn bản hướng dẫn.")
    assert [(m["name"], m["doc_type"], m["issuer"], m["related_numbers"]) for m in found] == [
        ("Luật Ngân sách nhà nước", "Luật", "Quốc hội", []),
    ]


def test_two_laws_side_by_side_are_two_mentions() -> None:
    found = _mentions("Các cơ quan thực hiện theo quy định của Luật Cán bộ, công chức và Luật Viên chức.")
    assert [m["name"] for m in found] == ["Luật Cán bộ, công chức", "Luật Viên chức"]


def test_related_numbers_come_from_the_same_sentence() -> None:
    text = (
        "Các sở triển khai Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030 "
        "ban hành kèm theo Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ. "
        "Các huyện tổ chức thực hiện Đề án chuyển đổi số tỉnh Bình Định giai đoạn 2021 - 2025 trên địa bàn tỉnh."
    )
    found = {m["doc_type"]: m for m in _mentions(text)}
    assert found["Chương trình"]["related_numbers"] == ["76/NQ-CP"]
    assert found["Đề án"]["name"] == "Đề án chuyển đổi số tỉnh Bình Định giai đoạn 2021 - 2025"
    assert found["Đề án"]["related_numbers"] == []  # 76/NQ-CP is in another sentence


def test_a_printed_issuer_is_kept() -> None:
    found = _mentions(
        "Sau khi Chính phủ ban hành Chương trình tổng thể cải cách hành chính giai đoạn 2021 - 2030, "
        "Sở Nội vụ tham mưu triển khai."
    )
    assert [(m["name"], m["issuer"]) for m in found] == [
        ("Chương trình tổng thể cải cách hành chính giai đoạn 2021 - 2030", "Chính phủ"),
    ]


def test_what_a_citation_promulgates_is_folded_into_it() -> None:
    text = (
        "Thực hiện Chiến lược phát triển Chính phủ điện tử giai đoạn 2021 - 2025 được ban hành tại "
        "Quyết định số 942/QĐ-TTg ngày 15/6/2021 của Thủ tướng Chính phủ."
    )
    citations = extract_citations(text, DOC)
    assert [c["number"] for c in citations] == ["942/QĐ-TTg"]
    assert extract_unnumbered_mentions(text, DOC, citations) == []


@pytest.mark.parametrize(
    "text",
    [
        "Sở Nội vụ xây dựng Kế hoạch kiểm tra cải cách hành chính năm 2024.",  # drafted by the plan
        "Các sở tổ chức thực hiện Kế hoạch cải cách hành chính năm 2024 của tỉnh.",  # the plan itself
        "Sở Kế hoạch và Đầu tư chủ trì, phối hợp thực hiện.",  # an agency
        "Các đơn vị triển khai Đề án này và kế hoạch năm 2024.",  # a back-reference, a common noun
        "Tổng thu ngân sách theo Kế hoạch năm 2024 đạt 105%.",  # nothing but a year
        "Các đơn vị triển khai các Đề án, dự án của Bộ, ngành Trung ương.",  # generic
    ],
)
def test_not_a_mention(text: str) -> None:
    assert _mentions(text) == []


def test_repeated_name_is_kept_once_at_its_first_mention() -> None:
    text = "Thực hiện theo Luật Ngân sách nhà nước. Kinh phí bố trí theo Luật Ngân sách nhà nước."
    found = _mentions(text)
    assert len(found) == 1
    assert found[0]["start"] == text.index("Luật")


def test_a_standard_with_its_designation_once_across_versions() -> None:
    text = (
        "Duy trì hệ thống quản lý chất lượng theo tiêu chuẩn ISO 9001 tại các sở. "
        "Mở rộng áp dụng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015 tại cấp xã."
    )
    found = _mentions(text)
    assert [(m["name"], m["doc_type"]) for m in found] == [("tiêu chuẩn ISO 9001", "Tiêu chuẩn")]


def test_laws_named_in_an_amending_law_are_mentions() -> None:
    text = (
        "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền "
        "địa phương ngày 22 tháng 11 năm 2019;"
    )
    assert [(m["name"], m["issuer"]) for m in _mentions(text)] == [
        ("Luật Tổ chức Chính phủ", "Quốc hội"),
        ("Luật Tổ chức chính quyền địa phương", "Quốc hội"),
    ]


def test_laws_listed_clause_by_clause_in_the_legal_basis() -> None:
    """Each law of "Căn cứ Luật A; Luật B; Bộ luật C" opens its own clause and is a mention."""
    text = ("Căn cứ Luật Cán bộ, công chức ngày 13 tháng 11 năm 2008;\nLuật Viên chức ngày 15 tháng 11 năm 2010;\n"
            "Bộ luật Lao động năm 2019;\n")
    names = [m["name"] for m in extract_unnumbered_mentions(text, {}, [])]
    assert names == ["Luật Cán bộ, công chức", "Luật Viên chức", "Bộ luật Lao động năm 2019"]
