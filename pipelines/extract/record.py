"""Assemble the extraction record of one source document (the contract).

Pure: text in, plain JSON-ready dict out.  No Dagster, no RDF.
"""

from __future__ import annotations

from pipelines.extract.agencies import collect_agencies
from pipelines.extract.citations import citation_index, extract_citations, numbers_mentioned
from pipelines.extract.mentions import extract_unnumbered_mentions
from pipelines.extract.metadata import extract_metadata
from pipelines.extract.tables import find_tables
from pipelines.extract.targets import extract_targets
from pipelines.extract.tasks import extract_tasks
from pipelines.ingest.source import SourceText

EXTRACTOR_VERSION = "0.1.0"


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
