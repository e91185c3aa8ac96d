"""Table reconstruction for every layout plans arrive in.

Layouts:
- *cell blocks*: text exports where each cell is a block of hard-wrapped lines
  closed by a line holding only ``|`` (no row delimiter: rows are recovered
  from the header's column count);
- *pipe rows*: one row per line, ``| c1 | c2 | c3 |`` (how DOCX and HTML
  ingestion render tables into text);
- HTML ``<table>`` (selectolax), DOCX tables (python-docx) and PDF pages
  (pdfplumber) through :func:`rows_from_html`, :func:`rows_from_docx_table`
  and :func:`rows_from_pdf_page`, which give plain rows of cell strings.

Columns are found by meaning (nội dung / chủ trì / phối hợp / cấp ban hành /
thời gian), never by position.  Section rows ("I. Công tác chỉ đạo ...") are
carried into the rows below them; empty cells stay empty; repeated row
numbers are kept (``seq`` tells them apart).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import repeat

from pipelines.extract.regex_source import top_level_alternatives
from pipelines.extract.text import cache_short, collapse

# Column roles, tried in order: the first role whose pattern matches a header cell wins.
# "Cơ quan chủ trì đề xuất/tham mưu/thực hiện" is a lead column, so "chủ trì" comes first.
_ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("index", re.compile(r"^(?:số\s*(?:tt|thứ\s*tự)|stt|tt|số)\.?$")),
    ("lead", re.compile(r"chủ\s*trì|đơn\s*vị\s*(?:thực\s*hiện|triển\s*khai)|cơ\s*quan\s*(?:thực\s*hiện|triển\s*khai)|"
                        r"đơn\s*vị\s*đầu\s*mối|cơ\s*quan\s*đầu\s*mối")),
    ("coordinators", re.compile(r"phối\s*hợp")),
    ("approver", re.compile(r"cấp\s*(?:ban\s*hành|phê\s*duyệt|trình|quyết\s*định)|phê\s*duyệt|ban\s*hành")),
    ("timeframe", re.compile(r"thời\s*(?:gian|hạn|điểm)|tiến\s*độ|hoàn\s*thành")),
    ("output", re.compile(r"sản\s*phẩm|kết\s*quả")),
    ("note", re.compile(r"ghi\s*chú")),
    ("content", re.compile(r"nội\s*dung|nhiệm\s*vụ|công\s*việc|giải\s*pháp|mục\s*tiêu|chỉ\s*tiêu|hoạt\s*động|tên")),
)
_HEADER_ROLES_NEEDED = {"content"}
_SECTION = re.compile(r"^(?:(?:[IVXLC]+|[A-Z])\s*[.)-]\s*\S|(?:phần|mục|chương)\s+[IVXLC\d]+\b)", re.IGNORECASE)
_ROMAN_ONLY = re.compile(r"^[IVXLC]+\.?$")
_ROMAN_SECTION = re.compile(r"^[IVXLC]+\s*[.)]\s*\S")
_LETTER_INDEX = re.compile(r"[A-Z]\.?")
_PART_HEADING = re.compile(r"^(?:phần|mục|chương)\s", re.IGNORECASE)
_INDEX_CELL = re.compile(r"^\d+(?:\.\d+)*\.?$|^[a-zđ]\)?$")
_LEADING_INDEX = re.compile(r"^(\d+(?:\.\d+)*)\s*[.)]\s*(?=\S)")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
# Matches somewhere in a text whenever ``_PIPE_ROW`` matches one of its lines (a necessary condition).
_ANY_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$", re.MULTILINE)
# Every match of ``_ANY_PIPE_ROW`` holds two bars on one line (``.`` stops at a line break); this
# pattern opens with a literal, so it is found without testing every position of the text.
_TWO_BARS_ON_A_LINE = re.compile(r"\|[^\n]*\|")
# ``"<table" in text.lower()``: no character but "<" lowers to "<", and none but the ASCII letters
# of "table" in either case lowers to one of them (checked over all of Unicode in the tests).
_HTML_TABLE_TAG = re.compile(r"<[tT][aA][bB][lL][eE]")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass(slots=True)
class Table:
    """A reconstructed table: header cells, their roles, and body rows (raw cell text)."""

    header: list[str]
    roles: list[str]
    rows: list[list[str]]
    caption: str = ""
    start: int = 0  # character offset of the table in the source text
    end: int = 0
    layout: str = ""
    # cell text -> collapse(cell text), filled by the readers of this table's cells (a pure
    # function of the text, so it never goes stale; it lives as long as the table).
    flat_cache: dict[str, str] = field(default_factory=dict, repr=False, compare=False)


def flat_cell(table: Table, cell: str) -> str:
    """``collapse(cell)``, read once per distinct cell text of ``table``."""
    memo = table.flat_cache
    flat = memo.get(cell)
    if flat is None:
        flat = memo[cell] = collapse(cell)
    return flat


@dataclass(slots=True)
class TableRow:
    """One body row read through the header roles."""

    section: str
    index: str
    cells: dict[str, str] = field(default_factory=dict)  # role -> raw cell text (line breaks kept)
    seq: int = 0


def _strip_accents_slow(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


class _StripMap(dict[int, str]):
    """Code point -> its decomposition without nonspacing marks, filled on first use (for str.translate).

    Char by char equals the whole-string form unless a decomposition holds a non-starter that
    is not a nonspacing mark (canonical reordering could move it): such characters go to
    ``unsafe`` and texts holding them take the whole-string path.
    """

    def __init__(self) -> None:
        super().__init__()
        self.unsafe: set[str] = set()

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code))
        if any(unicodedata.combining(c) and unicodedata.category(c) != "Mn" for c in decomposed):
            self.unsafe.add(chr(code))
        value = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
        self[code] = value
        return value


_STRIP_MAP = _StripMap()


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text  # nothing to decompose
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = text.translate(_STRIP_MAP)
    if _STRIP_MAP.unsafe and not _STRIP_MAP.unsafe.isdisjoint(text):
        return _strip_accents_slow(text)
    return plain


# PDF text extraction sometimes loses diacritics: match headers without them too.
_ROLE_PATTERNS_PLAIN = tuple((role, re.compile(_strip_accents(p.pattern))) for role, p in _ROLE_PATTERNS)


def _any_of(patterns: tuple[tuple[str, re.Pattern[str]], ...]) -> re.Pattern[str]:
    """One pattern that matches where any of ``patterns`` matches (a single scan rules most cells out)."""
    return re.compile("|".join(f"(?:{p.pattern})" for _, p in patterns))


_ANY_ROLE = _any_of(_ROLE_PATTERNS)
_ANY_ROLE_PLAIN = _any_of(_ROLE_PATTERNS_PLAIN)


def _by_first_letter(patterns: list[str]) -> re.Pattern[str]:
    """``patterns`` joined by ``|``, with the alternatives that open with the same letter sharing one
    branch: the same language, but the regex engine compares each position with one letter per
    branch (and skips positions no branch can open at) instead of trying every alternative."""
    groups: dict[str, list[str]] = {}
    for alt in (a for p in patterns for a in top_level_alternatives(p)):
        if not alt[:1].isalpha() or alt[1:2] in ("*", "+", "?", "{"):
            raise ValueError(f"alternative {alt!r} does not open with a single letter")
        groups.setdefault(alt[0], []).append(alt[1:])
    return re.compile("|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items()))


# ``_ANY_ROLE_PLAIN.search(plain)`` as two faster searches: the index role is a whole short cell,
# the others open with a letter (see :func:`_by_first_letter`).
_INDEX_ROLE_PLAIN = dict(_ROLE_PATTERNS_PLAIN)["index"]
_ANY_WORD_ROLE_PLAIN = _by_first_letter([p.pattern for role, p in _ROLE_PATTERNS_PLAIN if role != "index"])


def _any_role_plain(plain: str) -> bool:
    """``bool(_ANY_ROLE_PLAIN.search(plain))``."""
    return _ANY_WORD_ROLE_PLAIN.search(plain) is not None or _INDEX_ROLE_PLAIN.search(plain) is not None


_HEADER_MAX = 120  # characters of a header cell, collapsed and casefolded


@cache_short(16384, 300)
def header_role(cell: str) -> str | None:
    """The meaning of one header cell, or None if it names no known column."""
    # A long block (a whole body of text) is no header: the collapsed words of a prefix are at
    # most as long as those of the whole, and casefolding never shortens a text.
    if cell is not None and len(cell) > 4 * _HEADER_MAX and len(collapse(cell[: 4 * _HEADER_MAX])) > _HEADER_MAX:
        return None
    text = collapse(cell).casefold()
    if not text or len(text) > _HEADER_MAX:
        return None
    plain = _strip_accents(text)
    if not _any_role_plain(plain):
        # The plain patterns are the accented ones with the accents taken off, and taking them off
        # the text keeps a match: no plain match, no match at all (one search for most cells).
        return None
    if _ANY_ROLE.search(text):
        for role, pattern in _ROLE_PATTERNS:
            if pattern.search(text):
                return role
    if _any_role_plain(plain):
        for role, pattern in _ROLE_PATTERNS_PLAIN:
            if pattern.search(plain):
                return role
    return None


def header_roles(cells: list[str]) -> list[str] | None:
    """Roles of a candidate header row; None unless it looks like a task table header."""
    roles = [header_role(c) or "" for c in cells]
    present = {r for r in roles if r}
    if not present >= _HEADER_ROLES_NEEDED:
        return None
    if len(present & {"lead", "coordinators", "timeframe", "approver"}) < 1 or len(present) < 2:
        return None
    # The same meaning twice is not a header (e.g. a body row quoting column names).
    named = [r for r in roles if r]
    if len(named) != len(set(named)):
        return None
    return [r or f"col{i}" for i, r in enumerate(roles)]


# --- cell blocks -------------------------------------------------------------------------


# A bar line after a line break; the first line of a text is tried separately.  The pattern opens
# with a literal, so the regex engine skips to each line break instead of testing every position.
_BAR_LINE_AFTER_BREAK = re.compile(r"\n[ \t]*\|[ \t]*(?=\n|\Z)")
_BAR_LINE_FIRST = re.compile(r"[ \t]*\|[ \t]*(?=\n|\Z)")


def _bar_lines(text: str) -> list[tuple[int, int]]:
    r"""Spans of ``re.finditer(r"^[ \t]*\|[ \t]*$", text, re.MULTILINE)``: lines holding one ``|``
    and spaces or tabs (span without the line break).  ``$`` of a multiline pattern is the end of
    the text or the place before a line break, which the lookahead ``(?=\n|\Z)`` says."""
    if "|" not in text:
        return []
    first = _BAR_LINE_FIRST.match(text)
    out = [first.span()] if first else []
    out.extend((m.start() + 1, m.end()) for m in _BAR_LINE_AFTER_BREAK.finditer(text))
    return out


# The bar lines after a line break, kept by ``split`` (a capturing group) so offsets can be summed.
_BAR_LINE_SPLIT = re.compile(r"(\n[ \t]*\|[ \t]*)(?=\n|\Z)")


class _Blocks:
    """Cell blocks of a text export: their texts, and their offsets on demand.

    The texts come from one ``split`` on the bar lines (``parts`` alternates the text between bar
    lines and the bar lines themselves, break in front included), so no Python step runs per
    block; an offset is the sum of the lengths of the parts before it, summed from the last
    offset asked for (tables are read front to back).  Blocks as :func:`_cell_blocks` gives them.
    """

    __slots__ = ("_first", "_k", "_lead", "_parts", "_pos", "_size", "cells")

    def __init__(self, text: str) -> None:
        first = _BAR_LINE_FIRST.match(text) if "|" in text else None
        parts = _BAR_LINE_SPLIT.split(text) if "|" in text else [text]
        self._parts = parts
        self._size = len(text)
        pieces = parts[0::2]
        # Each block is its piece less the line breaks at both ends (the break that ends the bar line
        # before it is the piece's first character).
        cells = list(map(str.strip, pieces, repeat("\n")))
        start0 = 0
        if first is not None:
            # A bar on the first line: an empty block at 0, and the first piece starts after its line.
            start0 = first.end() + 1
            cells[0] = pieces[0][start0:].strip("\n")
        if len(pieces) > 1:
            if len(pieces[-1]) <= 1:
                cells.pop()  # nothing after the last bar line but its line break
        elif start0 >= len(text):
            cells.pop()
        if first is not None:
            cells.insert(0, "")
        self.cells = cells
        self._first = start0
        self._lead = 1 if first is not None else 0
        self._k = 0  # piece whose start offset ``_pos`` is
        self._pos = 0

    def _piece_at(self, k: int) -> int:
        """Offset of piece ``k`` (of ``parts[2k]``)."""
        if k < self._k:
            self._k, self._pos = 0, 0
        self._pos += sum(map(len, self._parts[2 * self._k : 2 * k]))
        self._k = k
        return self._pos

    def start(self, b: int) -> int:
        k = b - self._lead
        if k < 0:
            return 0
        return self._first if k == 0 else self._piece_at(k) + 1

    def end(self, b: int) -> int:
        k = b - self._lead
        if k < 0:
            return 0
        if 2 * k + 1 >= len(self._parts):
            return self._size  # the last piece runs to the end of the text
        return self._piece_at(k) + len(self._parts[2 * k]) + 1


def _cell_blocks(text: str) -> list[tuple[str, int, int]]:
    """Split a text export into cell blocks closed by a line holding only ``|``.

    Returns (block text, start offset, end offset); the last block may lack its closing bar.
    The bar lines are those of :func:`_bar_lines`.
    """
    blocks = _Blocks(text)
    return [(cell, blocks.start(b), blocks.end(b)) for b, cell in enumerate(blocks.cells)]


@cache_short(4096, 1000)
def _split_caption(block: str) -> tuple[str, str] | None:
    """Split a block into (caption lines, header cell) when its tail is a header cell.

    Text before a table is not closed by a bar, so it shares a block with the first header cell.
    The header cell is the longest tail with the same meaning as the shortest meaningful tail
    ("dung công việc" -> "Nội dung công việc", but not "(Ban hành kèm theo ...) Nội dung ...").
    """
    # Tails are taken from the end, line by line (a block may be a long run of body text: it is
    # not split whole).  ``start`` is where line k opens, ``stop`` where it ends.
    found: tuple[int, str] | None = None
    stop = len(block)
    while True:
        nl = block.rfind("\n", 0, stop)
        start = nl + 1
        tail = block[start:]
        if len(collapse(tail)) > 80:
            break
        role = header_role(tail)
        if found is None and role:
            found = (start, role)
        elif found is not None:
            # Caption lines end a sentence or a parenthesis: "(Ban hành kèm theo ... tỉnh Bình" / "Định)".
            if role != found[1] or block[start:stop].rstrip().endswith((")", ".", ":", ";")):
                break
            found = (start, role)
        if nl < 0:
            break
        stop = nl
    if not found:
        return None
    start = found[0]
    return block[: max(start - 1, 0)], block[start:]


@cache_short(16384, 300)
def _continues_header_cell(cell: str) -> bool:
    """A further header cell: it names a column, is short, and opens no body row (cached: body cells
    are tested as the header's next cells row after row, and agency cells recur)."""
    if not header_role(cell):
        return False
    flat = collapse(cell)
    # The first body row ("I. Sản phẩm OCOP") is not a column name.
    return len(flat) <= 80 and not _SECTION.match(flat) and not _LEADING_INDEX.match(flat)


def _continues_header(blocks: list[tuple[str, int, int]], j: int) -> bool:
    """Block ``j`` is a further header cell (see :func:`_continues_header_cell`)."""
    return _continues_header_cell(blocks[j][0])


_SHORT_CELL = 16


def _header_at(blocks: list[tuple[str, int, int]], i: int) -> tuple[str, list[str], list[str], int] | None:
    """(caption, header cells, roles, index after the header) when a table header starts at block ``i``."""
    return _header_in([b[0] for b in blocks], i)


def _header_in(cells: list[str], i: int) -> tuple[str, list[str], list[str], int] | None:
    """:func:`_header_at` over the block texts alone."""
    n = len(cells)
    if i + 2 >= n:
        return None  # a header has at least three cells
    # The three tests are pure, so any order gives the same answer; the cheapest usually comes first.
    # A short cell ("1", "II") recurs from row to row, so its caption split is one cached call.
    # Otherwise the two blocks after ``i`` are tested first (the caption split of a long block reads
    # several tails), the second of them first: in a body row it is an agency cell, which recurs,
    # where the first is often a unique task text.
    cell = cells[i]
    first = None
    if len(cell) <= _SHORT_CELL:
        first = _split_caption_cached(cell)  # short enough for the cache (cache_short's own rule)
        if first is None:
            return None
    # (The cache is called directly for the cells short enough for it: cache_short's own rule.)
    cell2 = cells[i + 2]
    if not (_continues_cached(cell2) if len(cell2) <= _CONTINUES_MAX_LEN else _continues_header_cell(cell2)):
        return None
    if not _continues_header_cell(cells[i + 1]):
        return None
    if first is None:
        first = _split_caption(cell)
        if first is None:
            return None
    caption, head0 = first
    header = [head0, cells[i + 1], cells[i + 2]]
    j = i + 3
    while j < n and _continues_header_cell(cells[j]):
        header.append(cells[j])
        j += 1
    roles = header_roles(header)
    if roles:
        return caption, header, roles, j
    return None


_split_caption_cached = _split_caption.cached
assert _split_caption.max_len >= _SHORT_CELL
_continues_cached = _continues_header_cell.cached
_CONTINUES_MAX_LEN: int = _continues_header_cell.max_len


def tables_from_cell_blocks(text: str) -> list[Table]:
    """Tables of a text export whose cells are closed by ``|`` lines (seeds 000, 001)."""
    blocks = _Blocks(text)
    cells = blocks.cells
    n = len(cells)
    tables: list[Table] = []
    i = 0
    while i < n:
        found = _header_in(cells, i)
        if not found:
            i += 1
            continue
        caption, header, roles, j = found
        ncols = len(header)
        pad = [""] * (ncols - 1)
        has_index = "index" in roles
        index_first = has_index and roles[0] == "index"
        # collapse() of the cells read here, handed on to the readers of the table's rows.
        memo: dict[str, str] = {}
        rows: list[list[str]] = []
        while j < n:
            cell = cells[j]
            flat = memo.get(cell)
            if flat is None:
                flat = memo[cell] = collapse(cell)
            if not flat and not rows:
                j += 1
                continue
            # _header_in's first tests, without the call for most rows: a short cell opens no header
            # unless it splits as a caption; a longer one needs a header cell two blocks on.
            if len(cell) <= _SHORT_CELL:
                again = None if _split_caption_cached(cell) is None else _header_in(cells, j)
            elif j + 2 >= n:
                again = None
            else:
                cell2 = cells[j + 2]
                again = None if len(cell2) <= _CONTINUES_MAX_LEN and not _continues_cached(cell2) \
                    else _header_in(cells, j)
            if again:
                if again[2] == roles and not collapse(again[0]):
                    j = again[3]  # the header repeated at a page break
                    continue
                break  # another table starts
            # _is_section_cell, read with the roles known.
            if has_index:
                section = _ROMAN_SECTION.match(flat) is not None or _PART_HEADING.match(flat) is not None
            else:
                section = _SECTION.match(flat) is not None and _LEADING_INDEX.match(flat) is None
            if section and not _row_continues_in(cells, j, roles):
                rows.append([cell, *pad, "\x00section"])
                j += 1
                continue
            # _two_cell_band_in's own first tests: an index column first, a roman numeral in it.
            if index_first and _ROMAN_ONLY.match(flat) and _two_cell_band_in(cells, j, roles, flat):
                # "I" | "Công tác chỉ đạo" with the title cell merged over the other columns.
                title = f"{flat.rstrip('.')}. {collapse(cells[j + 1])}"
                rows.append([title, *pad, "\x00section"])
                j += 2
                continue
            chunk = cells[j : j + ncols]
            if len(chunk) < ncols:
                chunk += [""] * (ncols - len(chunk))
            j += ncols
            band = None
            if flat and ncols > 1:
                # Two distinct texts in the first two cells: _is_band_memo stops at the second one and
                # the row can only be a band through a roman or letter index cell.  A second cell that
                # opens with a non-space character other than the first text's first character is a
                # distinct text without collapsing it (collapse keeps that character first).
                lead = chunk[1][:1]
                if lead and lead != flat[0] and not lead.isspace() and (not has_index or (
                        index_first and not (_ROMAN_ONLY.match(flat) or _LETTER_INDEX.fullmatch(flat)))):
                    band = False
            if band is None:
                band = _is_band_memo(chunk, roles, memo)
            if band:
                rows.append([_band_text(chunk), *pad, "\x00section"])
                continue
            rows.append(chunk)
        tables.append(
            Table(header=header, roles=roles, rows=rows, caption=caption, start=blocks.start(i),
                  end=blocks.end(min(j, n) - 1), layout="cell_blocks", flat_cache=memo)
        )
        i = j
    return tables


def _two_cell_band(blocks: list[tuple[str, int, int]], j: int, roles: list[str], first: str) -> bool:
    """``first`` is ``collapse(blocks[j][0])`` (the caller has it); the other cells are only read
    when it is a roman numeral."""
    return _two_cell_band_in([b[0] for b in blocks], j, roles, first)


def _two_cell_band_in(cells: list[str], j: int, roles: list[str], first: str) -> bool:
    """:func:`_two_cell_band` over the block texts alone."""
    if "index" not in roles or roles.index("index") != 0 or j + 2 >= len(cells):
        return False
    if not _ROMAN_ONLY.match(first):
        return False
    second, third = collapse(cells[j + 1]), collapse(cells[j + 2])
    return bool(second) and not _INDEX_CELL.match(second) and bool(_INDEX_CELL.match(third) or _ROMAN_ONLY.match(third))


def _is_section_cell(flat: str, roles: list[str]) -> bool:
    if "index" in roles:
        return bool(_ROMAN_SECTION.match(flat)) or bool(_PART_HEADING.match(flat))
    return bool(_SECTION.match(flat)) and not _LEADING_INDEX.match(flat)


def _row_continues(blocks: list[tuple[str, int, int]], j: int, roles: list[str]) -> bool:
    """A roman-numbered index cell followed by content cells is a full row, not a section band."""
    return _row_continues_in([b[0] for b in blocks], j, roles)


def _row_continues_in(cells: list[str], j: int, roles: list[str]) -> bool:
    """:func:`_row_continues` over the block texts alone."""
    if "index" not in roles:
        return False
    nxt = collapse(cells[j + 1]) if j + 1 < len(cells) else ""
    return bool(_ROMAN_ONLY.match(collapse(cells[j]))) and bool(nxt) and not _INDEX_CELL.match(nxt)


# --- pipe rows (DOCX / HTML rendered to text) --------------------------------------------


def split_pipe_row(line: str) -> list[str]:
    """Cells of one ``| c1 | c2 |`` line; ``\\|`` is a literal bar inside a cell."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    cells = re.split(r"(?<!\\)\|", inner)
    return [c.replace("\\|", "|").strip().replace("<br>", "\n") for c in cells]


def tables_from_pipe_rows(text: str) -> list[Table]:
    """Tables rendered one row per line as ``| c1 | c2 | c3 |``."""
    tables: list[Table] = []
    if not _TWO_BARS_ON_A_LINE.search(text) or not _ANY_PIPE_ROW.search(text):
        return tables  # no line is a pipe row (one scan instead of a test per line)
    lines = text.split("\n")
    offsets = []
    pos = 0
    for ln in lines:
        offsets.append(pos)
        pos += len(ln) + 1
    i = 0
    while i < len(lines):
        if not _PIPE_ROW.match(lines[i]) or lines[i].strip() == "|":
            i += 1
            continue
        j = i
        rows: list[list[str]] = []
        while j < len(lines) and (_PIPE_ROW.match(lines[j]) and lines[j].strip() != "|"):
            if not _PIPE_SEPARATOR.match(lines[j]):
                rows.append(split_pipe_row(lines[j]))
            j += 1
        caption_lines = [ln for ln in lines[max(0, i - 6) : i] if ln.strip()]
        table = table_from_rows(rows, caption="\n".join(caption_lines))
        if table:
            table.start, table.end, table.layout = offsets[i], offsets[j - 1] + len(lines[j - 1]), "pipe_rows"
            tables.append(table)
        i = j
    return tables


def table_from_rows(rows: list[list[str]], caption: str = "") -> Table | None:
    """A :class:`Table` from plain rows (any layout): find the header by meaning, keep the rest."""
    for h, cells in enumerate(rows[:8]):
        roles = header_roles(cells)
        if not roles:
            continue
        ncols = len(cells)
        body: list[list[str]] = []
        for row in rows[h + 1 :]:
            row = [*row, *[""] * (ncols - len(row))][:ncols] if len(row) != ncols else list(row)
            if _is_numbering_row(row) or header_roles(row) == roles:
                continue  # "(1) | (2) | (3)" column numbers, or the header repeated at a page break
            if _is_band(row, roles):
                body.append([_band_text(row), *[""] * (ncols - 1), "\x00section"])
            else:
                body.append(row)
        return Table(header=list(cells), roles=roles, rows=body, caption=caption, layout="rows")
    return None


def _is_numbering_row(row: list[str]) -> bool:
    flat = [collapse(c) for c in row if collapse(c)]
    return bool(flat) and all(re.fullmatch(r"\(?\d{1,2}\)?", c) for c in flat) and len(flat) == len(row)


def _band_text(row: list[str]) -> str:
    cells = [collapse(c) for c in row if collapse(c)]
    # Merged cells come out repeated (python-docx, colspan expansion): keep one copy.
    uniq = list(dict.fromkeys(cells))
    if len(uniq) == 2 and _ROMAN_ONLY.match(uniq[0]):
        return f"{uniq[0].rstrip('.')}. {uniq[1]}"
    return " ".join(uniq)


_DUTY_ROLES = ("lead", "coordinators", "timeframe", "approver")


def _is_band(row: list[str], roles: list[str]) -> bool:
    """A section row: one distinct text across the row, or a roman index with a title and nothing else."""
    return _is_band_memo(row, roles, {})


def _is_band_memo(row: list[str], roles: list[str], memo: dict[str, str]) -> bool:
    """:func:`_is_band`, with ``memo`` holding ``collapse`` of the cells read before (filled here)."""
    # Cells are collapsed one by one until a second distinct text shows the row is no one-text band.
    only = ""
    filled = 0
    for c in row:
        flat = memo.get(c)
        if flat is None:
            flat = memo[c] = collapse(c)
        if not flat:
            continue
        if filled and flat != only:
            break
        only = flat
        filled += 1
    else:
        if not filled:
            return False
        return filled > 1 or (bool(_SECTION.match(only)) and not _LEADING_INDEX.match(only))
    if "index" not in roles:
        return False
    cell = row[roles.index("index")]
    index = memo.get(cell)
    if index is None:
        index = memo[cell] = collapse(cell)
    if not (_ROMAN_ONLY.match(index) or _LETTER_INDEX.fullmatch(index)):
        return False
    return not any(collapse(row[k]) for k, r in enumerate(roles) if r in _DUTY_ROLES)


# --- other formats -----------------------------------------------------------------------


def _table_depth(node) -> int:
    depth, parent = 0, node.parent
    while parent is not None:
        depth += parent.tag == "table"
        parent = parent.parent
    return depth


def _fill_pending(row: list[str], pending: dict[int, tuple[str, int]]) -> None:
    """Put the cells that rowspans above carry into this row's next columns."""
    while len(row) in pending:
        text, left = pending.pop(len(row))
        row.append(text)
        if left > 1:
            pending[len(row) - 1] = (text, left - 1)


def rows_from_html(html: str) -> list[list[list[str]]]:
    """Every ``<table>`` of an HTML page as rows of cell text (colspan repeated, like merged DOCX cells)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    out: list[list[list[str]]] = []
    for table in tree.css("table"):
        own = _table_depth(table) + 1
        rows: list[list[str]] = []
        pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still covered) from rowspan
        for tr in table.css("tr"):
            if _table_depth(tr) != own:
                continue  # a row of a nested table belongs to the inner table
            row: list[str] = []
            for cell in tr.iter():
                if cell.tag not in ("td", "th"):
                    continue
                _fill_pending(row, pending)
                parts = [p.text(separator=" ") for p in cell.css("p")] or [cell.text(separator=" ")]
                value = "\n".join(collapse(p) for p in parts if collapse(p))
                colspan, rowspan = (cell.attributes.get(a) or "1" for a in ("colspan", "rowspan"))
                span = max(int(colspan) if colspan.isdigit() else 1, 1)
                down = max(int(rowspan) if rowspan.isdigit() else 1, 1)
                for _ in range(span):
                    if down > 1:
                        pending[len(row)] = (value, down - 1)
                    row.append(value)
            _fill_pending(row, pending)
            if row:
                rows.append(row)
        out.append(rows)
    return out


def rows_from_docx_table(table) -> list[list[str]]:
    """Rows of a python-docx table (merged cells repeat their text, as python-docx reports them)."""
    rows: list[list[str]] = []
    for row in table.rows:
        rows.append(["\n".join(p.text.strip() for p in cell.paragraphs if p.text.strip()) for cell in row.cells])
    return rows


def render_pipe_rows(rows: list[list[str]]) -> str:
    """Render rows the way ingestion writes tables into text: one ``| c1 | c2 |`` line per row."""
    def cell(c: str) -> str:
        return collapse(c.replace("|", "\\|").replace("\n", "<br>")) if "\n" in c else collapse(c.replace("|", "\\|"))

    return "\n".join("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)


def rows_from_pdf_page(page) -> list[list[list[str]]]:
    """Tables of one pdfplumber page as rows of cell text (None cells become empty)."""
    return [[[c or "" for c in row] for row in t] for t in page.extract_tables()]


# --- reading rows through roles ----------------------------------------------------------


def find_tables(text: str) -> list[Table]:
    """Every task table in a decoded text, whatever its layout, in document order."""
    tables = tables_from_cell_blocks(text) + tables_from_pipe_rows(text)
    if _HTML_TABLE_TAG.search(text):
        for rows in rows_from_html(text):
            t = table_from_rows(rows)
            if t:
                t.layout = "html"
                tables.append(t)
    return sorted(tables, key=lambda t: t.start)


def table_rows(table: Table) -> list[TableRow]:
    """Body rows with section carried down, index split from content, raw cells by role."""
    out: list[TableRow] = []
    section = ""
    roles = table.roles
    width = len(roles)
    memo = table.flat_cache  # collapse() of the cells, shared with the other readers of the table
    for row in table.rows:
        if row and row[-1] == "\x00section":
            section = collapse(row[0])
            continue
        # The same mapping as a comprehension over the roles (a repeated role keeps its last cell); short rows padded.
        cells = dict(zip(roles, row if len(row) >= width else [*row, *[""] * (width - len(row))], strict=False))
        cell = cells.get("content", "")
        content = memo.get(cell)
        if content is None:
            content = memo[cell] = collapse(cell)
        cell = cells.get("index", "")
        index = memo.get(cell)
        if index is None:
            index = memo[cell] = collapse(cell)
        index = index.rstrip(".)")
        m = _LEADING_INDEX.match(content)
        if m:
            index = index or m.group(1)
            content = content[m.end():].strip()
        if not content and not any(flat_cell(table, v) for k, v in cells.items() if k != "index"):
            continue
        cells["content"] = content
        out.append(TableRow(section, index, cells, len(out) + 1))
    return out
