"""Word's automatic list numbers ("1.", "a)", "II.") which python-docx leaves out of the text.

Plans number their sections, duties and appendix rows (the "STT" column)
with Word lists as often as by hand; without the labels a task loses its
index.  This follows ``numbering.xml`` for the common cases: a counter per
list instance (``numId``) and level, deeper levels restarting when a higher
one advances, ``lvlText`` templates such as ``%1.%2.``, start values and
start overrides, and the usual number formats.  Dash-like bullets are kept,
symbol-font bullets become ``•``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import qn

from pipelines.ingest.formats.base import format_number

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph

# lxml elements (python-docx's oxml classes): lxml ships no type hints
XmlElement = Any

_BULLET = "•"
_PLAIN_BULLETS = frozenset("-–—+*•◦▪■●○►→")


@dataclass(frozen=True, slots=True)
class _Level:
    start: int
    fmt: str
    text: str


def _val(element: XmlElement, tag: str) -> str | None:
    child = element.find(qn(tag))
    return None if child is None else child.get(qn("w:val"))


class Numbering:
    """Stateful labeller: call :meth:`label` for every paragraph in document order."""

    def __init__(self, document: Document) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self._styles: dict[str, XmlElement] = {}
        self._default_style: XmlElement | None = None
        self._style_cache: dict[str | None, tuple[str | None, int | None]] = {}
        try:
            styles_root = document.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            styles_root = None
        if styles_root is not None:
            for style in styles_root.findall(qn("w:style")):
                if style.get(qn("w:type")) == "paragraph":
                    self._styles[style.get(qn("w:styleId"))] = style
                    if style.get(qn("w:default")) in ("1", "true", "on"):
                        self._default_style = style
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in root.findall(qn("w:abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in abstract.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = _Level(
                    start=int(_val(lvl, "w:start") or 1),
                    fmt=_val(lvl, "w:numFmt") or "decimal",
                    text=_val(lvl, "w:lvlText") or "",
                )
            self.abstract[abstract.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            overrides: dict[int, int] = {}
            for override in num.findall(qn("w:lvlOverride")):
                start = _val(override, "w:startOverride")
                if start is not None:
                    overrides[int(override.get(qn("w:ilvl"), "0"))] = int(start)
            self.nums[num.get(qn("w:numId"))] = (_val(num, "w:abstractNumId") or "", overrides)

    def _style_num_pr(self, style_id: str | None) -> tuple[str | None, int | None]:
        """numId/ilvl a paragraph style gives, following basedOn (cached: style lookups are slow)."""
        if style_id in self._style_cache:
            return self._style_cache[style_id]
        found: tuple[str | None, int | None] = (None, None)
        element = self._styles.get(style_id) if style_id is not None else self._default_style
        seen = 0
        while element is not None and seen < 20:
            num_pr = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None and _val(num_pr, "w:numId") is not None:
                ilvl = _val(num_pr, "w:ilvl")
                found = (_val(num_pr, "w:numId"), int(ilvl) if ilvl is not None else None)
                break
            based_on = _val(element, "w:basedOn")
            element = self._styles.get(based_on) if based_on else None
            seen += 1
        self._style_cache[style_id] = found
        return found

    def _num_pr(self, paragraph: Paragraph) -> tuple[str, int] | None:
        p_pr = paragraph._p.pPr
        num_id: str | None = None
        ilvl: int | None = None
        style_id: str | None = None
        if p_pr is not None:
            style_id = p_pr.style
            num_pr: XmlElement = p_pr.numPr  # (python-docx hints it as its descriptor's class)
            if num_pr is not None:
                if num_pr.numId is not None:
                    num_id = str(num_pr.numId.val)
                if num_pr.ilvl is not None:
                    ilvl = int(num_pr.ilvl.val)
        if num_id is None:
            num_id, style_ilvl = self._style_num_pr(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id is None or num_id == "0":
            return None
        return num_id, int(ilvl or 0)

    def label(self, paragraph: Paragraph) -> str:
        found = self._num_pr(paragraph)
        if found is None or found[0] not in self.nums:
            return ""
        num_id, ilvl = found
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl not in levels:
            return ""

        def start(level: int) -> int:
            return overrides.get(level, levels[level].start if level in levels else 1)

        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, start(ilvl) - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        level = levels[ilvl]
        if level.fmt == "bullet":
            # Vietnamese plans often bullet with a dash: keep it; font-specific glyphs become "•"
            glyph = level.text.strip()
            return glyph if glyph in _PLAIN_BULLETS else _BULLET
        text = level.text
        for n in range(ilvl + 1, 0, -1):  # %10 is not a thing: levels go 0..8
            lvl_fmt = levels[n - 1].fmt if n - 1 in levels else "decimal"
            text = text.replace(f"%{n}", format_number(counters.get(n - 1, start(n - 1)), lvl_fmt))
        return text.strip()
