"""Shared fixtures: the bundled corpus, its gold answers, and one built graph per test session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD


@pytest.fixture(scope="session")
def gold_records() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]


@pytest.fixture(scope="session")
def seed_records() -> list[dict]:
    """Extraction records of the bundled seeds, computed once."""
    from pipelines.extract.record import extract_record
    from pipelines.ingest.source import read_source

    return [extract_record(read_source(p)) for p in sorted(RAW.glob("*.txt"))]


def copy_corpus(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for p in sorted(RAW.iterdir()):
        if p.is_file():
            shutil.copy2(p, dest / p.name)
    return dest


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory):
    """The seeds built once through the real asset graph into a temporary project folder."""
    from dagster import DagsterInstance

    from pipelines.runner import run_build
    from pipelines.settings import Settings

    root = tmp_path_factory.mktemp("project")
    copy_corpus(root / "data" / "raw")
    settings = Settings.from_root(root)
    with DagsterInstance.ephemeral() as instance:
        report = run_build(settings, instance=instance)
    return settings, report
