"""Table reconstruction: every layout gives the same rows, read by column meaning."""

from __future__ import annotations

import docx

from pipelines.extract.tables import (
    find_tables,
    render_pipe_rows,
    rows_from_docx_table,
    rows_from_html,
    table_from_rows,
    table_rows,
    tables_from_cell_blocks,
    tables_from_pipe_rows,
)
from pipelines.extract.tasks import appendix_tasks

HEADER = ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Cấp ban hành", "Thời gian thực hiện"]
ROWS = [
    ["I", "Công tác chỉ đạo, điều hành", "", "", "", ""],
    ["1", "Tổng kết công tác năm 2021", "Sở Nội vụ", "Các cơ quan, đơn vị có liên quan", "UBND tỉnh",
     "Tháng 01 năm 2022"],
    ["2", "Kiểm tra công tác cải cách hành chính", "Sở Nội vụ", "", "", "Từ Quý II đến cuối năm 2022"],
    ["2", "Thẩm định Chỉ số cải cách hành chính", "Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư",
     "Sở Y tế", "UBND tỉnh", "Quý IV năm 2022"],
    ["II", "Cải cách thể chế", "", "", "", ""],
    ["1", "Rà soát văn bản", "Sở Tư pháp", "Sở, ngành tỉnh, UBND cấp huyện, cấp xã", "UBND tỉnh", "Thường xuyên"],
]


def _check_rows(rows) -> None:
    assert [(r.section, r.index, r.cells["content"]) for r in rows] == [
        ("I. Công tác chỉ đạo, điều hành", "1", "Tổng kết công tác năm 2021"),
        ("I. Công tác chỉ đạo, điều hành", "2", "Kiểm tra công tác cải cách hành chính"),
        ("I. Công tác chỉ đạo, điều hành", "2", "Thẩm định Chỉ số cải cách hành chính"),
        ("II. Cải cách thể chế", "1", "Rà soát văn bản"),
    ]
    assert [r.seq for r in rows] == [1, 2, 3, 4]  # repeated "2" kept, told apart by seq
    assert rows[1].cells["coordinators"] == "" and rows[1].cells["approver"] == ""  # empty cells stay empty


def test_cell_block_layout_with_caption_and_wrapped_cells() -> None:
    # Seeds 000/001: each cell closed by a line holding only "|"; rows follow the header's width.
    text = (
        "PHỤ LỤC\nDANH MỤC CÁC NHIỆM VỤ NĂM 2022\n(Ban hành kèm theo Kế hoạch số 1/KH-UBND)\n"
        "Nội\ndung công việc\n|\nCơ\nquan chủ trì\n|\nCơ\nquan phối hợp\n|\nCấp\nban hành/phê duyệt\n|\n"
        "Thời\ngian thực hiện\n|\n"
        "I. Công tác chỉ đạo, điều hành\n|\n"
        "1. Tổng kết công tác\nnăm 2021\n|\nSở Nội\nvụ\n|\nCác\ncơ quan, đơn vị có liên quan\n|\nUBND\ntỉnh\n|\n"
        "Tháng\n01 năm 2022\n|\n"
        "2. Kiểm tra công tác\n|\nSở Nội vụ\n|\n|\n|\nQuý I năm 2022\n|\n"
        "2. Thẩm định\n|\nSở Y tế\n|\nSở Tư pháp\n|\nUBND tỉnh\n|\nThường xuyên"  # last cell unclosed
    )
    tables = tables_from_cell_blocks(text)
    assert len(tables) == 1
    t = tables[0]
    assert t.roles == ["content", "lead", "coordinators", "approver", "timeframe"]
    assert "DANH MỤC CÁC NHIỆM VỤ" in t.caption
    rows = table_rows(t)
    assert [(r.section, r.index, r.cells["content"]) for r in rows] == [
        ("I. Công tác chỉ đạo, điều hành", "1", "Tổng kết công tác năm 2021"),
        ("I. Công tác chỉ đạo, điều hành", "2", "Kiểm tra công tác"),
        ("I. Công tác chỉ đạo, điều hành", "2", "Thẩm định"),
    ]
    assert rows[1].cells["coordinators"].strip() == ""
    tasks = appendix_tasks(t, {"date": "2021-12-31"})
    assert tasks[0]["lead"] == ["Sở Nội vụ"] and tasks[0]["approver"] == "UBND tỉnh"
    assert tasks[0]["due"]["end"] == "2022-01-31"
    assert tasks[1]["approver"] is None and tasks[1]["coordinators"] == []
    assert tasks[2]["timeframe"] == "Thường xuyên" and tasks[2]["due"]["recurring"] is True


def test_pipe_rows_layout() -> None:
    text = "Phụ lục\n" + render_pipe_rows([HEADER, *ROWS]) + "\n\nNơi nhận:\n"
    tables = tables_from_pipe_rows(text)
    assert len(tables) == 1
    _check_rows(table_rows(tables[0]))


def test_header_found_by_meaning_not_position() -> None:
    order = [5, 2, 0, 4, 1, 3]
    shuffled = [[row[i] for i in order] for row in [HEADER, *ROWS]]
    table = table_from_rows(shuffled)
    assert table is not None
    assert table.roles == ["timeframe", "lead", "index", "approver", "content", "coordinators"]
    rows = table_rows(table)
    assert rows[0].cells["lead"] == "Sở Nội vụ" and rows[0].cells["timeframe"] == "Tháng 01 năm 2022"


def test_lead_cell_with_coordinator_and_elliptical_tiers() -> None:
    tasks = appendix_tasks(table_from_rows([HEADER, *ROWS]), {})
    assert tasks[2]["lead"] == ["Sở Tài chính"]
    assert tasks[2]["coordinators"] == ["Sở Kế hoạch và Đầu tư", "Sở Y tế"]
    assert tasks[3]["coordinators"] == ["Sở, ngành tỉnh", "UBND cấp huyện", "UBND cấp xã"]


def test_html_table_with_colspan_section_rows() -> None:
    body = "".join(
        f'<tr><td colspan="6">{r[0]}. {r[1]}</td></tr>' if r[0] in ("I", "II")
        else "<tr>" + "".join(f"<td><p>{c}</p></td>" for c in r) + "</tr>"
        for r in ROWS
    )
    html = ("<html><body><p>Phụ lục</p><table><tr>" + "".join(f"<th>{h}</th>" for h in HEADER)
            + "</tr>" + body + "</table></body></html>")
    rows = rows_from_html(html)
    assert len(rows) == 1 and rows[0][1] == ["I. Công tác chỉ đạo, điều hành"] * 6
    _check_rows(table_rows(table_from_rows(rows[0])))
    tables = find_tables(html)
    assert len(tables) == 1 and tables[0].layout == "html"


def test_docx_table_built_in_the_test(tmp_path) -> None:
    document = docx.Document()
    table = document.add_table(rows=0, cols=len(HEADER))
    for values in [HEADER, *ROWS]:
        cells = table.add_row().cells
        if values[0] in ("I", "II"):
            merged = cells[0].merge(cells[-1])
            merged.text = f"{values[0]}. {values[1]}"
            continue
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    path = tmp_path / "plan.docx"
    document.save(path)
    loaded = docx.Document(path).tables[0]
    rows = rows_from_docx_table(loaded)
    # Merged cells repeat their text, as python-docx reports them.
    assert rows[1] == ["I. Công tác chỉ đạo, điều hành"] * 6
    _check_rows(table_rows(table_from_rows(rows)))
    # Rendered the way ingestion writes DOCX tables into text, the text path gives the same rows.
    text = "KẾ HOẠCH\n" + render_pipe_rows(rows) + "\n"
    _check_rows(table_rows(find_tables(text)[0]))


def test_pdf_table_rows(tmp_path) -> None:
    import pdfplumber
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    # Core PDF fonts are Latin-1: an ASCII header keeps the test about layout, not fonts.
    header = ["STT", "Noi dung cong viec", "Co quan chu tri", "Thoi gian"]
    data = [["1", "Tong ket", "So Noi vu", "Quy I nam 2022"], ["2", "Kiem tra", "So Tu phap", "Thuong xuyen"]]
    with pdf.table() as t:
        for values in [header, *data]:
            row = t.row()
            for v in values:
                row.cell(v)
    path = tmp_path / "plan.pdf"
    pdf.output(str(path))
    from pipelines.extract.tables import rows_from_pdf_page

    with pdfplumber.open(path) as doc:
        tables = rows_from_pdf_page(doc.pages[0])
    assert tables and tables[0][0] == header
    parsed = table_rows(table_from_rows(tables[0]))
    assert [(r.index, r.cells["content"], r.cells["lead"]) for r in parsed] == [
        ("1", "Tong ket", "So Noi vu"), ("2", "Kiem tra", "So Tu phap")]


def test_text_without_a_task_header_has_no_table() -> None:
    text = "ỦY BAN NHÂN DÂN\n|\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n|\nSố: 1/KH-UBND\n|\n"
    assert find_tables(text) == []


def test_cell_blocks_with_index_column_two_cell_bands_and_repeated_header() -> None:
    head = "STT\n|\nNội dung\n|\nĐơn vị chủ trì\n|\nThời hạn\n|\n"
    text = (
        "PHỤ LỤC\n" + head
        + "I\n|\nCải cách thể chế\n|\n"  # band: roman index, title merged over the other columns
        + "1\n|\nRà soát văn bản\n|\nSở Tư pháp\n|\nQuý I năm 2024\n|\n"
        + head  # the header printed again on the next page
        + "II\n|\nCải cách thủ tục hành chính\n|\n|\n|\n"  # band as a full row with empty cells
        + "1\n|\nCông bố thủ tục\n|\nVăn phòng UBND tỉnh\n|\nThường xuyên\n|\n"
    )
    rows = table_rows(tables_from_cell_blocks(text)[0])
    assert [(r.section, r.index, r.cells["content"], r.cells["lead"]) for r in rows] == [
        ("I. Cải cách thể chế", "1", "Rà soát văn bản", "Sở Tư pháp"),
        ("II. Cải cách thủ tục hành chính", "1", "Công bố thủ tục", "Văn phòng UBND tỉnh"),
    ]


def test_html_rowspan_repeats_the_cell_down() -> None:
    html = """<table>
    <tr><th>STT</th><th>Nội dung</th><th>Cơ quan chủ trì</th><th>Thời gian</th></tr>
    <tr><td>1</td><td>Rà soát</td><td rowspan="2">Sở Tư pháp</td><td>Quý I năm 2024</td></tr>
    <tr><td>2</td><td>Kiểm tra</td><td>Quý II năm 2024</td></tr>
    </table>"""
    rows = table_rows(table_from_rows(rows_from_html(html)[0]))
    assert [(r.index, r.cells["lead"], r.cells["timeframe"]) for r in rows] == [
        ("1", "Sở Tư pháp", "Quý I năm 2024"), ("2", "Sở Tư pháp", "Quý II năm 2024")]


def test_cell_blocks_second_table_starts_a_new_table() -> None:
    one = "PHỤ LỤC I\nNội dung\n|\nCơ quan chủ trì\n|\nThời gian\n|\n1. Rà soát\n|\nSở Tư pháp\n|\nQuý I năm 2024\n|\n"
    two = "PHỤ LỤC II\nNội dung\n|\nCơ quan chủ trì\n|\nCơ quan phối hợp\n|\nThời gian\n|\n" \
          "1. Kiểm tra\n|\nSở Nội vụ\n|\nSở Tài chính\n|\nThường xuyên\n|\n"
    tables = tables_from_cell_blocks(one + two)
    assert [len(t.roles) for t in tables] == [3, 4]
    assert [r.cells["lead"] for t in tables for r in table_rows(t)] == ["Sở Tư pháp", "Sở Nội vụ"]


def test_caption_parenthesis_and_first_section_are_not_header_cells() -> None:
    # "(... tỉnh Bình\nĐịnh)" ends the caption; "I. Sản phẩm OCOP" is a body row although
    # "sản phẩm" also names an output column.
    text = ("PHỤ LỤC\n(Ban hành kèm theo Kế hoạch số 1/KH-UBND của Ủy ban nhân dân tỉnh Bình\nĐịnh)\n"
            "Nội\ndung công việc\n|\nCơ quan chủ trì\n|\nThời\ngian thực hiện\n|\nI. Sản phẩm OCOP\n|\n"
            "1. Báo cáo sơ kết\n|\nSở Nông\nnghiệp và Phát triển nông thôn\n|\nNăm\n2023\n|\n")
    t = tables_from_cell_blocks(text)[0]
    assert t.roles == ["content", "lead", "timeframe"] and t.caption.endswith("Định)")
    rows = table_rows(t)
    assert [(r.section, r.index, r.cells["content"]) for r in rows] == [
        ("I. Sản phẩm OCOP", "1", "Báo cáo sơ kết")]


def test_output_and_note_columns_are_kept() -> None:
    rows = [["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Sản phẩm", "Thời hạn", "Ghi chú"],
            ["1", "Xây dựng quy chế", "Sở Nội vụ", "Quyết định của UBND tỉnh", "Quý I năm 2025", ""]]
    task = appendix_tasks(table_from_rows(rows), {})[0]
    assert task["output"] == "Quyết định của UBND tỉnh" and task["note"] is None
    assert task["lead"] == ["Sở Nội vụ"] and task["due"]["end"] == "2025-03-31"
