"""PDF text layer via pdfplumber; ruled tables rendered as tables, in reading position.

Lines come out as the PDF lays them out (hard-wrapped, like the seed text
exports); pages are separated by a blank line and their start offsets are
kept in ``facts["page_starts"]``.  Scanned PDFs without a text layer are
refused (no OCR here).
"""

from __future__ import annotations

import io

from pipelines.ingest.encodings import EncodingProblem, convert_legacy, repair_legacy_text
from pipelines.ingest.formats.base import (
    Extracted,
    FormatProblem,
    ReadOptions,
    finish_structured_text,
    refuse_other_format,
    render_table,
)

_TAIL = 2048  # %%EOF must sit at the very end, give or take trailing whitespace/garbage


def check_pdf_container(data: bytes) -> None:
    refuse_other_format(data, "a PDF file", allowed="pdf")
    if b"%PDF-" not in data[:1024]:
        raise FormatProblem("not a PDF: no %PDF- header")
    if b"%%EOF" not in data[-_TAIL:]:
        raise FormatProblem("truncated PDF: no %%EOF marker at the end of the file")


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _page_text(page: object, options: ReadOptions) -> tuple[str, int]:
    tables = page.find_tables() if options.pdf_tables else []  # type: ignore[attr-defined]
    if not tables:
        return "\n".join(line["text"] for line in page.extract_text_lines()), 0  # type: ignore[attr-defined]
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))  # type: ignore[attr-defined]
    items: list[tuple[float, str]] = [(line["top"], line["text"]) for line in outside.extract_text_lines()]
    rendered = 0
    for table in tables:
        rows = [[cell or "" for cell in row] for row in table.extract()]
        text = render_table(rows)
        if text:
            items.append((table.bbox[1], "\n" + text + "\n"))
            rendered += 1
    items.sort(key=lambda item: item[0])
    return "\n".join(text for _, text in items), rendered


def read_pdf(data: bytes, options: ReadOptions) -> Extracted:
    check_pdf_container(data)
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    pages: list[str] = []
    tables = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > options.max_pages:
                raise FormatProblem(f"oversized PDF: {len(pdf.pages)} pages, above the {options.max_pages}-page limit")
            for page in pdf.pages:
                text, found = _page_text(page, options)
                pages.append(text)
                tables += found
    except PDFPasswordIncorrect as exc:
        raise FormatProblem("encrypted PDF: a password is needed to read it") from exc
    except FormatProblem:
        raise
    except Exception as exc:  # pdfminer raises many kinds (PDFSyntaxError, PSEOF, KeyError, ValueError ...)
        # pdfplumber wraps pdfminer's error: name the real one
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        name = type(inner).__name__
        exc = inner
        if "Password" in name or "Encrypt" in name:
            raise FormatProblem(f"encrypted PDF: cannot decrypt ({name})") from exc
        raise FormatProblem(f"corrupt PDF: {name}: {exc}") from exc
    if not any(p.strip() for p in pages):
        raise FormatProblem(f"PDF has no text layer on any of its {len(pages)} pages (scanned image?); OCR is not done")
    parts = [finish_structured_text(p) if p.strip() else "" for p in pages]
    try:
        repaired = repair_legacy_text("\n".join(parts))
    except EncodingProblem as exc:
        raise FormatProblem(str(exc)) from exc
    if repaired.legacy:
        # convert page by page so that page_starts point into the converted text
        parts = [convert_legacy(p, repaired.legacy) for p in parts]
    page_starts: list[int] = []
    offset = 0
    for part in parts:
        page_starts.append(offset)
        offset += len(part) + 1  # pages joined by one extra newline: a blank line between them
    text = "\n".join(parts)
    facts: dict[str, object] = {"pages": len(pages), "tables": tables, "page_starts": page_starts}
    if repaired.legacy:
        facts["legacy_encoding"] = repaired.legacy
    return Extracted(text=text, facts=facts)
