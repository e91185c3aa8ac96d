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

from pipelines.ingest.encodings import EncodingProblem, repair_legacy_text
from pipelines.ingest.formats.base import (
    Blocks,
    Extracted,
    FormatProblem,
    ReadOptions,
    finish_structured_text,
    is_layout_table,
)

_MAIN_PART = "word/document.xml"
_MAX_MEMBERS = 10_000
_CHUNK = 1 << 20
_SMALL_MEMBER = 1 << 20  # below this any ratio is harmless


def check_zip(data: bytes, options: ReadOptions) -> None:
    """Refuse truncated archives and zip bombs without inflating more than the limit."""
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


def _cell_text(cell: object) -> tuple[str, bool]:
    """Text of a table cell (paragraphs and nested tables, in order) and whether it nests a table."""
    from docx.table import Table

    parts: list[str] = []
    nested = False
    for item in cell.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(item, Table):
            nested = True
            for row in _table_rows(item)[0]:
                parts.append(" ".join(c for c in row if c))
        else:
            parts.append(item.text)
    return "\n".join(p for p in parts if p.strip()), nested


def _table_rows(table: object) -> tuple[list[list[str]], bool]:
    """Grid of cell texts by grid column; horizontal merges leave empty cells, vertical merges repeat."""
    from docx.table import _Cell

    grid: list[list[str]] = []
    nested = False
    for tr in table._tbl.tr_lst:  # type: ignore[attr-defined]
        line: list[str] = [""] * tr.grid_before
        above = grid[-1] if grid else []
        for tc in tr.tc_lst:
            span = max(1, tc.grid_span)
            col = len(line)
            if tc.vMerge == "continue":
                text = above[col] if col < len(above) else ""
            else:
                text, has_nested = _cell_text(_Cell(tc, table))
                nested = nested or has_nested
            line.append(text)
            line.extend([""] * (span - 1))
        grid.append(line)
    return grid, nested


def read_docx(data: bytes, options: ReadOptions) -> Extracted:
    check_zip(data, options)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds (KeyError, XMLSyntaxError, ValueError ...)
        raise FormatProblem(f"corrupt DOCX: python-docx cannot open it ({type(exc).__name__}: {exc})") from exc
    blocks = Blocks()
    paragraphs = 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows, nested = _table_rows(item)
            if is_layout_table(rows, nested=nested):
                blocks.layout_tables += 1
                for row in rows:
                    for cell in dict.fromkeys(c for c in row if c):  # a merged cell once
                        for line in cell.split("\n"):
                            blocks.paragraph(line)
            else:
                blocks.table(rows)
        else:
            paragraphs += 1
            blocks.paragraph(item.text)
    text = finish_structured_text(blocks.text())
    if not text.strip():
        raise FormatProblem("DOCX has no text in its body")
    try:
        repaired = repair_legacy_text(text)
    except EncodingProblem as exc:
        raise FormatProblem(str(exc)) from exc
    facts: dict[str, object] = {
        "paragraphs": paragraphs,
        "tables": blocks.tables,
        "layout_tables": blocks.layout_tables,
    }
    if repaired.legacy:
        facts["legacy_encoding"] = repaired.legacy
    return Extracted(text=repaired.text, facts=facts)
