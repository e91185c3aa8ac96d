"""Tasks on the seeds against the gold (floors from issue 4) and prose-duty structures."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

from pipelines.extract.responsibilities import extract_responsibilities, subject_of
from pipelines.extract.tasks import extract_tasks, tasks_csv_rows

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "gold"
RAW = ROOT / "data" / "raw"


def _norm(s) -> str:
    return re.sub(r"\s+", " ", str(s or "")).strip().casefold()


def _match(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    """Greedy one-to-one pairing by content similarity >= 0.85 (as the contract's scorer does)."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            s = difflib.SequenceMatcher(None, _norm(g["content"]), _norm(p["content"]), autojunk=False).ratio()
            if s >= 0.85:
                pairs.append((s, gi, pi))
    used_g, used_p, out = set(), set(), []
    for _, gi, pi in sorted(pairs, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gold[gi], pred[pi]))
    return out


@pytest.fixture(scope="module")
def scored() -> dict:
    tp = fp = fn = lead = coord = time = 0
    for gf in sorted(GOLD.glob("*.json")):
        gold = json.loads(gf.read_text(encoding="utf-8"))
        text = (RAW / gold["source"]).read_text(encoding="utf-8")
        doc = {"province": None, "date": gold["document"].get("date")}
        pred = extract_tasks(text, doc)
        m = _match(gold["tasks"], pred)
        tp, fp, fn = tp + len(m), fp + len(pred) - len(m), fn + len(gold["tasks"]) - len(m)
        for g, p in m:
            lead += {_norm(x) for x in g["lead"]} == {_norm(x) for x in p["lead"]}
            coord += {_norm(x) for x in g["coordinators"]} == {_norm(x) for x in p["coordinators"]}
            time += _norm(g["timeframe"]) == _norm(p["timeframe"])
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"f1": 2 * precision * recall / max(precision + recall, 1e-9), "lead": lead / max(tp, 1),
            "coord": coord / max(tp, 1), "time": time / max(tp, 1)}


def test_task_f1_floor(scored: dict) -> None:
    assert scored["f1"] >= 0.98


def test_lead_accuracy_floor(scored: dict) -> None:
    assert scored["lead"] >= 0.95


def test_coordinator_accuracy_floor(scored: dict) -> None:
    assert scored["coord"] >= 0.90


def test_timeframe_accuracy_floor(scored: dict) -> None:
    assert scored["time"] >= 0.95


def test_task_shape_and_seq() -> None:
    text = (RAW / "000_8b11740c270d85e3.txt").read_text(encoding="utf-8")
    tasks = extract_tasks(text, {"province": None, "date": "2021-12-31"})
    assert [t["seq"] for t in tasks] == list(range(1, len(tasks) + 1))
    row = tasks[0]
    assert row["kind"] == "appendix_row" and row["section"].startswith("I. ")
    assert {"start", "end", "recurring"} <= set(row["due"])
    # Appendix VII prints two rows numbered "3": both kept.
    assert [t["index"] for t in tasks if t["section"].startswith("VII.")].count("3") == 2
    csv_rows = tasks_csv_rows({"source": "000.txt", "document": {"number": "397/KH-UBND"}, "tasks": tasks})
    assert csv_rows[0]["plan"] == "397/KH-UBND" and csv_rows[0]["end"] == "2022-01-31"


PLAN = """ỦY BAN NHÂN DÂN
TỈNH AN GIANG
I. MỤC ĐÍCH, YÊU CẦU
1. Sở Nội vụ chuẩn bị nội dung hội nghị.
II. TỔ CHỨC THỰC HIỆN
1. Các sở, ban, ngành tỉnh, Ủy ban nhân dân các huyện, thị xã, thành phố
a) Xây dựng kế hoạch của cơ quan, đơn vị mình.
b) Hàng năm, báo cáo kết quả thực hiện gửi về Sở Nội vụ để tổng hợp.
2. Trách nhiệm của Sở Tài chính
- Bố trí kinh phí thực hiện Kế hoạch.
- Chủ trì, phối hợp với Sở Kế hoạch và Đầu tư thẩm định dự toán.
3. Công an tỉnh
Chủ trì tuyên truyền về Đề án 06 trên địa bàn tỉnh.
4. Giao Sở Thông tin và Truyền thông hướng dẫn các cơ quan triển khai chữ ký số.
5. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh
Phối hợp với các cơ quan hành chính nhà nước tuyên truyền về cải cách hành chính.
Trên đây là Kế hoạch của Ủy ban nhân dân tỉnh.
"""


def test_per_agency_headings_and_assignment_sentences() -> None:
    duties = extract_responsibilities(PLAN)
    got = [(d["index"], d["lead"], d["coordinators"], d["timeframe"]) for d in duties]
    assert got == [
        ("a", ["Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thị xã, thành phố"], [], None),
        ("b", ["Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thị xã, thành phố"], [], "Hàng năm"),
        ("2-1", ["Sở Tài chính"], [], None),
        ("2-2", ["Sở Tài chính"], ["Sở Kế hoạch và Đầu tư"], None),
        ("3", ["Công an tỉnh"], [], None),
        ("4", ["Sở Thông tin và Truyền thông"], [], None),
        ("5", ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "các tổ chức chính trị - xã hội tỉnh"],
         ["các cơ quan hành chính nhà nước"], None),
    ]
    assert all(d["kind"] == "responsibility" and d["approver"] is None for d in duties)
    # Only duty sections are read: "I. Mục đích" names Sở Nội vụ but assigns nothing.
    assert duties[0]["section"].startswith("II. Tổ chức thực hiện / 1. ")


def test_duties_in_an_appendix_table_are_not_repeated_from_prose() -> None:
    plan = PLAN.replace("I. MỤC ĐÍCH, YÊU CẦU", "I. NỘI DUNG\nCác nhiệm vụ cụ thể tại Phụ lục kèm theo.\nII. MỤC TIÊU")
    assert extract_tasks(plan, {}) == []
    assert len(extract_tasks(PLAN, {})) == 7


def test_subject_of_a_duty_sentence() -> None:
    assert subject_of("Căn cứ Kế hoạch này, các sở, ban, ngành tỉnh; UBND các huyện, thành phố tổ chức triển khai.") \
        == ["các sở, ban, ngành tỉnh", "UBND các huyện, thành phố"]
    assert subject_of("Từng thời kỳ, phải có sơ kết, đánh giá rút kinh nghiệm.") == []
    assert subject_of("Báo cáo kết quả thực hiện về Sở Nội vụ.") == []


UNWRAPPED = """I. NHIỆM VỤ
1. Tăng cường công tác tuyên truyền về cải cách hành chính trên địa bàn tỉnh.
2. Giao Sở Tư pháp chủ trì, phối hợp với các cơ quan có liên quan rà soát văn bản quy phạm pháp luật.
3. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh giám sát việc thực hiện.
II. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ
a) Theo dõi, đôn đốc việc thực hiện Kế hoạch này.
b) Định kỳ hàng quý, tổng hợp báo cáo Ủy ban nhân dân tỉnh.
2. Văn phòng Ủy ban nhân dân tỉnh theo dõi, kiểm tra việc thực hiện.
Trên đây là Kế hoạch của Ủy ban nhân dân tỉnh.
"""


def test_text_with_one_paragraph_per_line_and_assignments_elsewhere() -> None:
    # How DOCX/HTML ingestion renders prose: no hard wraps, every line a paragraph.
    duties = extract_responsibilities(UNWRAPPED, default_year=2024)
    got = [(d["section"].split(" / ")[0], d["index"], d["lead"], d["coordinators"], d["timeframe"])
           for d in duties]
    assert got == [
        ("I. Nhiệm vụ", "2", ["Sở Tư pháp"], ["các cơ quan có liên quan"], None),
        ("I. Nhiệm vụ", "3", ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"], [], None),
        ("II. Tổ chức thực hiện", "a", ["Sở Nội vụ"], [], None),
        ("II. Tổ chức thực hiện", "b", ["Sở Nội vụ"], [], "Định kỳ hàng quý"),
        ("II. Tổ chức thực hiện", "2", ["Văn phòng Ủy ban nhân dân tỉnh"], [], None),
    ]
    assert duties[3]["due"]["recurring"] is True


def test_write_tasks_csv(tmp_path) -> None:
    import csv

    text = (RAW / "001_51ac76e7e232a3ae.txt").read_text(encoding="utf-8")
    record = {"source": "001.txt", "document": {"number": "1365/KH-UBND"},
              "tasks": extract_tasks(text, {"date": "2021-03-19"})}
    from pipelines.extract.tasks import write_tasks_csv

    out = tmp_path / "outputs" / "tasks.csv"
    assert write_tasks_csv([record], out) == 50
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[-1]["lead"] == "Sở TT&TT; VP.UBND tỉnh" and rows[-1]["end"] == "2025-12-31"
    assert rows[0]["plan"] == "1365/KH-UBND" and list(tmp_path.glob("outputs/.*tmp")) == []


def test_prose_after_an_inline_table_is_still_read() -> None:
    table = ("| STT | Nội dung | Cơ quan chủ trì | Thời gian |\n"
             "| 1 | Rà soát văn bản | Sở Tư pháp | Quý I năm 2024 |\n")
    plan = "II. NỘI DUNG\nCác mục tiêu tại bảng sau:\n" + table + UNWRAPPED.split("II. TỔ CHỨC", 1)[0].replace(
        "I. NHIỆM VỤ", "III. NHIỆM VỤ") + "IV. TỔ CHỨC" + UNWRAPPED.split("II. TỔ CHỨC", 1)[1]
    tasks = extract_tasks(plan, {"date": "2024-01-05"})
    assert tasks[0]["kind"] == "appendix_row" and tasks[0]["due"]["end"] == "2024-03-31"
    assert [t["lead"][0] for t in tasks[1:]] == [
        "Sở Tư pháp", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Sở Nội vụ", "Sở Nội vụ",
        "Văn phòng Ủy ban nhân dân tỉnh"]


def test_another_instruments_appendix_does_not_hide_prose_duties() -> None:
    plan = "I. MỤC ĐÍCH\nThực hiện các nhiệm vụ được giao tại Phụ lục kèm theo Quyết định số 06/QĐ-TTg.\n" + PLAN
    assert len(extract_tasks(plan, {})) == 7


def test_a_sentence_ending_in_a_colon_introduces_the_duties_below() -> None:
    plan = ("IV. TỔ CHỨC THỰC HIỆN\n1. Sở Nội vụ có trách nhiệm:\n- Theo dõi việc thực hiện.\n"
            "- Tổng hợp báo cáo.\n2. Giao Sở Tài chính thực hiện các nhiệm vụ sau:\na) Bố trí kinh phí.\n")
    duties = extract_responsibilities(plan)
    assert [(d["index"], d["lead"], d["content"]) for d in duties] == [
        ("1-1", ["Sở Nội vụ"], "Theo dõi việc thực hiện."),
        ("1-2", ["Sở Nội vụ"], "Tổng hợp báo cáo."),
        ("a", ["Sở Tài chính"], "Bố trí kinh phí."),
    ]
    assert duties[0]["section"] == "IV. Tổ chức thực hiện / 1. Sở Nội vụ có trách nhiệm"


def test_duty_section_ends_at_the_appendix_and_signature() -> None:
    plan = ("II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Nội vụ\n\na) Theo dõi việc thực hiện.\n\n"
            "2. Sở Tài chính bố trí kinh phí.\n\nKT. CHỦ TỊCH\n\nPHÓ CHỦ TỊCH\n\nPHỤ LỤC\n\nDANH MỤC CHỈ TIÊU\n")
    duties = extract_responsibilities(plan)
    assert [(d["index"], d["lead"], d["content"]) for d in duties] == [
        ("a", ["Sở Nội vụ"], "Theo dõi việc thực hiện."), ("2", ["Sở Tài chính"], "Sở Tài chính bố trí kinh phí.")]


def test_docx_plan_end_to_end_through_ingestion(tmp_path) -> None:
    """A DOCX plan read by ingestion (tables rendered as ``| c1 | c2 |`` rows) gives its tasks."""
    import docx

    from pipelines.ingest.source import read_source

    d = docx.Document()
    for p in ["ỦY BAN NHÂN DÂN", "TỈNH HUẾ", "II. TỔ CHỨC THỰC HIỆN", "1. Sở Nội vụ",
              "a) Theo dõi, đôn đốc việc thực hiện Kế hoạch này.",
              "b) Định kỳ hàng quý, tổng hợp báo cáo UBND tỉnh.",
              "2. Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư bố trí kinh phí.",
              "PHỤ LỤC", "DANH MỤC CHỈ TIÊU"]:
        d.add_paragraph(p)
    table = d.add_table(rows=0, cols=5)
    for values in [["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"],
                   ["I", "Chuyển đổi số", "", "", ""],
                   ["1", "Xây dựng kho dữ liệu", "Sở Khoa học và Công nghệ",
                    "- Các sở, ban, ngành tỉnh;\n- UBND cấp huyện", "Quý II năm 2025"]]:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    path = tmp_path / "plan.docx"
    d.save(path)
    tasks = extract_tasks(read_source(path).text, {"date": "2025-01-02"})
    got = [(t["kind"], t["index"], t["lead"], t["coordinators"], t["timeframe"]) for t in tasks]
    assert got == [
        ("responsibility", "a", ["Sở Nội vụ"], [], None),
        ("responsibility", "b", ["Sở Nội vụ"], [], "Định kỳ hàng quý"),
        ("responsibility", "2", ["Sở Tài chính"], ["Sở Kế hoạch và Đầu tư"], None),
        ("appendix_row", "1", ["Sở Khoa học và Công nghệ"], ["Các sở, ban, ngành tỉnh", "UBND cấp huyện"],
         "Quý II năm 2025"),
    ]
    assert tasks[-1]["section"] == "I. Chuyển đổi số" and tasks[-1]["due"]["end"] == "2025-06-30"


def test_duty_headed_by_its_agency_before_a_colon_and_agencies_named_with_their_province() -> None:
    plan = ("II. TỔ CHỨC THỰC HIỆN\n"
            "1. Sở Tài chính: Tham mưu UBND tỉnh bố trí kinh phí thực hiện Kế hoạch.\n"
            "2. Báo Long An, Đài Phát thanh và Truyền hình Long An\n"
            "Mở chuyên trang, chuyên mục tuyên truyền về cải cách hành chính.\n")
    duties = extract_responsibilities(plan, default_year=2024)
    assert [(d["index"], d["lead"]) for d in duties] == [
        ("1", ["Sở Tài chính"]),
        ("2", ["Báo Long An", "Đài Phát thanh và Truyền hình Long An"]),
    ]
    assert duties[0]["content"].startswith("Sở Tài chính: Tham mưu")
    assert subject_of("Sở Tài chính:") == []  # a heading with nothing after it heads no duty itself
