"""Graph commands: query, lineage, tasks, serve, validate, export (registered on the vanban app)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from pipelines.cli.app import app

OUTPUTS = typer.Option(Path("outputs"), "--outputs", help="Outputs folder holding the published store.")
FORMAT_HELP = "Output format: table, csv or json."


def _open(outputs: Path):
    from graph.store import StoreError, open_store

    try:
        return open_store(outputs, read_only=True)
    except StoreError as exc:
        typer.echo(f"vanban: {exc}", err=True)
        raise typer.Exit(2) from exc


def _parse_params(values: list[str]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            typer.echo(f"vanban query: --param expects NAME=VALUE, got {item!r}", err=True)
            raise typer.Exit(2)
        params[name.strip().lstrip("?")] = value
    return params


@app.command()
def query(
    sparql: str = typer.Argument(..., help="A .rq file, the name of a saved query (see --list) or inline SPARQL."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
    param: list[str] = typer.Option([], "--param", "-p", help="Bind a variable: NAME=VALUE (repeatable)."),
    outputs: Path = OUTPUTS,
) -> None:
    """Run SPARQL against the published store (union of named graphs as default graph)."""
    from graph.query import QueryError, format_results, load_query, saved_queries

    if sparql == "--list" or sparql == "list":
        for name, path in saved_queries().items():
            first = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
            typer.echo(f"{name:24} {first}")
        return
    store = _open(outputs)
    try:
        typer.echo(format_results(store, load_query(sparql), fmt, _parse_params(param)).rstrip("\n"))
    except QueryError as exc:
        typer.echo(f"vanban query: {exc}", err=True)
        raise typer.Exit(2) from exc


def _find(store, number: str) -> list[tuple[str, str]]:
    from graph.query import find_documents

    found = find_documents(store, number)
    if not found:
        typer.echo(f"vanban: no document numbered {number!r} in the graph", err=True)
        raise typer.Exit(1)
    return found


@app.command()
def lineage(
    number: str = typer.Argument(..., help='Document number as typed: "76/NQ-CP", "76 NQ-CP", "nq 76".'),
    up: bool = typer.Option(False, "--up", help="What the document rests on or implements (default)."),
    down: bool = typer.Option(False, "--down", help="What rests on or implements the document."),
    depth: int | None = typer.Option(None, "--depth", min=1, help="Follow at most N links."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    outputs: Path = OUTPUTS,
) -> None:
    """The lineage chain of a document, with the quote that proves each link."""
    from graph.query import lineage as chain

    if up and down:
        typer.echo("vanban lineage: choose --up or --down", err=True)
        raise typer.Exit(2)
    direction = "down" if down else "up"
    store = _open(outputs)
    results: list[dict] = []
    for iri, found_number in _find(store, number):
        links = chain(store, iri, direction, depth)
        results.append({"document": iri, "number": found_number, "direction": direction,
                        "links": [link.as_dict() for link in links]})
    if fmt == "json":
        typer.echo(json.dumps(results, ensure_ascii=False, indent=1))
        return
    for res in results:
        arrow = "rests on / implements" if direction == "up" else "is the basis of"
        typer.echo(f"{res['number']}  {arrow}:")
        if not res["links"]:
            typer.echo("  (nothing in the graph)")
        for link in res["links"]:
            pad = "  " * link["depth"]
            if direction == "up":
                head = f"{link['source_number']} --{link['relation']}--> {link['target_number']}"
                about = " · ".join(x for x in (link["target_issuer"], link["target_title"]) if x)
            else:
                head = f"{link['source_number']} --{link['relation']}--> {link['target_number']}"
                about = ""
            typer.echo(f"{pad}{head}" + (f"  ({about})" if about else ""))
            if link["quote"]:
                typer.echo(f"{pad}    “{link['quote']}”  [{link['source_file'] or '?'}]")


@app.command()
def tasks(
    agency: str | None = typer.Option(None, "--agency", help="Lead or coordinating agency (part of its name)."),
    province: str | None = typer.Option(None, "--province", help="Province of the plan."),
    due_before: str | None = typer.Option(None, "--due-before", help="Time frame ends before this ISO date."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
    outputs: Path = OUTPUTS,
) -> None:
    """Tasks across plans: who leads, who coordinates, by when."""
    import csv
    import io

    from graph.query import QueryError, render_table
    from graph.query import tasks as list_tasks

    store = _open(outputs)
    try:
        rows = list_tasks(store, agency=agency, province=province, due_before=due_before)
    except QueryError as exc:
        typer.echo(f"vanban tasks: {exc}", err=True)
        raise typer.Exit(2) from exc
    cols = ["number", "province", "section", "index", "content", "lead", "coordinators", "approver",
            "timeframe", "start", "end"] + (["role"] if agency else [])
    if fmt == "json":
        typer.echo(json.dumps([{c: r.get(c) for c in [*cols, "task"]} for r in rows], ensure_ascii=False, indent=1))
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        w.writerows([[r.get(c) or "" for c in cols] for r in rows])
        typer.echo(buf.getvalue().rstrip("\n"))
    else:
        short = ["number", "index", "content", "lead", "timeframe", "end"] + (["role"] if agency else [])
        typer.echo(render_table(short, [[r.get(c) or "" for c in short] for r in rows], width=48))


@app.command()
def serve(
    port: int = typer.Option(7878, "--port", help="Port on 127.0.0.1."),
    timeout_s: int = typer.Option(30, "--timeout-s", help="Query timeout in seconds."),
    outputs: Path = OUTPUTS,
) -> None:
    """Serve the published store read-only over the SPARQL 1.1 Protocol (Oxigraph server, YASGUI page)."""
    from graph.serve import serve as run_server
    from graph.store import StoreError

    typer.echo(f"vanban serve: SPARQL endpoint http://127.0.0.1:{port}/query (page: http://127.0.0.1:{port}/)",
               err=True)
    try:
        run_server(outputs, port=port, timeout_s=timeout_s)
    except StoreError as exc:
        typer.echo(f"vanban serve: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command()
def validate(
    outputs: Path = OUTPUTS,
    report: bool = typer.Option(False, "--report", help="Print the full pyshacl report even when it conforms."),
) -> None:
    """Validate the published graph against ontology/shapes.ttl (pyshacl); exit 1 on violations."""
    from graph.shacl import default_cache_path, validate_store
    from graph.store import StoreError

    try:
        # Verdicts are cached per graph content: only new or changed graphs are validated again.
        conforms, text = validate_store(outputs, cache_path=default_cache_path(outputs))
    except StoreError as exc:
        typer.echo(f"vanban validate: {exc}", err=True)
        raise typer.Exit(2) from exc
    if not conforms or report:
        typer.echo(text.rstrip("\n"))
    typer.echo("conforms" if conforms else "violations found", err=True)
    if not conforms:
        raise typer.Exit(1)


@app.command()
def export(outputs: Path = OUTPUTS) -> None:
    """Write TriG, Turtle, JSON-LD, GraphML and CSV exports of the published graph into the outputs folder."""
    from graph.export import write_exports
    from graph.store import StoreError

    try:
        written = write_exports(outputs)
    except StoreError as exc:
        typer.echo(f"vanban export: {exc}", err=True)
        raise typer.Exit(2) from exc
    for name, path in written.items():
        typer.echo(f"{name}: {path}")
