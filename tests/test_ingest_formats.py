"""Every source format, built in the test, read through ``read_source``."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pytest

from pipelines.ingest.encodings import encode_cp1258, encode_tcvn3, encode_vni
from pipelines.ingest.formats.base import render_table
from pipelines.ingest.source import read_source

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
TEXT = (
    "KẾ HOẠCH\nCải cách hành chính năm 2023 trên địa bàn tỉnh Bến Tre\n\n"
    "Ủy ban nhân dân tỉnh giao Sở Nội vụ chủ trì, phối hợp với các sở, ngành triển khai thực hiện.\n"
)
LOWER_TEXT = "ủy ban nhân dân tỉnh giao sở nội vụ chủ trì, phối hợp với các sở, ngành triển khai thực hiện.\n"
TASKS = [
    ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Thời gian"],
    ["1", "Rà soát thủ tục\nhành chính | mức độ 4", "Sở Nội vụ", "Quý I/2023"],
    ["2", "Số hóa hồ sơ", "Sở Thông tin và Truyền thông", "Năm 2023"],
]
TASK_LINES = [
    "| STT | Nội dung công việc | Cơ quan chủ trì | Thời gian |",
    "| 1 | Rà soát thủ tục hành chính ¦ mức độ 4 | Sở Nội vụ | Quý I/2023 |",
    "| 2 | Số hóa hồ sơ | Sở Thông tin và Truyền thông | Năm 2023 |",
]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _assert_table_block(text: str, lines: list[str]) -> None:
    block = "\n".join(lines)
    assert "\n\n" + block + "\n\n" in text + "\n", text


# ---------------------------------------------------------------- table contract


def test_render_table_contract() -> None:
    assert render_table(TASKS) == "\n".join(TASK_LINES)
    assert render_table([["a", "b", "c"], ["only one"]]) == "| a | b | c |\n| only one |  |  |"


# ---------------------------------------------------------------- .txt


@pytest.mark.parametrize(
    ("encode", "encoding", "bom"),
    [
        (lambda t: t.encode("utf-8"), "utf-8", False),
        (lambda t: t.encode("utf-8-sig"), "utf-8-sig", True),
        (lambda t: t.encode("utf-16"), "utf-16-le", True),  # Python writes a little-endian BOM here
        (lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "utf-16-be", True),
        (encode_cp1258, "cp1258", False),
    ],
)
def test_txt_unicode_and_windows_1258(tmp_path: Path, encode, encoding: str, bom: bool) -> None:
    data = encode(TEXT)
    source = read_source(_write(tmp_path, "plan.txt", data))
    assert source.text == TEXT
    assert unicodedata.is_normalized("NFC", source.text)
    assert source.format == "txt"
    assert source.facts["encoding"] == encoding
    assert source.facts["bom"] is bom
    assert "legacy_encoding" not in source.facts
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    assert source.size == len(data)


def test_txt_decomposed_utf8_is_normalised(tmp_path: Path) -> None:
    source = read_source(_write(tmp_path, "nfd.txt", unicodedata.normalize("NFD", TEXT).encode("utf-8")))
    assert source.text == TEXT


def test_txt_crlf_becomes_lf(tmp_path: Path) -> None:
    source = read_source(_write(tmp_path, "crlf.txt", TEXT.replace("\n", "\r\n").encode("utf-8")))
    assert source.text == TEXT


@pytest.mark.parametrize(("encode", "legacy"), [(encode_tcvn3, "tcvn3"), (encode_vni, "vni")])
def test_txt_legacy_font_encodings(tmp_path: Path, encode, legacy: str) -> None:
    text = "KẾ HOẠCH HÀNH ĐỘNG\n" + LOWER_TEXT
    source = read_source(_write(tmp_path, f"{legacy}.txt", encode(text)))
    assert source.text == text
    assert source.facts["encoding"] == legacy
    assert source.facts["legacy_encoding"] == legacy


def test_seeds_read_unchanged() -> None:
    for path in sorted(RAW.glob("*.txt")):
        source = read_source(path)
        assert source.text == path.read_text(encoding="utf-8")
        assert source.facts["encoding"] == "utf-8"


# ---------------------------------------------------------------- .html

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>Kế hoạch 12/KH-UBND</title>
<style>p {{ color: red }}</style><script>document.write("<p>không được đọc</p>")</script></head>
<body class="home has-sidebar">
<div id="header"><a href="/">Trang chủ</a> English Facebook RSS Hỏi đáp Sơ đồ cổng</div>
<nav><ul><li>Giới thiệu</li><li>Tin tức - Sự kiện</li></ul></nav>
<div class="breadcrumb">Trang chủ &gt; Văn bản</div>
<ul id="mainMenu"><li>Thủ tục hành chính</li><li>Dịch vụ công trực tuyến</li></ul>
<form id="form1"><input type="text" value="Tìm kiếm"><button>Tìm</button>
<article>
<header><h1>Kế hoạch cải cách hành chính năm 2023</h1><span class="date">27/02/2023</span></header>
<table><tr><td>ỦY BAN NHÂN DÂN<br>TỈNH BẾN TRE</td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</td></tr></table>
<p>Ủy ban nhân dân tỉnh
   giao <b>Sở Nội vụ</b> chủ trì.<br>Thời gian: năm 2023.</p>
<table border="1">
<thead><tr><th>STT</th><th>Nội dung công việc</th><th>Cơ quan chủ trì</th><th>Thời gian</th></tr></thead>
<tbody>
<tr><td>1</td><td><p>Rà soát thủ tục</p><p>hành chính | mức độ 4</p></td><td rowspan="2">Sở Nội vụ</td>
<td>Quý I/2023</td></tr>
<tr><td>2</td><td>Số hóa hồ sơ</td><td>Năm 2023</td></tr>
<tr><td colspan="4">II. Nhiệm vụ khác</td></tr>
</tbody></table>
<div class="share-tools">Chia sẻ Facebook Twitter</div>
<p style="display:none">nội dung ẩn</p>
<p>Nơi nhận: như trên.</p>
</article></form>
<aside>Tin liên quan</aside>
<footer>Bản quyền thuộc Cổng thông tin điện tử tỉnh</footer>
<div class="footer-links">Liên kết website</div>
</body></html>"""

PAGE_TEXT = """Kế hoạch cải cách hành chính năm 2023

27/02/2023

ỦY BAN NHÂN DÂN
TỈNH BẾN TRE

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM

Ủy ban nhân dân tỉnh giao Sở Nội vụ chủ trì.
Thời gian: năm 2023.

| STT | Nội dung công việc | Cơ quan chủ trì | Thời gian |
| 1 | Rà soát thủ tục hành chính ¦ mức độ 4 | Sở Nội vụ | Quý I/2023 |
| 2 | Số hóa hồ sơ | Sở Nội vụ | Năm 2023 |
| II. Nhiệm vụ khác |  |  |  |

Nơi nhận: như trên.
"""


def test_html_strips_chrome_and_keeps_paragraphs_and_tables(tmp_path: Path) -> None:
    source = read_source(_write(tmp_path, "page.html", PAGE.format(charset="utf-8").encode("utf-8")))
    assert source.text == PAGE_TEXT
    assert source.format == "html"
    assert source.facts["tables"] == 1
    assert source.facts["layout_tables"] == 1
    assert source.facts["title"] == "Kế hoạch 12/KH-UBND"
    for chrome in ("Trang chủ", "Giới thiệu", "Tìm kiếm", "Chia sẻ", "Tin liên quan", "Bản quyền", "không được", "ẩn"):
        assert chrome not in source.text


def test_html_declared_windows_1258_and_htm_suffix(tmp_path: Path) -> None:
    data = encode_cp1258(PAGE.format(charset="windows-1258"))
    source = read_source(_write(tmp_path, "page.htm", data))
    assert source.text == PAGE_TEXT
    assert source.facts["encoding"] == "windows-1258"


def test_html_without_tables_or_landmarks(tmp_path: Path) -> None:
    page = "<html><body><div>Kế hoạch số 5</div><div>Sở Tài chính<br/>chủ trì</div></body></html>"
    source = read_source(_write(tmp_path, "plain.html", page.encode("utf-8")))
    assert source.text == "Kế hoạch số 5\n\nSở Tài chính\nchủ trì\n"


# ---------------------------------------------------------------- .docx


def _docx(path: Path, *, legacy_body: str | None = None) -> Path:
    import docx

    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH BẾN TRE"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph(legacy_body or "Ủy ban nhân dân tỉnh giao Sở Nội vụ chủ trì.")
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate(TASKS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Sở Nội vụ"  # vertical merge: repeated in each row
    table.cell(3, 0).merge(table.cell(3, 3)).text = "II. Nhiệm vụ khác"  # horizontal merge: empty cells
    document.add_paragraph("Nơi nhận: như trên.")
    document.save(str(path))
    return path


def test_docx_paragraphs_and_tables_in_body_order(tmp_path: Path) -> None:
    source = read_source(_docx(tmp_path / "plan.docx"))
    assert source.format == "docx"
    assert source.text == (
        "ỦY BAN NHÂN DÂN\nTỈNH BẾN TRE\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\n"
        "KẾ HOẠCH\n\nỦy ban nhân dân tỉnh giao Sở Nội vụ chủ trì.\n\n"
        "| STT | Nội dung công việc | Cơ quan chủ trì | Thời gian |\n"
        "| 1 | Rà soát thủ tục hành chính ¦ mức độ 4 | Sở Nội vụ | Quý I/2023 |\n"
        "| 2 | Số hóa hồ sơ | Sở Nội vụ | Năm 2023 |\n"
        "| II. Nhiệm vụ khác |  |  |  |\n\n"
        "Nơi nhận: như trên.\n"
    )
    # paragraphs: 3 in the body + 2 in the cells of the header frame
    assert source.facts == {"paragraphs": 5, "tables": 1, "layout_tables": 1}


def test_docx_typed_in_tcvn3_font_is_converted(tmp_path: Path) -> None:
    garbled = encode_tcvn3(LOWER_TEXT.strip()).decode("cp1252")
    source = read_source(_docx(tmp_path / "old.docx", legacy_body=garbled))
    assert LOWER_TEXT.strip() in source.text
    assert source.facts["legacy_encoding"] == "tcvn3"
    assert "KẾ HOẠCH" in source.text and "Sở Nội vụ" in source.text  # Unicode parts untouched


# ---------------------------------------------------------------- .pdf


def _pdf(path: Path, *, pages: int = 2) -> Path:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    pdf.multi_cell(0, 6, "ỦY BAN NHÂN DÂN TỈNH BẾN TRE\nKế hoạch cải cách hành chính năm 2023")
    with pdf.table(headings_style=FontFace()) as table:
        for values in TASKS:
            row = table.row()
            for value in values:
                row.cell(value.replace("\n", " "))
    pdf.multi_cell(0, 6, "Nơi nhận: như trên.")
    for n in range(2, pages + 1):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Trang {n}: tổ chức thực hiện.")
    pdf.output(str(path))
    return path


@pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans.ttf (a Unicode TTF for fpdf2) is not installed")
def test_pdf_text_layer_tables_and_pages(tmp_path: Path) -> None:
    source = read_source(_pdf(tmp_path / "plan.pdf"))
    assert source.format == "pdf"
    assert source.facts["pages"] == 2
    assert source.facts["tables"] == 1
    assert source.text.startswith("ỦY BAN NHÂN DÂN TỈNH BẾN TRE\nKế hoạch cải cách hành chính năm 2023\n")
    _assert_table_block(source.text, TASK_LINES)
    assert source.text.index("| STT |") < source.text.index("Nơi nhận: như trên.")
    second = source.facts["page_starts"][1]
    assert source.text[second:] == "Trang 2: tổ chức thực hiện.\n"
    assert source.text[second - 2 : second] == "\n\n"
    assert unicodedata.is_normalized("NFC", source.text)


@pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans.ttf (a Unicode TTF for fpdf2) is not installed")
def test_pdf_tables_can_be_switched_off(tmp_path: Path) -> None:
    source = read_source(_pdf(tmp_path / "plan.pdf", pages=1), pdf_tables=False)
    assert source.facts["tables"] == 0
    assert "2 Số hóa hồ sơ" in source.text  # the table's words, as plain lines
    assert not any(line.startswith("| ") for line in source.text.split("\n"))


def _multilevel_list(document) -> str:
    """Add an abstract list (I., a), 1.) to the numbering part; return its numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    levels = [("upperRoman", "%1."), ("lowerLetter", "%2)"), ("decimal", "%1.%3.")]
    xml = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{xml}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(paragraph, num_id: str, ilvl: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def test_docx_automatic_numbering_and_frames_with_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    num_id = _multilevel_list(document)
    for text, level in (("MỤC ĐÍCH", 0), ("Mục đích", 1), ("Yêu cầu", 1), ("NHIỆM VỤ", 0), ("Rà soát", 1)):
        _numbered(document.add_paragraph(text), num_id, level)
    _numbered(document.add_paragraph("Chi tiết"), num_id, 2)
    document.add_paragraph("Việc thứ nhất", style="List Number")
    document.add_paragraph("Việc thứ hai", style="List Number")
    document.add_paragraph("Gạch đầu dòng", style="List Bullet")  # a Symbol-font bullet in the template
    frame = document.add_table(rows=1, cols=1)  # a one-cell frame around an appendix
    cell = frame.cell(0, 0)
    cell.paragraphs[0].text = "PHỤ LỤC"
    inner = cell.add_table(rows=3, cols=3)
    for c, value in enumerate(["STT", "Nội dung", "Chủ trì"]):
        inner.cell(0, c).text = value
    for r, (task, lead) in enumerate((("Số hóa hồ sơ", "Sở Nội vụ"), ("Cấp mã", "Sở Tài chính")), start=1):
        inner.cell(r, 0).paragraphs[0].style = document.styles["List Number 2"]  # auto-numbered STT column
        inner.cell(r, 0).paragraphs[0].text = "​"  # Word keeps a number on a cell with (invisible) content
        inner.cell(r, 1).text = task
        inner.cell(r, 2).text = lead
    path = tmp_path / "numbered.docx"
    document.save(str(path))

    text = read_source(path).text
    assert text.startswith(
        "I. MỤC ĐÍCH\n\na) Mục đích\n\nb) Yêu cầu\n\nII. NHIỆM VỤ\n\na) Rà soát\n\nII.1. Chi tiết\n\n"
        "1. Việc thứ nhất\n\n2. Việc thứ hai\n\n• Gạch đầu dòng\n\nPHỤ LỤC\n\n"
    )
    _assert_table_block(
        text, ["| STT | Nội dung | Chủ trì |", "| 1. | Số hóa hồ sơ | Sở Nội vụ |", "| 2. | Cấp mã | Sở Tài chính |"]
    )


def test_docx_text_in_smart_tags_content_controls_and_revisions(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    paragraph = document.add_paragraph("Ban hành ngày ")
    for xml in (
        '<w:smartTag w:element="date"><w:r><w:t>18/11/2022</w:t></w:r></w:smartTag>',
        '<w:ins w:id="1" w:author="a"><w:r><w:t xml:space="preserve"> của </w:t></w:r></w:ins>',
        '<w:del w:id="2" w:author="a"><w:r><w:delText>Sở Xây dựng</w:delText></w:r></w:del>',
        "<w:sdt><w:sdtContent><w:r><w:t>UBND tỉnh</w:t></w:r></w:sdtContent></w:sdt>",
    ):
        paragraph._p.append(parse_xml(xml.replace(">", f" {nsdecls('w')}>", 1)))  # declare w: on the root
    block = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>Trong khối nội dung</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    document.element.body.insert(len(document.element.body) - 1, block)  # before sectPr
    path = tmp_path / "tags.docx"
    document.save(str(path))
    assert read_source(path).text == "Ban hành ngày 18/11/2022 của UBND tỉnh\n\nTrong khối nội dung\n"


def test_html_ordered_lists_and_captions(tmp_path: Path) -> None:
    page = (
        "<html><body><ol><li>Rà soát</li><li><p>Số hóa</p></li></ol>"
        '<ol type="a" start="3"><li>Mục c</li><li value="7">Mục g</li></ol><ul><li>Không số</li></ul>'
        "<table><caption>Bảng 1. Chỉ tiêu</caption><tr><th>Chỉ tiêu</th><th>2023</th><th>2025</th></tr>"
        "<tr><td>Hồ sơ trực tuyến</td><td>50%</td><td>80%</td></tr></table></body></html>"
    )
    text = read_source(_write(tmp_path, "list.html", page.encode("utf-8"))).text
    assert text == (
        "1. Rà soát\n\n2. Số hóa\n\nc. Mục c\n\ng. Mục g\n\nKhông số\n\nBảng 1. Chỉ tiêu\n\n"
        "| Chỉ tiêu | 2023 | 2025 |\n| Hồ sơ trực tuyến | 50% | 80% |\n"
    )
