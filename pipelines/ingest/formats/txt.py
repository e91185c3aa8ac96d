"""Plain text: encoding detection (UTF-8/16/32 with BOM, UTF-8, Windows-1258, TCVN3, VNI)."""

from __future__ import annotations

from pipelines.ingest.encodings import EncodingProblem, decode_bytes
from pipelines.ingest.formats.base import Extracted, FormatProblem, ReadOptions, normalise_newlines

# Other formats renamed to .txt: name them rather than report "binary".
_MAGIC = ((b"%PDF-", "a PDF file"), (b"PK\x03\x04", "a ZIP/DOCX file"), (b"\xd0\xcf\x11\xe0", "an old Word/OLE file"))


def read_txt(data: bytes, options: ReadOptions) -> Extracted:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise FormatProblem(f"binary data, not text: looks like {what}")
    try:
        decoded = decode_bytes(data)
    except EncodingProblem as exc:
        raise FormatProblem(str(exc)) from exc
    # Keep the text as written (hard wraps, blank lines): only line ends are unified.
    text = normalise_newlines(decoded.text)
    facts: dict[str, object] = {"encoding": decoded.encoding, "bom": decoded.bom}
    if decoded.legacy:
        facts["legacy_encoding"] = decoded.legacy
    return Extracted(text=text, facts=facts)
