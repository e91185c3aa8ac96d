"""Dagster assets: thin wrappers over ``pipelines.stages``.

Per-document assets are partitioned by source file (dynamic partitions) and
run many partitions in one run (single-run backfill policy), so a full build
is one run and a new inbox file is a run of its own partition only.
"""


from collections import Counter

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    DynamicPartitionsDefinition,
    MaterializeResult,
    MetadataValue,
    asset,
)

from pipelines import stages
from pipelines.resources import VanbanResource

source_partitions = DynamicPartitionsDefinition(name="source_files")

PER_DOCUMENT = {"partitions_def": source_partitions, "backfill_policy": BackfillPolicy.single_run()}


def _summarise(context: AssetExecutionContext, results: list[stages.StageResult]) -> MaterializeResult:
    counts = Counter(r.status for r in results)
    for r in results:
        if r.status in ("quarantined", "skipped", "removed"):
            context.log.warning(f"{r.key}: {r.status} {r.detail}")
    return MaterializeResult(
        metadata={
            "documents": len(results),
            **{f"status_{k}": v for k, v in sorted(counts.items())},
            "problems": MetadataValue.md(
                "\n".join(f"- `{r.key}`: {r.status} {r.detail}" for r in results if r.detail) or "none"
            ),
        }
    )


@asset(group_name="documents", **PER_DOCUMENT)
def source_text(context: AssetExecutionContext, vanban: VanbanResource) -> MaterializeResult:
    """Decoded NFC text and content hash of each source file; unreadable files are quarantined."""
    settings = vanban.settings()
    return _summarise(context, [stages.ingest_source(settings, key) for key in context.partition_keys])


@asset(group_name="documents", deps=[source_text], **PER_DOCUMENT)
def extraction_record(context: AssetExecutionContext, vanban: VanbanResource) -> MaterializeResult:
    """The extraction record (metadata, citations, tasks, targets, agencies) of each document."""
    settings = vanban.settings()
    return _summarise(context, [stages.extract_document(settings, key) for key in context.partition_keys])


@asset(group_name="documents", deps=[extraction_record], **PER_DOCUMENT)
def document_graph(context: AssetExecutionContext, vanban: VanbanResource) -> MaterializeResult:
    """One RDF named graph per source document, with provenance for every extracted edge."""
    settings = vanban.settings()
    return _summarise(context, [stages.build_document_graph(settings, key) for key in context.partition_keys])


@asset(group_name="graph", deps=[document_graph])
def knowledge_graph_store(context: AssetExecutionContext, vanban: VanbanResource) -> MaterializeResult:
    """The store (embedded Oxigraph, or a SPARQL server): exactly the live documents' named graphs."""
    settings = vanban.settings()
    keys = sorted(context.instance.get_dynamic_partitions(source_partitions.name))
    summary = stages.publish(settings, keys)
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
    drawn = stages.draw_graph(settings)
    return MaterializeResult(
        metadata={**drawn, "path": MetadataValue.path(str(settings.outputs_dir / "graph.html"))}
    )


all_assets = [source_text, extraction_record, document_graph, knowledge_graph_store, graph_exports, graph_page]
