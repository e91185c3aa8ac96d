"""The project's packages (pipelines/, graph/) type-check: their hints are read by mypy, not only by people."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_packages_pass_mypy(tmp_path: Path) -> None:
    # The files and options come from pyproject.toml's [tool.mypy]; a private cache keeps the run
    # independent of any earlier one.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
