"""Dagster assets: one per stage of the data flow, thin wrappers over ``pipelines.stages``.

The assets cover the whole corpus and are incremental inside (a document whose
bytes and extractor are unchanged is skipped), so ``dagster asset materialize
--select '*'`` works on a fresh instance.  Per-file runs, one dynamic
partition per source file, are the ``ingest_files`` job in
``pipelines/automation.py``, which the inbox sensor triggers.
"""

from collections import Counter

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipelines import stages
from pipelines.partitions import sync_partitions
from pipelines.resources import VanbanResource


def summarise(results: list[stages.StageResult], log=None) -> dict:
    counts = Counter(r.status for r in results)
    problems = [r for r in results if r.detail]
    if log is not None:
        for r in problems:
            log.warning(f"{r.key}: {r.status} {r.detail}")
    return {
        "documents": len(results),
        **{f"status_{k}": v for k, v in sorted(counts.items())},
        "problems": MetadataValue.md("\n".join(f"- `{r.key}`: {r.status} {r.detail}" for r in problems) or "none"),
    }


@asset(group_name="documents")
def source_texts(context: AssetExecutionContext, vanban: VanbanResource) -> MaterializeResult:
    """Decoded NFC text and content hash of every source file; unreadable files are quarantined."""
    settings = vanban.settings()
    sync = sync_partitions(context.instance, settings)
    results = stages.run_per_document(settings, stages.ingest_source, sync.keys)
    results += [stages.StageResult(key, "removed", "source file no longer present") for key in sync.removed]
    return MaterializeResult(metadata=summarise(results, context.log))


@asset(group_name="documents", deps=[source_texts])
def extraction_records(context: AssetExecutionContext, vanban: VanbanResource) -> MaterializeResult:
    """The extraction record (metadata, citations, tasks, targets, agencies) of every document."""
    settings = vanban.settings()
    results = stages.run_per_document(settings, stages.extract_document, stages.live_keys(settings))
    return MaterializeResult(metadata=summarise(results, context.log))


@asset(group_name="documents", deps=[extraction_records])
def document_graphs(context: AssetExecutionContext, vanban: VanbanResource) -> MaterializeResult:
    """One RDF named graph per source document, with provenance for every extracted edge."""
    settings = vanban.settings()
    results = stages.run_per_document(settings, stages.build_document_graph, stages.live_keys(settings))
    return MaterializeResult(metadata=summarise(results, context.log))


@asset(group_name="graph", deps=[document_graphs])
def knowledge_graph_store(vanban: VanbanResource) -> MaterializeResult:
    """The store (embedded Oxigraph, or a SPARQL server): exactly the live documents' named graphs."""
    settings = vanban.settings()
    summary = stages.publish(settings, stages.live_keys(settings))
    return MaterializeResult(metadata={k: v for k, v in summary.items() if isinstance(v, int | str | float)})


@asset(group_name="graph", deps=[knowledge_graph_store])
def graph_exports(vanban: VanbanResource) -> MaterializeResult:
    """TriG, Turtle, JSON-LD, GraphML and CSV exports of the published graph."""
    written = stages.write_exports(vanban.settings())
    return MaterializeResult(metadata={name: MetadataValue.path(str(path)) for name, path in written.items()})


@asset(group_name="graph", deps=[knowledge_graph_store])
def graph_page(vanban: VanbanResource) -> MaterializeResult:
    """The interactive offline page ``outputs/graph.html``."""
    settings = vanban.settings()
    if not settings.draw:
        return MaterializeResult(metadata={"skipped": "drawing turned off"})
    drawn = stages.draw_graph(settings)
    return MaterializeResult(
        metadata={**drawn, "path": MetadataValue.path(str(settings.outputs_dir / "graph.html"))}
    )


all_assets = [source_texts, extraction_records, document_graphs, knowledge_graph_store, graph_exports, graph_page]
