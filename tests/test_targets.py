"""Targets: chỉ tiêu / mục tiêu cụ thể lists and target tables, with values and years."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.extract.targets import extract_targets, target_values, target_years

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "gold"
RAW = ROOT / "data" / "raw"


@pytest.mark.parametrize("stem", ["000_8b11740c270d85e3", "001_51ac76e7e232a3ae", "002_3714a13f6a7c5234"])
def test_plan_targets_match_gold(stem: str) -> None:
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    text = (RAW / gold["source"]).read_text(encoding="utf-8")
    got = extract_targets(text, gold["document"])
    assert [(t["index"], t["text"], t["values"]) for t in got] == [
        (g["index"], g["text"], g["values"]) for g in gold["targets"]]


def test_table_targets_carry_deadline_and_year() -> None:
    text = (RAW / "001_51ac76e7e232a3ae.txt").read_text(encoding="utf-8")
    first = extract_targets(text, {"date": "2021-03-19"})[0]
    assert first["deadline"] == "Cuối năm 2021" and first["years"] == [2021]
    assert first["section"].startswith("Phụ lục: Danh mục một số mục tiêu cụ thể")


def test_values_are_normalised_and_kept_in_order() -> None:
    assert target_values("100 % TTHC; tối thiểu 50%, 40%, 35% và 50%; top 20 cả nước") == [
        "100%", "50%", "40%", "35%", "50%", "top 20"]
    assert target_values("tăng 2,5% so với năm 2021") == ["2,5%"]
    assert target_years("Phấn đấu đến năm 2025, giai đoạn 2021 - 2030") == [2025, 2021, 2030]


def test_general_aim_is_not_a_target() -> None:
    text = "1. Mục tiêu\na) Mục tiêu chung:\n- Nâng cao 100% nhận thức.\nb) Mục tiêu cụ thể:\n- Đạt 90% hài lòng.\n"
    got = extract_targets(text, {})
    assert [(t["section"], t["index"], t["values"]) for t in got] == [("b) Mục tiêu cụ thể", "b-1", ["90%"])]


def test_news_page_without_target_sections_has_none() -> None:
    assert extract_targets((RAW / "004_73fa6a4ca7d894cc.txt").read_text(encoding="utf-8"), {}) == []
