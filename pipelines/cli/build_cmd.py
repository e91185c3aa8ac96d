"""``vanban build``: materialise the asset graph in-process and print a summary."""

from __future__ import annotations

from pathlib import Path

import typer

from pipelines.cli.app import app


@app.command()
def build(
    raw: Path = typer.Option(None, "--raw", help="Corpus folder (default: data/raw)."),
    outputs: Path = typer.Option(None, "--outputs", help="Output folder (default: outputs)."),
    inbox: Path = typer.Option(None, "--inbox", help="Inbox folder (default: data/inbox)."),
    quarantine: Path = typer.Option(None, "--quarantine", help="Quarantine folder (default: data/quarantine)."),
    store: str = typer.Option(
        None, "--store", help="Push named graphs to a SPARQL server instead (sparql+http://HOST:PORT/...)."
    ),
    base_iri: str = typer.Option(None, "--base-iri", help="Base IRI of minted identifiers."),
    no_draw: bool = typer.Option(False, "--no-draw", help="Skip the interactive page (large corpora)."),
    workers: int = typer.Option(
        0, "--workers", min=0, help="Processes for the per-document stages (0: every available core)."
    ),
) -> None:
    """Build the knowledge graph of the corpus into the outputs folder (same assets as Dagster)."""
    from rich.console import Console
    from rich.table import Table

    from pipelines.runner import run_build
    from pipelines.settings import Settings

    settings = Settings.from_root(
        raw_dir=raw,
        outputs_dir=outputs,
        inbox_dir=inbox,
        quarantine_dir=quarantine,
        store_url=store,
        base_iri=base_iri,
        draw=not no_draw,
        workers=workers,
    )
    console = Console(stderr=False, highlight=False)
    try:
        report = run_build(settings)
    except FileNotFoundError as exc:
        typer.echo(f"vanban build: {exc}", err=True)
        raise typer.Exit(2) from exc
    table = Table(title="vanban build", show_header=False)
    for label, value in (
        ("documents", report.documents),
        ("citations", report.citations),
        ("tasks", report.tasks),
        ("targets", report.targets),
        ("agencies", report.agencies),
        ("triples", report.triples),
    ):
        table.add_row(label, str(value))
    for path in report.outputs:
        table.add_row("output", str(path))
    console.print(table)
    for problem in report.problems:
        console.print(f"[yellow]warning:[/yellow] {problem}")
    if not report.success:
        typer.echo("vanban build: the run failed (see the messages above)", err=True)
        raise typer.Exit(1)
