"""Format readers: bytes of one file -> NFC text plus format facts, chosen by file suffix."""

from __future__ import annotations

from collections.abc import Callable

from pipelines.ingest.formats.base import Extracted, FormatProblem, ReadOptions

Reader = Callable[[bytes, ReadOptions], Extracted]


def _txt(data: bytes, options: ReadOptions) -> Extracted:
    from pipelines.ingest.formats.txt import read_txt

    return read_txt(data, options)


def _html(data: bytes, options: ReadOptions) -> Extracted:
    from pipelines.ingest.formats.html import read_html

    return read_html(data, options)


def _docx(data: bytes, options: ReadOptions) -> Extracted:
    from pipelines.ingest.formats.docx import read_docx

    return read_docx(data, options)


def _pdf(data: bytes, options: ReadOptions) -> Extracted:
    from pipelines.ingest.formats.pdf import read_pdf

    return read_pdf(data, options)


# suffix -> (format name, reader); readers import their libraries lazily (pdfplumber is slow to import)
FORMATS: dict[str, tuple[str, Reader]] = {
    ".txt": ("txt", _txt),
    ".html": ("html", _html),
    ".htm": ("html", _html),
    ".docx": ("docx", _docx),
    ".pdf": ("pdf", _pdf),
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(FORMATS)

__all__ = ["FORMATS", "SUPPORTED_SUFFIXES", "Extracted", "FormatProblem", "ReadOptions"]
