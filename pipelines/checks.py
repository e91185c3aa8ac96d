"""Asset checks: the graph keeps its promises, and problems show in the Dagster UI."""


import json

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from pipelines import stages
from pipelines.assets import knowledge_graph_store
from pipelines.resources import VanbanResource


@asset_check(asset=knowledge_graph_store,
             description="Every document graph conforms to ontology/shapes.ttl (pyshacl, SPARQL constraints on "
                         "Oxigraph); verdicts cached by content, so only new or changed graphs are validated.")
def shacl_shapes_conform(vanban: VanbanResource) -> AssetCheckResult:
    from graph.shacl import CACHE_FILE, validate_store

    settings = vanban.settings()
    conforms, report = validate_store(settings.outputs_dir, cache_path=settings.work_dir / CACHE_FILE,
                                      workers=settings.workers or None)
    return AssetCheckResult(passed=conforms, metadata={"report": MetadataValue.md(f"```\n{report[:20000]}\n```")})


@asset_check(asset=knowledge_graph_store, description="Every task names a lead agency (or is listed here).")
def every_task_has_lead(vanban: VanbanResource) -> AssetCheckResult:
    settings = vanban.settings()
    records = stages.load_records(settings, stages.live_keys(settings))
    leaderless = [
        f"{r['source']} {t.get('section') or ''} {t.get('index') or ''}".strip()
        for r in records
        for t in r.get("tasks", [])
        if not t.get("lead")
    ]
    total = sum(len(r.get("tasks", [])) for r in records)
    return AssetCheckResult(
        passed=not leaderless,
        severity=AssetCheckSeverity.WARN,
        metadata={"tasks": total, "without_lead": len(leaderless), "list": "\n".join(leaderless[:200]) or "none"},
    )


@asset_check(asset=knowledge_graph_store, description="Source files that could not be ingested.")
def no_quarantined_sources(vanban: VanbanResource) -> AssetCheckResult:
    settings = vanban.settings()
    reasons = sorted(settings.quarantine_dir.glob("*.reason.txt")) if settings.quarantine_dir.is_dir() else []
    lines = [f"- `{p.name.removesuffix('.reason.txt')}`: {p.read_text(encoding='utf-8').splitlines()[0]}"
             for p in reasons]
    return AssetCheckResult(
        passed=not reasons,
        severity=AssetCheckSeverity.WARN,
        metadata={"quarantined": len(reasons), "files": MetadataValue.md("\n".join(lines) or "none")},
    )


@asset_check(asset=knowledge_graph_store, description="Every IRI the graph points to is described in it.")
def no_dangling_iris(vanban: VanbanResource) -> AssetCheckResult:
    from graph.store import open_store

    settings = vanban.settings()
    store = open_store(settings.outputs_dir, read_only=True)
    prefix = settings.base_iri + "id/"
    query = f"""
        SELECT DISTINCT ?o WHERE {{
          GRAPH ?g {{ ?s ?p ?o }}
          FILTER(isIRI(?o) && STRSTARTS(STR(?o), {json.dumps(prefix)}))
          FILTER NOT EXISTS {{ GRAPH ?g2 {{ ?o ?q ?x }} }}
        }} LIMIT 200"""
    dangling = [str(row["o"].value) for row in store.query(query)]
    return AssetCheckResult(passed=not dangling, metadata={"dangling": len(dangling), "iris": "\n".join(dangling)})


all_checks = [shacl_shapes_conform, every_task_has_lead, no_quarantined_sources, no_dangling_iris]
