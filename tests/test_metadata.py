"""Document metadata: seeds against gold, layout variants, casing, robustness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.extract.citations import extract_citations
from pipelines.extract.metadata import extract_metadata, sentence_case
from pipelines.ingest.source import read_source

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"
FIELDS = ("number", "doc_type", "issuer", "province", "date", "title", "signer")


@pytest.mark.parametrize("gold_path", sorted(GOLD.glob("*.json")), ids=lambda p: p.stem[:3])
def test_seed_metadata_matches_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    doc = extract_metadata(read_source(RAW / gold["source"]).text)
    for field in FIELDS:
        assert doc[field] == gold["document"][field], field


def test_seed_extras_signer_role_and_self_aliases() -> None:
    doc = extract_metadata(read_source(RAW / "000_8b11740c270d85e3.txt").text)
    assert doc["signer_role"] == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert doc["aliases"] == ["Kế hoạch CCHC 2022", "Kế hoạch CCHC năm 2022"]


LETTER = """BỘ NỘI VỤ
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 35/QĐ- BNV
Hà Nội, ngày 22/01/2024
QUYẾT ĐỊNH
BAN HÀNH KẾ HOẠCH THÔNG TIN, TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH NĂM 2024
Căn cứ Nghị định số 63/2022/NĐ-CP của Chính phủ; xét đề nghị của Vụ trưởng Vụ Cải cách hành chính,
Bộ trưởng Bộ Nội vụ ban hành Kế hoạch thông tin, tuyên truyền cải cách hành chính năm 2024.
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.
KT. BỘ TRƯỞNG
THỨ TRƯỞNG
Nguyễn Trọng Thừa
"""


def test_ministry_letterhead_numeric_date_and_signature() -> None:
    doc = extract_metadata(LETTER)
    assert doc["number"] == "35/QĐ-BNV"
    assert doc["doc_type"] == "Quyết định"
    assert doc["issuer"] == "Bộ Nội vụ"
    assert doc["province"] is None
    assert doc["date"] == "2024-01-22"
    assert doc["title"] == "Quyết định ban hành Kế hoạch thông tin, tuyên truyền cải cách hành chính năm 2024"
    assert doc["signer"] == "Nguyễn Trọng Thừa"
    assert doc["signer_role"] == "KT. BỘ TRƯỞNG / THỨ TRƯỞNG"


def test_city_letterhead_gives_city_level() -> None:
    text = ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ CẦN THƠ\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Số: 12/KH-UBND\nCần Thơ, ngày 5 tháng 1 năm 2023\nKẾ HOẠCH\nPHÁT TRIỂN THÀNH PHỐ CẦN THƠ\n"
            "Ủy ban nhân dân thành phố Cần Thơ ban hành kế hoạch.")
    doc = extract_metadata(text)
    assert (doc["issuer"], doc["province"], doc["date"]) == ("UBND thành phố Cần Thơ", "Cần Thơ", "2023-01-05")
    assert doc["title"] == "Kế hoạch phát triển thành phố Cần Thơ"


def _local_plan(letterhead: str, place: str, body: str) -> str:
    return (f"{letterhead}\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            f"Số: 88/KH-UBND\n{place}, ngày 05 tháng 4 năm 2023\nKẾ HOẠCH\nCẢI CÁCH HÀNH CHÍNH NĂM 2023\n{body}")


@pytest.mark.parametrize(("letterhead", "issuer"), [
    ("ỦY BAN NHÂN DÂN\nHUYỆN CAM LỘ", "UBND huyện Cam Lộ"),
    ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÔNG HÀ", "UBND thành phố Đông Hà"),  # a provincial city
    ("ỦY BAN NHÂN DÂN\nXÃ CAM THÀNH", "UBND xã Cam Thành"),
])
def test_a_body_below_the_province_takes_the_province_its_text_names(letterhead: str, issuer: str) -> None:
    body = ("Thực hiện Công văn số 1234/UBND-NC ngày 20/3/2023 của UBND tỉnh Quảng Trị về cải cách hành chính;\n"
            "I. MỤC ĐÍCH\n")
    doc = extract_metadata(_local_plan(letterhead, "Quảng Trị", body))
    assert (doc["issuer"], doc["province"], doc.get("province_inferred")) == (issuer, "Quảng Trị", True)


def test_a_body_below_the_province_with_no_province_in_its_text_has_none() -> None:
    doc = extract_metadata(_local_plan("ỦY BAN NHÂN DÂN\nHUYỆN CAM LỘ", "Cam Lộ", "I. MỤC ĐÍCH\n"))
    assert doc["province"] is None and "province_inferred" not in doc


def test_a_province_letterhead_is_not_inferred() -> None:
    text = _local_plan("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ", "Quảng Trị", "Căn cứ Quyết định của UBND tỉnh Bến Tre;\n")
    doc = extract_metadata(text)
    assert doc["province"] == "Quảng Trị" and "province_inferred" not in doc


def test_sentence_case_takes_capitals_from_the_body() -> None:
    body = ("Ủy ban nhân dân tỉnh Long An triển khai Nghị quyết của Chính phủ về cải cách hành chính; "
            "Sở Nội vụ tổng hợp.")
    heading = "KẾ HOẠCH THỰC HIỆN NGHỊ QUYẾT CỦA CHÍNH PHỦ VỀ CẢI CÁCH HÀNH CHÍNH TỈNH LONG AN"
    assert sentence_case(heading, body) == (
        "Kế hoạch thực hiện Nghị quyết của Chính phủ về cải cách hành chính tỉnh Long An")


def test_news_page_without_number_or_heading() -> None:
    text = ("Trang chủ\nChi tiết tin\n\nLong An: Sơ kết công tác cải cách hành chính 6 tháng đầu năm 2023\n"
            "15/07/2023 - Lượt xem: 12\n\nSáng ngày 14/7, UBND tỉnh Long An tổ chức hội nghị. "
            "Các sở của tỉnh Long An tham dự.\n")
    doc = extract_metadata(text)
    assert doc["doc_type"] == "Tin tức"
    assert doc["number"] is None and doc["signer"] is None
    assert doc["date"] == "2023-07-15"
    assert doc["title"] == "Long An: Sơ kết công tác cải cách hành chính 6 tháng đầu năm 2023"
    assert doc["province"] == "Long An"
    assert doc["issuer"] == "Cổng Thông tin điện tử tỉnh Long An" and doc["issuer_inferred"] is True


def test_database_header_fills_what_the_body_lacks() -> None:
    text = ("Quyết định 15/2024/QĐ-UBND năm 2024\n\nSố hiệu 15/2024/QĐ-UBND\nNgày ban hành 02/04/2024\n"
            "Loại văn bản Quyết định\nCơ quan ban hành Tỉnh Bến Tre\nNgười ký Trần Ngọc Tam\n\n"
            "Nội dung đang cập nhật [...]")
    doc = extract_metadata(text)
    assert doc["number"] == "15/2024/QĐ-UBND"
    assert doc["date"] == "2024-04-02"
    assert doc["doc_type"] == "Quyết định"
    assert doc["issuer"] == "UBND tỉnh Bến Tre" and doc["province"] == "Bến Tre"
    assert doc["signer"] == "Trần Ngọc Tam"


def test_empty_like_text_gives_all_none() -> None:
    doc = extract_metadata("xin chào")
    assert all(doc[f] is None for f in FIELDS)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_metadata_never_raises(text: str) -> None:
    doc = extract_metadata(text)
    assert set(FIELDS) <= set(doc)


DECISION = """ỦY BAN NHÂN DÂN
TỈNH LONG AN
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 1234/QĐ-UBND
Long An, ngày 02 tháng 3 năm 2023
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch cải cách hành chính
năm 2023 của tỉnh Long An
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LONG AN
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính năm 2023 của tỉnh Long An.
"""


def test_decision_subject_line_in_mixed_case_and_authority_line_excluded() -> None:
    doc = extract_metadata(DECISION)
    assert doc["title"] == "Quyết định về việc ban hành Kế hoạch cải cách hành chính năm 2023 của tỉnh Long An"
    assert (doc["number"], doc["doc_type"], doc["issuer"]) == ("1234/QĐ-UBND", "Quyết định", "UBND tỉnh Long An")


def test_department_under_the_provincial_committee() -> None:
    text = ("UBND TỈNH TIỀN GIANG\nSỞ NỘI VỤ\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 45/KH-SNV\n"
            "Tiền Giang, ngày 10 tháng 2 năm 2022\nKẾ HOẠCH\nKIỂM TRA CÔNG TÁC NĂM 2022\n"
            "Sở Nội vụ ban hành kế hoạch kiểm tra công tác năm 2022.")
    doc = extract_metadata(text)
    assert doc["issuer"] == "Sở Nội vụ tỉnh Tiền Giang"
    assert doc["province"] == "Tiền Giang"


def test_district_committee() -> None:
    text = ("ỦY BAN NHÂN DÂN\nHUYỆN CHÂU THÀNH\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 88/KH-UBND\n"
            "Châu Thành, ngày 3 tháng 4 năm 2022\nKẾ HOẠCH\nCẢI CÁCH HÀNH CHÍNH\nThực hiện chỉ đạo của UBND tỉnh.")
    doc = extract_metadata(text)
    assert doc["issuer"] == "UBND huyện Châu Thành"
    assert doc["date"] == "2022-04-03"


def test_party_letterhead_and_number_without_colon() -> None:
    text = ("ĐẢNG BỘ TỈNH BẾN TRE\nTỈNH ỦY\n*\nĐẢNG CỘNG SẢN VIỆT NAM\nSố 01-ĐA/TU\n"
            "Bến Tre, ngày 29 tháng 12 năm 2020\nĐỀ ÁN\nCẢI CÁCH HÀNH CHÍNH GIAI ĐOẠN 2020 - 2025\n"
            "Tỉnh ủy Bến Tre ban hành đề án về cải cách hành chính.\nT/M BAN THƯỜNG VỤ\nBÍ THƯ\nLê Đức Thọ\n")
    doc = extract_metadata(text)
    assert doc["number"] == "01-ĐA/TU"
    assert doc["doc_type"] == "Đề án"
    assert (doc["issuer"], doc["province"]) == ("Tỉnh ủy Bến Tre", "Bến Tre")
    assert doc["date"] == "2020-12-29"
    assert doc["title"] == "Đề án cải cách hành chính giai đoạn 2020 - 2025"
    assert doc["signer"] == "Lê Đức Thọ"


def test_database_page_title_when_the_heading_is_missing() -> None:
    text = ("Kế hoạch 12/KH-UBND năm 2023 về cải cách hành chính tỉnh Long An\n\nSố hiệu 12/KH-UBND\n"
            "Ngày ban hành 05/01/2023\nLoại văn bản Kế hoạch\nCơ quan ban hành Tỉnh Long An\n\n[...]")
    doc = extract_metadata(text)
    assert doc["title"] == "Kế hoạch 12/KH-UBND năm 2023 về cải cách hành chính tỉnh Long An"
    assert doc["issuer"] == "UBND tỉnh Long An"


def test_mixed_case_heading() -> None:
    text = ("ỦY BAN NHÂN DÂN\nTỈNH LONG AN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 12/KH-UBND\n"
            "Long An, ngày 5 tháng 1 năm 2023\nKế hoạch cải cách hành chính\nnăm 2023 của tỉnh Long An\n"
            "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ.\n")
    assert extract_metadata(text)["title"] == "Kế hoạch cải cách hành chính năm 2023 của tỉnh Long An"


def test_official_letter_subject_line() -> None:
    text = ("ỦY BAN NHÂN DÂN\nTỈNH LONG AN\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 1520/UBND-KSTT\n"
            "V/v triển khai thực hiện Chỉ thị số\n27/CT-TTg của Thủ tướng Chính phủ\n"
            "Long An, ngày 3 tháng 11 năm 2023\nKính gửi: Các sở, ban, ngành tỉnh.\n"
            "Thực hiện Chỉ thị số 27/CT-TTg ngày 27/10/2023 của Thủ tướng Chính phủ, UBND tỉnh đề nghị.\n")
    doc = extract_metadata(text)
    assert doc["doc_type"] == "Công văn"
    assert doc["title"] == "Công văn về việc triển khai thực hiện Chỉ thị số 27/CT-TTg của Thủ tướng Chính phủ"
    assert doc["date"] == "2023-11-03"


def test_caps_heading_with_a_mixed_case_issuer_code_is_one_title() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH ĐỒNG THÁP\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n---------------\nSố: 215/KH-UBND\n"
        "Đồng Tháp, ngày 05 tháng 8 năm 2023\n\nKẾ HOẠCH\n"
        "TRIỂN KHAI THỰC HIỆN CHỈ THỊ SỐ 23/CT-TTg NGÀY 26/12/2022 CỦA THỦ TƯỚNG CHÍNH PHỦ\n\n"
        "Thực hiện Chỉ thị số 23/CT-TTg ngày 26/12/2022 của Thủ tướng Chính phủ về đẩy mạnh chuyển đổi số,\n"
    )
    meta = extract_metadata(text)
    assert meta["title"] == (
        "Kế hoạch triển khai thực hiện Chỉ thị số 23/CT-TTg ngày 26/12/2022 của Thủ tướng Chính phủ"
    )
    relations = {c["number"]: c["relation"] for c in extract_citations(text, meta)}
    assert relations == {"23/CT-TTg": "implements"}


def _under_bare_heading(lines: str) -> str:
    """A provincial plan whose heading is "KẾ HOẠCH" alone, ``lines`` right under it, then its body."""
    return ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            f"Số: 88/KH-UBND\nQuảng Trị, ngày 05 tháng 4 năm 2023\nKẾ HOẠCH\n{lines}"
            "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;\n")


@pytest.mark.parametrize(("subject", "title"), [
    ("Cải cách hành chính huyện Cam Lộ năm 2023", "Kế hoạch cải cách hành chính huyện Cam Lộ năm 2023"),
    ("Hà Nội xanh năm 2024", "Kế hoạch Hà Nội xanh năm 2024"),
    ("UBND huyện thực hiện Đề án 06", "Kế hoạch UBND huyện thực hiện Đề án 06"),
])
def test_a_mixed_case_subject_under_a_bare_type_heading_is_the_title(subject: str, title: str) -> None:
    assert extract_metadata(_under_bare_heading(f"{subject}\n\n"))["title"] == title


def test_the_body_under_a_bare_type_heading_is_not_the_title() -> None:
    assert extract_metadata(_under_bare_heading(""))["title"] == "Kế hoạch"


def test_a_heading_the_body_does_not_case_keeps_registry_names() -> None:
    """A page cut before the body: type names before their numbers and national bodies keep their
    registry spelling, other words go to lower case."""
    heading = "KẾ HOẠCH THỰC HIỆN CHỈ THỊ SỐ 19/CT-TTG NGÀY 16 THÁNG 7 NĂM 2021 CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ THI ĐUA"
    assert sentence_case(heading, "") == (
        "Kế hoạch thực hiện Chỉ thị số 19/CT-TTg ngày 16 tháng 7 năm 2021 của Thủ tướng Chính phủ về thi đua")
    # A type name with no number after it is an ordinary word of the subject.
    assert sentence_case("KẾ HOẠCH XÂY DỰNG KẾ HOẠCH NĂM 2025", "") == "Kế hoạch xây dựng kế hoạch năm 2025"


def test_a_province_name_keeps_its_spelling_whatever_the_body_prints() -> None:
    # The body prints "định" in lower case ("quyết định") and never "Bình Định" after the heading.
    assert sentence_case("KẾ HOẠCH CHUYỂN ĐỔI SỐ TỈNH BÌNH ĐỊNH NĂM 2024", "Căn cứ quyết định của tỉnh.") == (
        "Kế hoạch chuyển đổi số tỉnh Bình Định năm 2024")
