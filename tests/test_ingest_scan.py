"""Folder scanning options: recursion, settling time, unsupported files."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipelines.ingest.scan import is_candidate_name, scan_folder


def test_scan_options(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text("Kế hoạch", encoding="utf-8")
    (tmp_path / "B.PDF").write_bytes(b"%PDF-1.4")
    (tmp_path / "sub" / "c.html").write_text("<p>Sở Nội vụ</p>", encoding="utf-8")
    (tmp_path / ".git" / "d.txt").write_text("hidden folder", encoding="utf-8")
    (tmp_path / "e.xlsx").write_bytes(b"PK")
    old = time.time() - 3600
    for path in (tmp_path / "a.txt", tmp_path / "B.PDF", tmp_path / "sub" / "c.html"):
        os.utime(path, (old, old))

    assert [f.name for f in scan_folder(tmp_path)] == ["B.PDF", "a.txt"]  # suffixes matched case-insensitively
    assert [f.name for f in scan_folder(tmp_path, recursive=True)] == ["B.PDF", "a.txt", "c.html"]
    assert [(f.name, f.supported) for f in scan_folder(tmp_path, include_unsupported=True)] == [
        ("B.PDF", True),
        ("a.txt", True),
        ("e.xlsx", False),
    ]
    (tmp_path / "fresh.txt").write_text("đang chép", encoding="utf-8")  # still being copied
    assert "fresh.txt" not in [f.name for f in scan_folder(tmp_path, min_age_seconds=60)]
    assert "fresh.txt" in [f.name for f in scan_folder(tmp_path)]
    assert scan_folder(tmp_path / "missing") == []


def test_temporary_names() -> None:
    for name in ("~$plan.docx", ".~lock.plan.docx#", ".DS_Store", "plan.pdf.part", "plan.crdownload", "x.tmp"):
        assert not is_candidate_name(name), name
    for name in ("plan.docx", "Kế hoạch 358.pdf", "358_KH-UBND.txt"):
        assert is_candidate_name(name), name
