"""What every format reader shares: options, result, errors, table rendering, text clean-up.

Table rendering contract (the task parser relies on it): a table becomes one
line per row, ``| cell 1 | cell 2 | cell 3 |``, cell-internal whitespace
collapsed to one space, a literal ``|`` inside a cell replaced by ``¦``, and
a blank line before and after the table.  Merged cells: a cell spanning
several columns is followed by empty cells so every row keeps the table's
column count; a cell spanning several rows repeats its text in each row it
covers (so every task row carries its lead agency).

Layout tables (used to position blocks, not to hold data) are not rendered
as tables: their cells are emitted as paragraphs.  A table counts as layout
when it nests another table, when a cell holds more than
``LAYOUT_CELL_CHARS`` characters (a whole page laid out in a table), or when
it is small and has at most two columns (the "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ
HỘI ..." header and the signature block of every Vietnamese instrument).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.extract.text import collapse, nfc

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_COMPRESSION_RATIO = 100.0
DEFAULT_MAX_PAGES = 1000
LAYOUT_CELL_CHARS = 3000
_SMALL_TABLE_ROWS = 3


_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")  # not U+00AD: it is TCVN3 "ư" seen as cp1252


_MAGIC = (
    (b"%PDF-", "pdf", "a PDF file"),
    (b"PK\x03\x04", "zip", "a ZIP archive (DOCX, XLSX ...)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole", "an old binary Office file (.doc/.xls)"),
    (b"\x89PNG", "png", "a PNG image"),
    (b"\xff\xd8\xff", "jpeg", "a JPEG image"),
)


def sniff_magic(data: bytes) -> tuple[str, str] | None:
    """(short name, description) of a binary format recognised by its first bytes."""
    for magic, name, description in _MAGIC:
        if data.startswith(magic):
            return name, description
    return None


def refuse_other_format(data: bytes, expected: str, *, allowed: str | None = None) -> None:
    """Name the real format of a file saved under the wrong suffix."""
    found = sniff_magic(data)
    if found is None or found[0] == allowed:
        return
    name, description = found
    if name == "ole":
        raise FormatProblem(f"unsupported: this is {description} named as {expected}; save it as .docx")
    raise FormatProblem(f"binary data of another type: this is {description}, not {expected}")


class FormatProblem(ValueError):
    """The content cannot be read in this format; the message is the reason (no path)."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES  # DOCX: total size once unzipped
    max_compression_ratio: float = DEFAULT_MAX_COMPRESSION_RATIO  # DOCX: per zip member
    pdf_tables: bool = True  # PDF: detect ruled tables (costs time on long documents)
    max_pages: int = DEFAULT_MAX_PAGES  # PDF: pdfplumber reads about 10 pages a second


@dataclass(slots=True)
class Extracted:
    text: str
    facts: dict[str, object] = field(default_factory=dict)


def _roman(n: int) -> str:
    out = []
    for value, numeral in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter past z: a..z, aa..zz, aaa...
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)  # decimal and the formats we do not render specially


def render_cell(text: str) -> str:
    return collapse(_ZERO_WIDTH.sub("", text)).replace("|", "¦")


def render_table(rows: list[list[str]]) -> str:
    """Render rows of cell texts per the contract (without the surrounding blank lines)."""
    width = max((len(r) for r in rows), default=0)
    lines = []
    for row in rows:
        cells = [render_cell(c) for c in row] + [""] * (width - len(row))
        if not any(cells):
            continue
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def is_layout_table(rows: list[list[str]], *, nested: bool) -> bool:
    if nested or not rows:
        return True
    if any(len(c) > LAYOUT_CELL_CHARS for r in rows for c in r):
        return True
    width = max(len(r) for r in rows)
    return width <= 2 and len(rows) <= _SMALL_TABLE_ROWS


def expand_spans(rows: list[list[tuple[str, int, int]]], *, limit: int = 100) -> list[list[str]]:
    """Grid from ``(text, colspan, rowspan)`` cells, following the contract's merge rules."""
    grid: list[list[str | None]] = []
    for r, row in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        col = 0
        for text, colspan, rowspan in row:
            line = grid[r]
            while col < len(line) and line[col] is not None:
                col += 1
            colspan = max(1, min(colspan, limit))
            rowspan = max(1, min(rowspan, limit, len(rows) - r))
            for dr in range(rowspan):
                target_row = r + dr
                while len(grid) <= target_row:
                    grid.append([])
                target = grid[target_row]
                while len(target) < col + colspan:
                    target.append(None)
                for dc in range(colspan):
                    target[col + dc] = text if dc == 0 else ""
            col += colspan
    return [[c or "" for c in row] for row in grid]


_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def finish_structured_text(text: str) -> str:
    """Clean-up for text we assembled ourselves (HTML, DOCX, PDF): NFC, tidy blank lines."""
    text = _ZERO_WIDTH.sub("", normalise_newlines(nfc(text)))
    text = _TRAILING_SPACE.sub("", text.replace("\u00a0", " "))
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip("\n") + "\n"


class Blocks:
    """Accumulates paragraphs and tables, one paragraph per line and a blank line between blocks."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.tables = 0
        self.layout_tables = 0

    def paragraph(self, text: str) -> None:
        text = text.strip()
        if text:
            self.parts.append(text)

    def table(self, rows: list[list[str]]) -> None:
        rendered = render_table(rows)
        if rendered:
            self.parts.append(rendered)
            self.tables += 1

    def text(self) -> str:
        return "\n\n".join(self.parts)
