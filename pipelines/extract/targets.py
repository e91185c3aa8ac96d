"""Targets (chỉ tiêu, mục tiêu cụ thể) with their printed values and years.

Two sources: items under a heading naming "chỉ tiêu" or "mục tiêu cụ thể"
("II. CÁC CHỈ TIÊU CHỦ YẾU", "b) Mục tiêu cụ thể:"), and rows of an appendix
table whose caption or content column names them ("DANH MỤC MỘT SỐ MỤC TIÊU
CỤ THỂ").  A general aim ("Mục tiêu chung") is not a target.
"""

from __future__ import annotations

import re

from pipelines.extract.responsibilities import _marker, _sentence_case
from pipelines.extract.tables import Table, find_tables, table_rows
from pipelines.extract.tasks import appendix_title
from pipelines.extract.text import collapse
from pipelines.extract.timeframes import parse_timeframe

_TARGET_HEADING = re.compile(r"chỉ\s+tiêu|mục\s+tiêu\s+cụ\s+thể", re.IGNORECASE)
# A line can match _ROMAN or a list marker (responsibilities._MARKERS) only if it starts like
# this; the scan over the whole text spares a per-line test of every line.
_CANDIDATE_LINE = re.compile(r"^[^\S\n]*(?:[IVXLC]+[^\S\n]*\.|\d|[a-zđ][^\S\n]*\)|[-–+•*])", re.MULTILINE)
_GENERAL_AIM = re.compile(r"mục\s+tiêu\s+chung", re.IGNORECASE)
_ROMAN = re.compile(r"^\s*([IVXLC]+)\s*\.\s+(\S.*)$")
_PERCENT = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s*%")
_RANK = re.compile(r"\btop\s+\d+\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:năm|đến|giai\s+đoạn)\s+((?:19|20)\d{2})(?:\s*[-–]\s*((?:19|20)\d{2}))?", re.IGNORECASE)
# The same matches, found sooner: a pattern opening with a look-behind (``(?<![\d.,])``) or ``\b`` is
# tried at every position, one opening with a class only where the class matches.  ``_PERCENT``:
# its first digit is consumed, then the look-behind spans it and the character before.  ``_YEAR``:
# its first letter is one of the six characters that equal "n", "đ" or "g" under IGNORECASE
# (checked over all of Unicode in the tests), consumed by a case-sensitive class; "\b" before a
# letter is "no word character before it"; the word's other letters follow the one consumed
# (each alternative checks, case-blind, which it was), all of the rest case-blind as before.
_PERCENT_SCAN = re.compile(r"(\d(?<![\d.,]\d)\d*(?:[.,]\d+)?)\s*%")
_YEAR_SCAN = re.compile(
    r"[nNđĐgG](?<![\w].)(?i:(?<=n)ăm|(?<=đ)ến|(?<=g)iai\s+đoạn)(?i:\s+((?:19|20)\d{2})(?:\s*[-–]\s*((?:19|20)\d{2}))?)"
)


# Every _RANK match holds "top" in some case: under IGNORECASE "t", "o" and "p" match only their
# two ASCII cases (checked over all of Unicode in the tests).  This case-sensitive pattern opens
# with a class the regex engine skips ahead on, where the IGNORECASE one tries every position.
_RANK_WORD = re.compile(r"[tT][oO][pP]")


def target_values(text: str) -> list[str]:
    """Printed percentages and ranks in order, repeats kept ("100 %" -> "100%")."""
    # A percentage holds "%" and a rank "top" (see _RANK_WORD): without them, no scan.
    found: list[tuple[int, str]] = [(m.start(), f"{m.group(1)}%") for m in _PERCENT_SCAN.finditer(text)] \
        if "%" in text else []
    if _RANK_WORD.search(text):
        found += [(m.start(), m.group(0)) for m in _RANK.finditer(text)]
    return [v for _, v in sorted(found)]


def target_years(text: str) -> list[int]:
    years: list[int] = []
    for m in _YEAR_SCAN.finditer(text):
        for g in m.groups():
            if g and int(g) not in years:
                years.append(int(g))
    return years


def _heading_text(lines: list[str] | _Lines, i: int, cut: int) -> tuple[str, int]:
    title = lines[i][cut:].strip()
    j = i + 1
    while j < len(lines) and title.isupper() and lines[j].strip().isupper() and not _marker(lines[j]):
        title += " " + lines[j].strip()
        j += 1
    return collapse(title), j


def _heading_candidates(text: str) -> list[int]:
    """Indices of the lines that may open a roman heading or a list item (``_CANDIDATE_LINE``)."""
    out: list[int] = []
    line_no, last = 0, 0
    for m in _CANDIDATE_LINE.finditer(text):
        line_no += text.count("\n", last, m.start())
        last = m.start()
        out.append(line_no)
    return out


# Every _TARGET_HEADING match holds "tiêu"; "ê" and "u" have no case-insensitive equivalents but
# their capitals (tests check every code point).  str.find of one character is far faster than
# the case-insensitive pattern's scan of the text.
_E_CASES = ("ê", "Ê")
_U_CASES = ("u", "U")


def _target_heading_matches(text: str) -> list[re.Match[str]]:
    """``list(_TARGET_HEADING.finditer(text))``, trying the pattern only where a match can start.

    Both alternatives are a three-letter word, whitespace, then "tiêu" (the "ê" two letters in),
    so a match starts three characters before the whitespace run that ends two characters before
    an "ê" followed by "u".  Two matches never overlap, so the matches at those starts are
    finditer's.
    """
    starts: set[int] = set()
    for e_case in _E_CASES:
        e = text.find(e_case)
        while e >= 0:
            if text[e + 1 : e + 2] in _U_CASES:
                j = e - 2
                while j > 0 and text[j - 1].isspace():
                    j -= 1
                if 3 <= j < e - 2:
                    starts.add(j - 3)
            e = text.find(e_case, e + 1)
    found = []
    for start in sorted(starts):
        m = _TARGET_HEADING.match(text, start)
        if m:
            found.append(m)
    return found


class _Lines:
    """``text.split("\n")`` read only at the lines asked for (a document's target sections are a
    few lines of it, and splitting all of it cost more than the rest of the section search).

    A line is cut out from the start of a nearby line already known: the caller names the line
    of each heading match (``anchor``) and then reads lines close to those, or one after another.
    """

    __slots__ = ("_last", "_lines", "_size", "_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._size = text.count("\n") + 1
        self._lines: dict[int, str] = {}
        self._starts: dict[int, int] = {0: 0}  # line index -> offset of its first character
        self._last = 0  # the line read last: the next one asked for is usually close to it

    def __len__(self) -> int:
        return self._size

    def anchor(self, index: int, start: int) -> None:
        """Line ``index`` starts at offset ``start``."""
        self._starts[index] = start
        self._last = index

    def __getitem__(self, index: int) -> str:
        line = self._lines.get(index)
        if line is not None:
            return line
        if not 0 <= index < self._size:
            raise IndexError(index)
        text, starts = self._text, self._starts
        k = self._last
        pos = starts[k]
        while k < index:
            pos = text.find("\n", pos) + 1
            k += 1
        while k > index:
            pos = text.rfind("\n", 0, pos - 1) + 1
            k -= 1
        starts[index] = pos
        end = text.find("\n", pos)
        self._lines[index] = line = text[pos:] if end < 0 else text[pos:end]
        self._last = index
        return line


def _heading_lines(text: str, lines: list[str] | _Lines, matches: list[re.Match[str]]) -> list[int]:
    """Indices of the only lines whose heading title (``_heading_text``) can name targets, in order.

    A title is line ``i`` (from its marker on) joined with the upper-case lines after it, whitespace
    collapsed, so a ``_TARGET_HEADING`` match in it is a match in the text at the same characters
    (its whitespace runs are whitespace there too; two matches never overlap, so ``finditer`` finds
    each).  That match starts on a line ``m`` with ``i <= m`` and every line ``i+1 .. m`` upper case.
    Lines outside these ranges open no target section, so the caller need not look at them.
    ``matches`` is ``_target_heading_matches(text)``.
    """
    out: list[int] = []
    line_no, last, covered = 0, 0, 0  # covered: lines below it are in ``out`` or ruled out
    prev_m = prev_lo = -1
    for match in matches:
        line_no += text.count("\n", last, match.start())
        last = match.start()
        m = line_no
        if m == prev_m:
            continue
        if isinstance(lines, _Lines):
            lines.anchor(m, text.rfind("\n", 0, last) + 1)
        lo = m
        while lo > 0 and lines[lo].strip().isupper():
            if lo == prev_m:  # the upper-case run goes on below the previous match's line
                lo = prev_lo
                break
            lo -= 1
        out.extend(range(max(lo, covered), m + 1))
        covered = max(covered, m + 1)
        prev_m, prev_lo = m, lo
    return out


def _section_targets(text: str) -> list[dict]:
    matches = _target_heading_matches(text)
    if not matches:
        return []  # no title can name targets
    lines = _Lines(text)
    out: list[dict] = []
    i = 0
    # Every line that can open a target section; the others would be passed over below.
    for candidate in _heading_lines(text, lines, matches):
        if candidate < i:
            continue
        i = candidate
        line = lines[i]
        rm = _ROMAN.match(line)
        mk = None if rm else _marker(line)
        if not (rm or mk):
            continue
        if rm:
            title, j = _heading_text(lines, i, line.index(rm.group(2)))
            label, kind = f"{rm.group(1)}.", "roman"
        else:
            assert mk is not None  # (a line with neither was passed over above)
            kind, lab, cut = mk
            title, j = _heading_text(lines, i, cut)
            label = f"{lab})" if kind == "letter" else (f"{lab}." if kind == "num" else "-")
        if not _TARGET_HEADING.search(title) or len(title.split()) > 12 or _GENERAL_AIM.search(title):
            continue
        section = f"{label} {_sentence_case(title).rstrip(':')}"
        items: list[list[str]] = []
        item_kind = None
        k = j
        while k < len(lines):
            ln = lines[k]
            if _ROMAN.match(ln):
                break
            m2 = _marker(ln)
            if m2:
                if item_kind is None and m2[0] != kind:
                    item_kind = m2[0]
                if m2[0] == item_kind:
                    items.append([m2[1], ln[m2[2]:].strip()])
                    k += 1
                    continue
                break
            if items and ln.strip():
                items[-1][1] += " " + ln.strip()
            elif not items and ln.strip() and item_kind is None:
                break  # prose under the heading: not a list of targets
            k += 1
        for n, (lab, body) in enumerate(items, start=1):
            if item_kind in ("num", "letter"):
                index = lab
            else:
                index = f"{label.rstrip(').')}-{n}" if kind == "letter" else str(n)
            body = collapse(body)
            out.append({"section": section, "index": index, "text": body,
                        "values": target_values(body), "years": target_years(body)})
        i = max(k, i + 1)
    return out


def _table_targets(text: str, document: dict, tables: list[Table] | None = None) -> list[dict]:
    year = None
    m = re.match(r"(\d{4})", str((document or {}).get("date") or ""))
    if m:
        year = int(m.group(1))
    out: list[dict] = []
    for table in find_tables(text) if tables is None else tables:
        header = " ".join(table.header)
        if "content" not in table.roles or not (
            _TARGET_HEADING.search(table.caption) or _TARGET_HEADING.search(header)
        ):
            continue
        default_section: str | None = None  # appendix_title(table.caption), read at the first row without a section
        for row in table_rows(table):
            section = row.section
            if not section:
                if default_section is None:
                    default_section = appendix_title(table.caption)
                section = default_section
            body = row.cells["content"]
            deadline = collapse(row.cells.get("timeframe", "")) or None
            parsed = parse_timeframe(deadline, year) if deadline else None
            years = target_years(body)
            if parsed and parsed.get("end"):
                y = int(parsed["end"][:4])
                if y not in years:
                    years.append(y)
            rec = {"section": section, "index": row.index, "text": body,
                   "values": target_values(body), "years": years}
            if deadline:
                rec["deadline"] = deadline
            out.append(rec)
    return out


def extract_targets(text: str, document: dict, *, tables: list[Table] | None = None) -> list[dict]:
    """Targets of a plan, in document order: heading lists first, then appendix tables.

    ``tables`` is ``find_tables(text)`` when the caller has it already (read, never changed).
    """
    return _section_targets(text) + _table_targets(text, document, tables)
