"""Dagster resource holding the project's folders (configurable in the UI or run config)."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from pipelines.settings import DEFAULT_BASE_IRI, DEFAULT_MAX_BYTES, Settings, project_root


class VanbanResource(ConfigurableResource):
    """Folders and options of a vanban-graph build; empty strings mean the project defaults."""

    root: str = ""
    raw_dir: str = ""
    outputs_dir: str = ""
    inbox_dir: str = ""
    quarantine_dir: str = ""
    base_iri: str = DEFAULT_BASE_IRI
    max_bytes: int = DEFAULT_MAX_BYTES
    store_url: str = ""
    draw: bool = True
    workers: int = 0

    def settings(self) -> Settings:
        return Settings.from_root(
            Path(self.root) if self.root else project_root(),
            raw_dir=self.raw_dir or None,
            outputs_dir=self.outputs_dir or None,
            inbox_dir=self.inbox_dir or None,
            quarantine_dir=self.quarantine_dir or None,
            base_iri=self.base_iri,
            max_bytes=self.max_bytes,
            store_url=self.store_url or None,
            draw=self.draw,
            workers=self.workers,
        )
