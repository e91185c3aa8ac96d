"""Saved web pages (.html/.htm): page chrome removed, paragraphs as lines, tables as tables.

Chrome is removed by what it is, never by where the content happens to be:
scripts/styles/forms controls, ``nav``/``aside``, ARIA landmarks for
navigation/banner/footer/search, hidden elements, and elements whose class
or id names a menu, breadcrumb, sidebar, share bar, banner, footer ...
``header``/``footer`` elements are chrome only outside ``article``/``main``
(inside they hold the article title and date).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipelines.extract.text import collapse
from pipelines.ingest.encodings import EncodingProblem, decode_bytes, repair_legacy_text
from pipelines.ingest.formats.base import (
    Blocks,
    Extracted,
    FormatProblem,
    ReadOptions,
    expand_spans,
    finish_structured_text,
    format_number,
    is_layout_table,
    refuse_other_format,
)


def _words_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_DROP_TAGS = _words_set(
    "script style noscript template svg canvas iframe object embed nav aside input select option "
    "button textarea label datalist dialog map area audio video picture source track head title meta link"
)
_LANDMARK_CHROME = frozenset({"navigation", "banner", "contentinfo", "search", "complementary", "menu", "menubar"})
_CHROME_WORDS = _words_set(
    "nav navbar menu menus submenu topmenu mainmenu breadcrumb breadcrumbs sidebar footer header banner social "
    "share sharing ads advert advertisement cookie cookies related comments comment toolbar pagination login "
    "search skip hotline copyright"
)
_BLOCK_TAGS = _words_set(
    "p div section article main header footer h1 h2 h3 h4 h5 h6 ul ol li dl dt dd blockquote pre address "
    "figure figcaption center hr fieldset legend details summary body html caption"
)
_NAME_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z0-9]+(?![a-z])")  # "mainMenu" -> main, menu
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_MAX_SPAN = 100


def _words(value: str) -> set[str]:
    return {w.lower() for w in _NAME_WORD.findall(value)}


def _is_chrome(node: LexborNode, *, in_article: bool, page_chars: int = 0) -> bool:
    tag = node.tag or ""
    if tag in _DROP_TAGS:
        return True
    if tag in ("header", "footer") and not in_article:
        return True
    attrs = node.attributes
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    if _HIDDEN_STYLE.search(attrs.get("style") or ""):
        return True
    if (attrs.get("role") or "").lower() in _LANDMARK_CHROME:
        return True
    names = _words(" ".join(filter(None, (attrs.get("class"), attrs.get("id")))))
    if in_article:
        names.discard("header")
    if not names & _CHROME_WORDS:
        return False
    # A wrapper named "has-sidebar" or "page-header-fixed" holding most of the page is not chrome.
    return page_chars == 0 or len(node.text()) < page_chars // 2


class _Walker:
    def __init__(self, page_chars: int = 0) -> None:
        self.page_chars = page_chars
        self.blocks = Blocks()
        self.inline: list[str] = []
        self.chrome_removed = 0
        self.label = ""

    def flush(self) -> None:
        text = "".join(self.inline)
        self.inline.clear()
        if self.label and text.strip():
            # a list number waits for its item's first text, which may sit in a nested <p>
            text, self.label = f"{self.label} {text.lstrip()}", ""
        # <br> breaks a line inside the paragraph; the paragraph itself ends with a blank line
        self.blocks.paragraph("\n".join(filter(None, (collapse(line) for line in text.split("\n")))))

    def walk(self, node: LexborNode, *, in_article: bool = False, in_pre: bool = False) -> None:
        # an ordered list shows its numbers ("1.", "a.") as a browser's "save as text" does
        number = _ol_start(node) if node.tag == "ol" else None
        for child in node.iter(include_text=True):
            tag = child.tag or ""
            if tag == "-text":
                raw = child.text_content or ""
                self.inline.append(raw if in_pre else re.sub(r"\s+", " ", raw))
                continue
            if tag.startswith("-"):  # comments, doctype
                continue
            if _is_chrome(child, in_article=in_article, page_chars=self.page_chars):
                self.chrome_removed += 1
                continue
            if tag == "br":
                self.inline.append("\n")
                continue
            if tag == "table":
                self.flush()
                self.table(child, in_article=in_article)
                continue
            block = tag in _BLOCK_TAGS or tag in ("tr", "td", "th")
            if block:
                self.flush()
            if number is not None and tag == "li":
                number = _int_attr(child, "value", number)
                self.label = _ol_label(number, node.attributes.get("type") or "1")
                number += 1
            self.walk(child, in_article=in_article or tag in ("article", "main"), in_pre=in_pre or tag == "pre")
            if block:
                self.flush()

    def table(self, table: LexborNode, *, in_article: bool) -> None:
        for caption in (c for c in table.iter() if c.tag == "caption"):
            self.walk(caption, in_article=in_article)
            self.flush()
        rows: list[list[tuple[str, int, int]]] = []
        nested = False
        for tr in _own_rows(table):
            row = []
            for cell in tr.iter():
                if cell.tag not in ("td", "th") or _is_chrome(cell, in_article=True):
                    continue
                nested = nested or cell.css_first("table") is not None
                row.append((_cell_text(cell), _span(cell, "colspan"), _span(cell, "rowspan")))
            if row:
                rows.append(row)
        grid = expand_spans(rows, limit=_MAX_SPAN)
        if is_layout_table(grid, nested=nested):
            self.blocks.layout_tables += 1
            for tr in _own_rows(table):
                for cell in tr.iter():
                    if cell.tag in ("td", "th"):
                        self.walk(cell, in_article=in_article)
                        self.flush()
            return
        self.blocks.table(grid)


def _own_rows(table: LexborNode) -> list[LexborNode]:
    rows = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child.iter() if r.tag == "tr")
    return rows


def _cell_text(cell: LexborNode) -> str:
    walker = _Walker()
    walker.walk(cell, in_article=True)
    walker.flush()
    return " ".join(walker.blocks.parts)


def _int_attr(node: LexborNode, name: str, default: int) -> int:
    try:
        return int((node.attributes.get(name) or "").strip())
    except ValueError:
        return default


def _span(cell: LexborNode, name: str) -> int:
    return _int_attr(cell, name, 1)


def _ol_start(node: LexborNode) -> int:
    return _int_attr(node, "start", 1)


def _ol_label(n: int, kind: str) -> str:
    fmt = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}.get(kind, "decimal")
    return format_number(n, fmt) + "."


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii").lower() if match else None


def read_html(data: bytes, options: ReadOptions) -> Extracted:
    refuse_other_format(data, "an HTML page")
    try:
        decoded = decode_bytes(data, declared=_declared_charset(data))
    except EncodingProblem as exc:
        raise FormatProblem(str(exc)) from exc
    tree = LexborHTMLParser(decoded.text)
    root = tree.body or tree.root
    if root is None:
        raise FormatProblem("HTML has no body")
    title_node = tree.css_first("title")
    walker = _Walker(page_chars=len(root.text()))
    try:
        walker.walk(root)
    except RecursionError as exc:
        raise FormatProblem("HTML is nested too deeply to read") from exc
    walker.flush()
    text = finish_structured_text(walker.blocks.text())
    if not text.strip():
        raise FormatProblem("HTML page has no text once navigation and scripts are removed")
    try:
        repaired = repair_legacy_text(text)
    except EncodingProblem as exc:
        raise FormatProblem(str(exc)) from exc
    facts: dict[str, object] = {
        "encoding": decoded.encoding,
        "tables": walker.blocks.tables,
        "layout_tables": walker.blocks.layout_tables,
        "chrome_removed": walker.chrome_removed,
    }
    if title_node is not None and collapse(title_node.text()):
        facts["title"] = collapse(title_node.text())
    legacy = decoded.legacy or repaired.legacy
    if legacy:
        facts["legacy_encoding"] = legacy
    return Extracted(text=repaired.text, facts=facts)
