"""Typer application; each command group lives in its own module and registers itself here."""

from __future__ import annotations

import warnings

import typer

app = typer.Typer(
    name="vanban",
    help="vanban-graph: lineage, tasks and agencies of Vietnamese plans as a knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def main() -> None:
    # Dagster flags some of its own parameters as beta on every import; users can do nothing about it.
    warnings.filterwarnings("ignore", message=r".*is currently in beta.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib.*")
    app()


# Command modules register on ``app`` when imported; keep heavy imports inside the commands.
from pipelines.cli import build_cmd, draw_cmd, extract_cmd, graph_cmds  # noqa: E402, F401
