"""Reading a source file into a :class:`SourceText`: NFC text plus identity facts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.extract.text import nfc


class SourceError(ValueError):
    """A file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
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


def read_source(path: Path | str) -> SourceText:
    """Read and decode one file (format chosen by suffix).

    Raises :class:`SourceError` with a clear reason for unreadable input.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise SourceError(p, f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise SourceError(p, "file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(p, f"not valid UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return SourceText(
        path=str(p), name=p.name, text=nfc(text), sha256=sha256_bytes(data), format="txt", size=len(data)
    )
