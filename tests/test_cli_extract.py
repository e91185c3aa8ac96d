"""`vanban extract`: the extraction record contract on stdout, clear errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import app
from tests.conftest import RAW

CONTRACT_KEYS = {"source", "document", "citations", "tasks", "targets", "agencies"}
DOCUMENT_KEYS = {"number", "doc_type", "issuer", "province", "date", "title", "signer"}

runner = CliRunner()


def test_a_folder_gives_a_list_of_records() -> None:
    result = runner.invoke(app, ["extract", str(RAW), "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    assert [r["source"] for r in records] == sorted(p.name for p in RAW.glob("*.txt"))
    for record in records:
        assert set(record) >= CONTRACT_KEYS
        assert set(record["document"]) >= DOCUMENT_KEYS


def test_one_file_gives_one_record() -> None:
    seed = sorted(RAW.glob("*.txt"))[0]
    result = runner.invoke(app, ["extract", str(seed), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert isinstance(record, dict) and record["source"] == seed.name


def test_text_is_nfc_and_keeps_diacritics() -> None:
    import unicodedata

    result = runner.invoke(app, ["extract", str(RAW), "--json"])
    assert unicodedata.is_normalized("NFC", result.stdout)
    assert "Tiền Giang" in result.stdout


def test_an_unreadable_file_is_named_with_its_reason(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = sorted(RAW.glob("*.txt"))[0]
    result = runner.invoke(app, ["extract", str(empty), str(good), "--json"])
    assert result.exit_code == 0
    assert "empty.txt" in result.stderr and "empty" in result.stderr.lower()
    assert [r["source"] for r in json.loads(result.stdout)] == [good.name]


def test_only_bad_input_fails(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["extract", str(empty), "--json"])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr
