"""Time frames: printed text kept, intervals only where the text gives dates."""

from __future__ import annotations

import pytest

from pipelines.extract.timeframes import due_of, leading_timeframe, parse_timeframe

DATED = [
    ("Tháng 01 năm 2022", "2022-01-01", "2022-01-31"),
    ("Quý I năm 2022", "2022-01-01", "2022-03-31"),
    ("Quý IV năm 2022", "2022-10-01", "2022-12-31"),
    ("Từ Quý II đến cuối năm 2022", "2022-04-01", "2022-12-31"),
    ("Từ Quý II năm 2022", "2022-04-01", None),
    ("Cuối năm 2025", None, "2025-12-31"),
    ("Cuối năm 2021", None, "2021-12-31"),
    ("Phấn đấu đến năm 2025", None, "2025-12-31"),
    ("Ngay từ đầu năm 2022", "2022-01-01", None),
    ("Năm 2022", "2022-01-01", "2022-12-31"),
    ("6 tháng đầu năm 2023", "2023-01-01", "2023-06-30"),
    ("Trước ngày 15/3/2022", None, "2022-03-15"),
    ("Giai đoạn 2021 - 2025", "2021-01-01", "2025-12-31"),
    # Two months or quarters, and two periods joined by a dash: from the first start to the last end.
    ("Tháng 3-4/2025", "2025-03-01", "2025-04-30"),
    ("tháng 3 và tháng 4 năm 2025", "2025-03-01", "2025-04-30"),
    ("Quý I, II/2025", "2025-01-01", "2025-06-30"),
    ("Quý II và Quý III năm 2025", "2025-04-01", "2025-09-30"),
    ("Quý II - III/2025", "2025-04-01", "2025-09-30"),
    ("Tháng 6/2025 - tháng 12/2025", "2025-06-01", "2025-12-31"),
    ("Tháng 12/2024 - tháng 02/2025", "2024-12-01", "2025-02-28"),
    ("Quý I/2025 - Quý II/2026", "2025-01-01", "2026-06-30"),
]


@pytest.mark.parametrize(("text", "start", "end"), DATED)
def test_dated_forms(text: str, start: str | None, end: str | None) -> None:
    tf = parse_timeframe(text)
    assert (tf["start"], tf["end"]) == (start, end)
    assert tf["text"] == text
    assert not tf["recurring"] and not tf["conditional"]


@pytest.mark.parametrize("text", ["Thường xuyên", "Định kỳ", "Hàng năm", "Hằng quý", "Thường xuyên/định kỳ",
                                  "Từng thời kỳ"])
def test_recurring_forms_get_no_date(text: str) -> None:
    tf = parse_timeframe(text)
    assert tf["recurring"] is True
    assert tf["start"] is None and tf["end"] is None


@pytest.mark.parametrize("text", ["Theo kế hoạch", "Theo yêu cầu của Bộ Nội vụ", "Theo quy định",
                                  "Khi có hướng dẫn của các Bộ, ngành Trung ương",
                                  "Sau khi Bộ Nội vụ ban hành hướng dẫn",
                                  "Theo kế hoạch 271/KH-UBND đã được phê duyệt"])
def test_conditional_forms_get_no_invented_date(text: str) -> None:
    tf = parse_timeframe(text)
    assert tf["conditional"] is True
    assert tf["start"] is None and tf["end"] is None


def test_default_year_fills_a_missing_year() -> None:
    assert parse_timeframe("Tháng 3", default_year=2024)["start"] == "2024-03-01"
    assert parse_timeframe("Tháng 3")["start"] is None


def test_line_wrapped_text_is_collapsed_and_empty_is_none() -> None:
    assert parse_timeframe("Tháng\n01 năm 2022")["text"] == "Tháng 01 năm 2022"
    assert parse_timeframe(None) == {"text": None, "start": None, "end": None, "recurring": False,
                                     "conditional": False}


def test_due_has_the_contract_keys() -> None:
    due = due_of("Quý I năm 2022")
    assert {"start", "end", "recurring"} <= set(due)
    assert due["end"] == "2022-03-31"


@pytest.mark.parametrize(("duty", "clause"), [
    ("Hàng năm, ban hành kế hoạch và tổ chức triển khai thực hiện", "Hàng năm"),
    ("Từng thời kỳ, phải có sơ kết, đánh giá rút kinh nghiệm", "Từng thời kỳ"),
    ("Sau khi Chính phủ ban hành Chương trình tổng thể CCHC giai đoạn 2021- 2030 chủ trì, phối hợp với các cơ quan",
     "Sau khi Chính phủ ban hành Chương trình tổng thể CCHC giai đoạn 2021- 2030"),
    ("Thường xuyên kiểm tra, giám sát tiến độ", None),
    ("Tham mưu UBND tỉnh ban hành kế hoạch hàng năm", None),
])
def test_leading_temporal_clause_of_a_duty(duty: str, clause: str | None) -> None:
    assert leading_timeframe(duty) == clause


def test_during_a_month_is_the_whole_month_and_repeats_get_no_year() -> None:
    tf = parse_timeframe("Trong tháng 01 năm 2022")
    assert (tf["start"], tf["end"]) == ("2022-01-01", "2022-01-31")
    tf = parse_timeframe("Tháng 01 và tháng 7 hằng năm", default_year=2024)
    assert tf["recurring"] and tf["start"] is None and tf["end"] is None
    assert parse_timeframe("Quý I/2024")["end"] == "2024-03-31"
    assert parse_timeframe("Hoàn thành trước 30/6/2024")["end"] == "2024-06-30"
