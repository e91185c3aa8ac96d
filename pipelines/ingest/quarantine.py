"""Moving a file that cannot be ingested into the quarantine folder, with a reason file.

Move, not copy, by default: a broken file left in ``data/inbox/`` would be
picked up again by the sensor on every tick.  The move never loses the file:
a same-filesystem ``os.rename`` is atomic, and across filesystems the file is
copied to a temporary name in the quarantine folder, flushed, checked
against the source's sha256, renamed into place, and only then removed from
where it was.  ``keep_original=True`` copies instead (for a curated folder
such as ``data/raw/`` that must stay as it is).

Next to ``<name>`` the folder holds ``<name>.reason.txt``: ``key: value``
lines (reason, source path, UTC time, sha256, size).  A second file with the
same name but other content gets ``<stem>.2<suffix>`` (then ``.3`` ...); the
same content quarantined again reuses its slot and its reason file records
the latest reason.  A file that cannot be moved or copied (missing,
unreadable and on another filesystem) still gets its reason file, which
says where the file is and why it is not there.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REASON_SUFFIX = ".reason.txt"


def reason_path(quarantined: Path) -> Path:
    return quarantined.with_name(quarantined.name + REASON_SUFFIX)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _try_sha256(path: Path) -> str | None:
    try:
        return _sha256_file(path)
    except OSError:
        return None


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".reason")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _copy_atomic(src: Path, dest: Path, expected_sha256: str | None) -> None:
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-", suffix=dest.suffix)
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        if expected_sha256 is not None and _sha256_file(Path(tmp)) != expected_sha256:
            raise OSError(errno.EIO, f"copy of {src} does not match its sha256 (file changed while copying?)")
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _slot(name: str, quarantine_dir: Path, sha256: str | None) -> tuple[Path, bool]:
    """Destination for ``name``: (path, already holds the same content)."""
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while True:
        candidate = quarantine_dir / (name if n == 1 else f"{stem}.{n}{suffix}")
        if not candidate.exists() and not reason_path(candidate).exists():
            return candidate, False
        if sha256 is not None and candidate.exists() and _try_sha256(candidate) == sha256:
            return candidate, True
        n += 1


def quarantine(path: Path, reason: str, quarantine_dir: Path, *, keep_original: bool = False) -> Path:
    """Put ``path`` into ``quarantine_dir`` with a ``.reason.txt``; return where the file now is."""
    path = Path(path)
    quarantine_dir = Path(quarantine_dir)
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    sha256 = _try_sha256(path)
    dest, duplicate = _slot(path.name, quarantine_dir, sha256)
    note = ""
    if duplicate:
        if not keep_original:
            path.unlink()  # identical bytes are already safe in quarantine
        note = "same content was already quarantined here"
    elif keep_original:
        try:
            _copy_atomic(path, dest, sha256)
            note = "copied; the original was left in place"
        except OSError as exc:
            note = f"NOT copied ({exc.strerror or exc}); the file is still at its source path"
    else:
        try:
            os.rename(path, dest)  # atomic; needs no read permission
            note = "moved"
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                note = f"NOT moved ({exc.strerror or exc}); the file is still at its source path"
            else:
                try:
                    _copy_atomic(path, dest, sha256)
                    path.unlink()
                    note = "moved (copied across filesystems, checked, then removed)"
                except OSError as copy_exc:
                    note = f"NOT moved ({copy_exc.strerror or copy_exc}); the file is still at its source path"
    if sha256 is None and dest.exists():
        sha256 = _try_sha256(dest)
    size = dest.stat().st_size if dest.exists() else None
    lines = {
        "reason": " ".join(reason.split()),
        "source": str(path),
        "quarantined_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sha256": sha256 or "unavailable (file unreadable)",
        "size": "unknown" if size is None else str(size),
        "file": note,
    }
    _write_atomic(reason_path(dest), "".join(f"{k}: {v}\n" for k, v in lines.items()))
    return dest


def read_reason(path: Path) -> dict[str, str]:
    """The ``key: value`` lines of a reason file (``path`` is the reason file or the quarantined file)."""
    path = Path(path)
    if not path.name.endswith(REASON_SUFFIX):
        path = reason_path(path)
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            fields[key] = value
    return fields


def list_quarantined(quarantine_dir: Path) -> list[dict[str, str]]:
    """Every reason file in ``quarantine_dir`` with ``name`` (the quarantined file's name) added."""
    folder = Path(quarantine_dir)
    if not folder.is_dir():
        return []
    found = []
    for reason_file in sorted(folder.glob("*" + REASON_SUFFIX)):
        fields = read_reason(reason_file)
        fields["name"] = reason_file.name.removesuffix(REASON_SUFFIX)
        found.append(fields)
    return found
