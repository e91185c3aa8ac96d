"""Listing the source files of a folder, with their content hash, for sensors and schedules.

Partition keys: one Dagster dynamic partition per source *file name*.  The
key is the NFC file name itself when it is already safe; otherwise unsafe
characters become ``_`` and ``~`` plus the first 8 hex digits of the
name's sha1 is appended, so two names that sanitise alike keep distinct
keys.  The key depends on the name only, never on the folder or content: a
plan dropped into the inbox under an existing name is a new version of the
same partition (its sha256 tells the versions apart).
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.formats import SUPPORTED_SUFFIXES
from pipelines.ingest.quarantine import REASON_SUFFIX

# Editors, browsers and copy tools leave these while a file is being written.
_TEMP_PREFIXES = ("~$", ".~lock", "~", ".")
_TEMP_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".swp", "~", REASON_SUFFIX)
_MAX_KEY = 200
_UNSAFE = re.compile(r"[^\w.\-+()@]+", re.UNICODE)
_DOTS = re.compile(r"\.{2,}")  # Dagster refuses "..." (range syntax) in partition keys


@dataclass(frozen=True, slots=True)
class SourceFile:
    name: str
    path: Path
    key: str
    sha256: str | None  # None when the file could not be read (see ``error``)
    size: int
    mtime: float
    supported: bool = True
    error: str | None = None


def is_candidate_name(name: str) -> bool:
    """False for hidden, lock and partial-download files."""
    lowered = name.lower()
    return not (lowered.startswith(_TEMP_PREFIXES) or lowered.endswith(_TEMP_SUFFIXES))


def partition_key(path: Path | str) -> str:
    name = unicodedata.normalize("NFC", Path(path).name)
    safe = _DOTS.sub(".", _UNSAFE.sub("_", name)).strip("_") or "_"
    if safe == name and len(name) <= _MAX_KEY:
        return name
    tag = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{safe[: _MAX_KEY - 9]}~{tag}"


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def scan_folder(
    folder: Path | str,
    *,
    recursive: bool = False,
    include_unsupported: bool = False,
    min_age_seconds: float = 0.0,
) -> list[SourceFile]:
    """Candidate source files in ``folder``, sorted by name.

    Files with a suffix we cannot read are left out unless
    ``include_unsupported`` (then ``supported=False``, so a caller can
    quarantine them).  Files modified less than ``min_age_seconds`` ago are
    skipped as possibly still being copied.  A file that cannot be hashed is
    listed with ``sha256=None`` and ``error`` rather than stopping the scan.
    A missing folder yields an empty list.
    """
    root = Path(folder)
    if not root.is_dir():
        return []
    now = time.time()
    pattern = root.rglob("*") if recursive else root.iterdir()
    found: list[SourceFile] = []
    for path in pattern:
        relative_parts = path.relative_to(root).parts
        if any(not is_candidate_name(part) for part in relative_parts):
            continue
        try:
            info = path.stat()
        except OSError:
            continue  # vanished or a dangling link
        if not path.is_file():
            continue
        supported = path.suffix.lower() in SUPPORTED_SUFFIXES
        if not supported and not include_unsupported:
            continue
        if min_age_seconds and now - info.st_mtime < min_age_seconds:
            continue
        sha256: str | None = None
        error: str | None = None
        try:
            sha256 = file_sha256(path)
        except OSError as exc:
            error = f"cannot read file: {exc.strerror or exc}"
        found.append(
            SourceFile(
                name=path.name,
                path=path,
                key=partition_key(path),
                sha256=sha256,
                size=info.st_size,
                mtime=info.st_mtime,
                supported=supported,
                error=error,
            )
        )
    return sorted(found, key=lambda f: (f.name, str(f.path)))
