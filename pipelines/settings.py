"""Where the corpus, the work files and the outputs live; one object shared by CLI and Dagster."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BASE_IRI = "https://w3id.org/vanban/"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def project_root() -> Path:
    """The project folder: ``VANBAN_ROOT`` if set, else the current directory."""
    return Path(os.environ.get("VANBAN_ROOT") or Path.cwd()).resolve()


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    outputs_dir: Path
    inbox_dir: Path
    quarantine_dir: Path
    base_iri: str = DEFAULT_BASE_IRI
    max_bytes: int = DEFAULT_MAX_BYTES
    store_url: str | None = None
    draw: bool = True
    # Processes for the per-document stages; 0 means every core this process may use.
    workers: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_root(cls, root: Path | None = None, **overrides: object) -> Settings:
        root = (root or project_root()).resolve()
        values: dict[str, object] = {
            "raw_dir": root / "data" / "raw",
            "outputs_dir": root / "outputs",
            "inbox_dir": root / "data" / "inbox",
            "quarantine_dir": root / "data" / "quarantine",
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("raw_dir", "outputs_dir", "inbox_dir", "quarantine_dir"):
            values[key] = Path(values[key]).resolve()  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]

    # Work files: one per source document and stage, so a partition re-run touches only its own.
    @property
    def work_dir(self) -> Path:
        return self.outputs_dir / "work"

    @property
    def data_iri_prefix(self) -> str:
        """Where the IRIs of described things start (documents, tasks, agencies): graph names excluded."""
        return self.base_iri + "id/"

    def text_path(self, key: str) -> Path:
        return self.work_dir / "texts" / f"{key}.txt"

    def source_meta_path(self, key: str) -> Path:
        return self.work_dir / "sources" / f"{key}.json"

    def record_path(self, key: str) -> Path:
        return self.work_dir / "records" / f"{key}.json"

    @property
    def graphs_dir(self) -> Path:
        return self.work_dir / "graphs"

    def graph_path(self, key: str) -> Path:
        return self.graphs_dir / f"{key}.nq"
