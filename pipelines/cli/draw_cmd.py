"""``vanban draw``: write the interactive graph page (whole graph or a focused neighbourhood)."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from pipelines.cli.app import app


def _load_projection(outputs: Path):
    """The NetworkX projection of the store published under ``outputs``."""
    from graph.network import project
    from graph.store import open_store

    return project(open_store(outputs))


def _default_name(focus: str | None) -> str:
    if focus is None:
        return "graph.html"
    slug = re.sub(r"[^0-9A-Za-z]+", "-", focus.rsplit("/", 1)[-1] if focus.startswith("http") else focus)
    return f"graph-{slug.strip('-').lower() or 'focus'}.html"


@app.command()
def draw(
    focus: str = typer.Option(
        None, "--focus", help="Centre on a document number (397/KH-UBND), an IRI or an agency name."
    ),
    depth: int = typer.Option(2, "--depth", min=0, help="Links to follow from the focus, either way."),
    output: Path = typer.Option(
        None, "-o", "--output", help="Page to write (default: OUTPUTS/graph.html, or graph-<focus>.html)."
    ),
    hierarchical: bool = typer.Option(
        False, "--hierarchical", help="Layered layout: higher instruments above, agencies below."
    ),
    outputs: Path = typer.Option(Path("outputs"), "--outputs", help="Folder holding the published store."),
    title: str = typer.Option(None, "--title", help="Page title."),
) -> None:
    """Write an offline, interactive HTML page of the graph (open it from disk in any browser)."""
    from graph.draw import write_graph_page

    try:
        graph = _load_projection(outputs)
    except Exception as exc:  # the store layer raises its own error types; all end the command the same way
        typer.echo(f"vanban draw: cannot load the graph from {outputs}: {exc}", err=True)
        raise typer.Exit(2) from exc
    path = output if output is not None else outputs / _default_name(focus)
    page_title = title or (f"vanban-graph · {focus}" if focus else "vanban-graph")
    try:
        counts = write_graph_page(graph, path, focus=focus, depth=depth, hierarchical=hierarchical, title=page_title)
    except KeyError as exc:
        typer.echo(f"vanban draw: --focus {focus!r}: {exc.args[0]}", err=True)
        raise typer.Exit(1) from exc
    except OSError as exc:
        typer.echo(f"vanban draw: cannot write {path}: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"{path}: {counts['nodes']} nodes, {counts['edges']} edges")
