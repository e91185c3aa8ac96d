"""Word documents (.docx): body paragraphs and tables in document order.

The zip container is checked before python-docx touches it: a truncated
archive, a missing ``word/document.xml``, a declared unpacked size above the
limit, a member compressed more than ``max_compression_ratio`` times, or
members that inflate past the limit while streaming (declared sizes can lie)
are all refused.  Page headers/footers, footnotes and text boxes are not
read: they repeat page chrome, not plan content.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import qn

from pipelines.ingest.encodings import EncodingProblem, repair_legacy_text
from pipelines.ingest.formats.base import (
    Blocks,
    Extracted,
    FormatProblem,
    ReadOptions,
    finish_structured_text,
    is_layout_table,
    refuse_other_format,
)
from pipelines.ingest.formats.docx_numbering import Numbering

if TYPE_CHECKING:  # python-docx's classes are imported where used: reading a DOCX is rare
    from docx.document import Document
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

# lxml elements (python-docx's oxml classes): lxml ships no type hints
XmlElement = Any

_MAIN_PART = "word/document.xml"
_MAX_MEMBERS = 10_000
_CHUNK = 1 << 20
_SMALL_MEMBER = 1 << 20  # below this any ratio is harmless


def check_zip(data: bytes, options: ReadOptions) -> None:
    """Refuse truncated archives and zip bombs without inflating more than the limit."""
    refuse_other_format(data, "a DOCX file", allowed="zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FormatProblem(f"truncated or corrupt DOCX: not a complete zip archive ({exc})") from exc
    with archive:
        members = archive.infolist()
        if len(members) > _MAX_MEMBERS:
            raise FormatProblem(f"zip bomb suspected: {len(members)} members in the DOCX archive")
        if _MAIN_PART not in archive.namelist():
            raise FormatProblem(f"not a Word document: the archive has no {_MAIN_PART}")
        declared = sum(m.file_size for m in members)
        if declared > options.max_unpacked_bytes:
            raise FormatProblem(
                f"zip bomb suspected: DOCX declares {declared:,} bytes unpacked, "
                f"above the {options.max_unpacked_bytes:,}-byte limit"
            )
        for m in members:
            ratio = m.file_size / max(m.compress_size, 1)
            if m.file_size > _SMALL_MEMBER and ratio > options.max_compression_ratio:
                raise FormatProblem(
                    f"zip bomb suspected: member {m.filename} is compressed {ratio:,.0f}:1 "
                    f"(limit {options.max_compression_ratio:,.0f}:1)"
                )
        inflated = 0
        for m in members:
            try:
                with archive.open(m) as stream:
                    while chunk := stream.read(_CHUNK):
                        inflated += len(chunk)
                        if inflated > options.max_unpacked_bytes:
                            raise FormatProblem(
                                f"zip bomb suspected: DOCX inflates past {options.max_unpacked_bytes:,} bytes "
                                f"(member {m.filename} lies about its size)"
                            )
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise FormatProblem(f"corrupt DOCX: member {m.filename} cannot be read ({exc})") from exc
            except NotImplementedError as exc:
                raise FormatProblem(f"DOCX member {m.filename} uses an unsupported compression ({exc})") from exc


def _plain_cell_text(cell: _Cell) -> str:
    return cell.text


def _grid(table: Table, text_of: Callable[[_Cell], str]) -> list[list[str]]:
    """Grid of cell texts by grid column; horizontal merges leave empty cells, vertical merges repeat."""
    from docx.table import _Cell

    grid: list[list[str]] = []
    for tr in table._tbl.tr_lst:
        line: list[str] = [""] * tr.grid_before
        above = grid[-1] if grid else []
        for tc in tr.tc_lst:
            col = len(line)
            if tc.vMerge == "continue":
                line.append(above[col] if col < len(above) else "")
            else:
                line.append(text_of(_Cell(tc, table)))
            line.extend([""] * (max(1, tc.grid_span) - 1))
        grid.append(line)
    return grid


def _own_cells(table: Table) -> list[_Cell]:
    """Each cell once, in reading order (continuations of vertical merges left out)."""
    from docx.table import _Cell

    return [_Cell(tc, table) for tr in table._tbl.tr_lst for tc in tr.tc_lst if tc.vMerge != "continue"]


# Runs inside smart tags, content controls, tracked insertions, fields and custom XML are text
# python-docx's Paragraph.text leaves out; deleted runs are not; runs of text boxes belong to
# their own inner paragraphs.
_RUNS = ".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom)]"
_W_P = qn("w:p")


def _paragraph_text(p: XmlElement) -> str:
    parts = []
    for run in p.xpath(_RUNS):
        owner = run.getparent()
        while owner is not None and owner.tag != _W_P:
            owner = owner.getparent()
        if owner is p:
            parts.append(run.text)
    return "".join(parts)


def _blocks(element: XmlElement, parent: Any) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables of a body or cell in order, including those inside content controls."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == _W_P:
            yield Paragraph(child, parent)
        elif child.tag == _W_TBL:
            yield Table(child, parent)
        elif child.tag in (_W_SDT, _W_CUSTOM_XML):
            content = child.find(_W_SDT_CONTENT) if child.tag == _W_SDT else child
            if content is not None:
                yield from _blocks(content, parent)


_W_TBL = qn("w:tbl")
_W_SDT = qn("w:sdt")
_W_SDT_CONTENT = qn("w:sdtContent")
_W_CUSTOM_XML = qn("w:customXml")


class _Reader:
    def __init__(self, document: Document) -> None:
        self.numbering = Numbering(document)
        self.blocks = Blocks()
        self.paragraphs = 0

    def paragraph_text(self, paragraph: Paragraph) -> str:
        label = self.numbering.label(paragraph)  # counted even when empty, as Word does
        text = _paragraph_text(paragraph._p)
        return f"{label} {text}" if label and text.strip() else text

    def emit(self, items: Iterable[Paragraph | Table]) -> None:
        from docx.table import Table

        for item in items:
            if isinstance(item, Table):
                self.table(item)
            else:
                self.paragraphs += 1
                self.blocks.paragraph(self.paragraph_text(item))

    def table(self, table: Table) -> None:
        nested = bool(table._tbl.xpath(".//w:tc//w:tbl"))
        if is_layout_table(_grid(table, _plain_cell_text), nested=nested):
            # a frame around blocks: its cells are read as body content (nested tables stay tables)
            self.blocks.layout_tables += 1
            for cell in _own_cells(table):
                self.emit(_blocks(cell._tc, cell))
            return
        self.blocks.table(_grid(table, self.cell_text))

    def cell_text(self, cell: _Cell) -> str:
        from docx.table import Table

        parts: list[str] = []
        for item in _blocks(cell._tc, cell):
            if isinstance(item, Table):
                parts.extend(" ".join(c for c in row if c) for row in _grid(item, self.cell_text))
            else:
                parts.append(self.paragraph_text(item))
        return "\n".join(p for p in parts if p.strip())


def read_docx(data: bytes, options: ReadOptions) -> Extracted:
    check_zip(data, options)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds (KeyError, XMLSyntaxError, ValueError ...)
        raise FormatProblem(f"corrupt DOCX: python-docx cannot open it ({type(exc).__name__}: {exc})") from exc
    reader = _Reader(document)
    reader.emit(_blocks(document.element.body, document._body))
    text = finish_structured_text(reader.blocks.text())
    if not text.strip():
        raise FormatProblem("DOCX has no text in its body")
    try:
        repaired = repair_legacy_text(text)
    except EncodingProblem as exc:
        raise FormatProblem(str(exc)) from exc
    facts: dict[str, object] = {
        "paragraphs": reader.paragraphs,
        "tables": reader.blocks.tables,
        "layout_tables": reader.blocks.layout_tables,
    }
    if repaired.legacy:
        facts["legacy_encoding"] = repaired.legacy
    return Extracted(text=repaired.text, facts=facts)
