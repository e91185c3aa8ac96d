"""Reading a source file into a :class:`SourceText`: NFC text plus identity facts.

The format is chosen by suffix (``.txt``, ``.html``/``.htm``, ``.docx``,
``.pdf``; see :mod:`pipelines.ingest.formats`).  Every way a file can be
unusable ends in a :class:`SourceError` that names the file, says why, and
carries a short ``kind`` for reports: ``unsupported``, ``unreadable``,
``oversized``, ``empty``, ``binary``, ``encoding``, ``truncated``,
``zip_bomb``, ``encrypted``, ``no_text``, ``corrupt``, and ``reader_error``
when a library failed in an unforeseen way (malformed file or a bug here).
"""

from __future__ import annotations

import hashlib
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ingest.formats import FORMATS, SUPPORTED_SUFFIXES, FormatProblem, ReadOptions
from pipelines.ingest.formats.base import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_COMPRESSION_RATIO,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_UNPACKED_BYTES,
)


class SourceError(ValueError):
    """A file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str, *, kind: str = "invalid") -> None:
        self.path = str(path)
        self.reason = reason
        self.kind = kind
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True, slots=True)
class SourceText:
    """One version of one source document, decoded.

    ``sha256`` of the raw bytes is the identity of the version; ``text`` is
    the decoded NFC text that every character span refers to.
    """

    path: str
    name: str
    text: str
    sha256: str
    format: str
    size: int
    facts: dict[str, object] = field(default_factory=dict)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_CONVERT_HINTS = {
    ".doc": "; save old Word .doc files as .docx",
    ".rtf": "; save it as .docx",
    ".odt": "; save it as .docx",
    ".mht": "; save the page as .html",
    ".mhtml": "; save the page as .html",
}


def _megabytes(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB"


def _read_bytes(p: Path, max_bytes: int) -> bytes:
    try:
        info = p.stat()
    except FileNotFoundError as exc:
        raise SourceError(p, "file not found", kind="unreadable") from exc
    except OSError as exc:
        raise SourceError(p, f"cannot read file: {exc.strerror or exc}", kind="unreadable") from exc
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(p, "not a regular file", kind="unreadable")
    if info.st_size > max_bytes:
        raise SourceError(
            p,
            f"file is {_megabytes(info.st_size)}, above the {_megabytes(max_bytes)} limit (max_bytes={max_bytes})",
            kind="oversized",
        )
    try:
        with p.open("rb") as handle:
            # The file may grow between stat and read: up to ``max_bytes + 1`` bytes are read, in
            # two steps so that the buffer is sized by the file, not by the limit.
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += handle.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise SourceError(p, f"cannot read file: {exc.strerror or exc}", kind="unreadable") from exc
    if len(data) > max_bytes:
        raise SourceError(
            p, f"file is above the {_megabytes(max_bytes)} limit (max_bytes={max_bytes})", kind="oversized"
        )
    return data


def _kind_of(reason: str) -> str:
    lowered = reason.lower()
    for marker, kind in (
        ("unsupported", "unsupported"),
        ("zip bomb", "zip_bomb"),
        ("oversized", "oversized"),
        ("truncated", "truncated"),
        ("binary", "binary"),
        ("encrypted", "encrypted"),
        ("no text", "no_text"),
        ("mojibake", "encoding"),
        ("encoding", "encoding"),
        ("byte-order mark", "encoding"),
    ):
        if marker in lowered:
            return kind
    return "corrupt"


def read_source(
    path: Path | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
    max_compression_ratio: float = DEFAULT_MAX_COMPRESSION_RATIO,
    pdf_tables: bool = True,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> SourceText:
    """Read and decode one file (format chosen by suffix).

    Raises :class:`SourceError` with a clear reason for unusable input; no
    other exception escapes for a bad file (a library failing on a malformed
    file is reported as ``corrupt``), so one broken plan cannot stop a run.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        hint = _CONVERT_HINTS.get(suffix, "")
        raise SourceError(
            p, f"unsupported file type {suffix or '(no suffix)'!r} (supported: {supported}){hint}", kind="unsupported"
        )
    data = _read_bytes(p, max_bytes)
    # ``not data.strip()`` without the copy: bytes.isspace() tests the same ASCII whitespace.
    if not data or data.isspace():
        raise SourceError(p, "file is empty" if not data else "file holds only whitespace", kind="empty")
    fmt, reader = FORMATS[suffix]
    options = ReadOptions(
        max_bytes=max_bytes,
        max_unpacked_bytes=max_unpacked_bytes,
        max_compression_ratio=max_compression_ratio,
        pdf_tables=pdf_tables,
        max_pages=max_pages,
    )
    try:
        extracted = reader(data, options)
    except FormatProblem as exc:
        raise SourceError(p, str(exc), kind=_kind_of(str(exc))) from exc
    except (MemoryError, RecursionError) as exc:
        raise SourceError(
            p, f"{fmt} file too large or too deeply nested to read ({type(exc).__name__})", kind="corrupt"
        ) from exc
    except Exception as exc:  # a library tripping over a malformed file must not end the run
        # Not necessarily the file's fault: kind "reader_error" lets a caller retry after a fix
        # instead of treating the file as bad for good.
        raise SourceError(
            p,
            f"cannot read {fmt} file ({type(exc).__name__}: {exc}); malformed file or reader bug",
            kind="reader_error",
        ) from exc
    if not extracted.text or extracted.text.isspace():  # ``not text.strip()`` without the copy
        raise SourceError(p, "no text once decoded", kind="empty")
    return SourceText(
        path=str(p),
        name=p.name,
        text=extracted.text,
        sha256=sha256_bytes(data),
        format=fmt,
        size=len(data),
        facts=extracted.facts,
    )
