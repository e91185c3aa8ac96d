"""Plain text: encoding detection (UTF-8/16/32 with BOM, UTF-8, Windows-1258, TCVN3, VNI)."""

from __future__ import annotations

from pipelines.ingest.encodings import EncodingProblem, decode_bytes
from pipelines.ingest.formats.base import (
    Extracted,
    FormatProblem,
    ReadOptions,
    normalise_newlines,
    refuse_other_format,
)


def read_txt(data: bytes, options: ReadOptions) -> Extracted:
    refuse_other_format(data, "text")
    try:
        decoded = decode_bytes(data)
    except EncodingProblem as exc:
        raise FormatProblem(str(exc)) from exc
    # Keep the text as written (hard wraps, blank lines): only line ends are unified.  Both
    # replacements look for a carriage return: most files have none, and ``in`` finds that sooner.
    text = normalise_newlines(decoded.text) if "\r" in decoded.text else decoded.text
    facts: dict[str, object] = {"encoding": decoded.encoding, "bom": decoded.bom}
    if decoded.legacy:
        facts["legacy_encoding"] = decoded.legacy
    return Extracted(text=text, facts=facts)
