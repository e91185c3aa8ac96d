"""Assemble the extraction record of one source document (the contract).

Pure: text in, plain JSON-ready dict out.  No Dagster, no RDF.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines.extract import agencies, numbers
from pipelines.extract.agencies import collect_agencies
from pipelines.extract.citations import citation_index, extract_citations, numbers_mentioned
from pipelines.extract.mentions import extract_unnumbered_mentions
from pipelines.extract.metadata import extract_metadata
from pipelines.extract.tables import find_tables
from pipelines.extract.targets import extract_targets
from pipelines.extract.tasks import extract_tasks
from pipelines.ingest.source import SourceText


def code_fingerprint() -> str:
    """First 12 hex digits of the SHA-256 of the extraction modules and the reference tables they
    read (gazetteer, provinces, document types, issuer codes, number forms).

    Part of the extractor version: a record stored by other code or other tables is stale, so an
    upgrade re-extracts plans whose files did not change (the stages compare versions)."""
    digest = hashlib.sha256()
    folders = {Path(__file__).resolve().parent, agencies.REFERENCE_DIR.resolve(), numbers.REFERENCE_DIR.resolve()}
    for path in sorted(f for folder in folders for f in folder.iterdir() if f.is_file() and f.suffix != ".pyc"):
        digest.update(f"{path.parent.name}/{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


EXTRACTOR_VERSION = f"0.1.0+{code_fingerprint()}"


def extract_record(source: SourceText) -> dict:
    text = source.text
    document = extract_metadata(text)
    citations = extract_citations(text, document)
    mentions = extract_unnumbered_mentions(text, document, citations)
    # One table reconstruction serves both readers of the appendix tables.
    tables = find_tables(text)
    tasks = extract_tasks(text, document, tables=tables)
    # The citations are read once for all the tasks of the document (the same numbers come out).
    index = citation_index(citations) if tasks and citations else None
    for task in tasks:
        fragment = str(task.get("content") or "") + " " + str(task.get("timeframe") or "")
        task["cited_numbers"] = numbers_mentioned(fragment, citations, index=index)
    targets = extract_targets(text, document, tables=tables)
    agencies = collect_agencies(text, document, tasks, citations)
    return {
        "source": source.name,
        "source_sha256": source.sha256,
        "source_format": source.format,
        "extractor_version": EXTRACTOR_VERSION,
        "document": document,
        "citations": citations,
        "unnumbered_mentions": mentions,
        "tasks": tasks,
        "targets": targets,
        "agencies": agencies,
    }
