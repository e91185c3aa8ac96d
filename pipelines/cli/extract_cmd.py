"""``vanban extract``: print extraction records (the contract in docs/extraction.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from pipelines.cli.app import app

SOURCE_SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files named directly, plus the source files inside named folders (sorted)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SOURCE_SUFFIXES))
        else:
            files.append(p)
    return files


@app.command()
def extract(
    paths: list[Path] = typer.Argument(..., help="Source files or folders."),
    as_json: bool = typer.Option(False, "--json", help="Print the extraction record(s) as JSON."),
) -> None:
    """Extract document metadata, citations, tasks, targets and agencies."""
    from pipelines.extract.record import extract_record
    from pipelines.ingest.source import SourceError, read_source

    files = expand_paths(paths)
    if not files:
        typer.echo("vanban extract: no source files found", err=True)
        raise typer.Exit(2)
    records, failed = [], 0
    for f in files:
        try:
            records.append(extract_record(read_source(f)))
        except SourceError as exc:
            failed += 1
            typer.echo(f"vanban extract: skipped {exc}", err=True)
    several = len(paths) > 1 or any(p.is_dir() for p in paths)
    payload = records if several else (records[0] if records else None)
    if as_json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for r in records:
            d = r["document"]
            typer.echo(
                f"{r['source']}: {d.get('number')} {d.get('doc_type')} · {len(r['citations'])} citations · "
                f"{len(r['tasks'])} tasks · {len(r['targets'])} targets · {len(r['agencies'])} agencies"
            )
    if failed and not records:
        raise typer.Exit(1)
