"""The extractor version names the code and reference tables that made a record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.extract import numbers, record


def test_version_carries_the_fingerprint_of_code_and_tables() -> None:
    assert f"0.1.0+{record.code_fingerprint()}" == record.EXTRACTOR_VERSION
    assert len(record.code_fingerprint()) == 12


def test_a_changed_reference_table_changes_the_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tables = tmp_path / "reference"
    shutil.copytree(numbers.REFERENCE_DIR, tables)
    monkeypatch.setattr(numbers, "REFERENCE_DIR", tables)
    before = record.code_fingerprint()
    with (tables / "agencies.csv").open("a", encoding="utf-8") as f:
        f.write("Sở Thử nghiệm,province,specific,,UBND tỉnh\n")
    assert record.code_fingerprint() != before
