"""Asset checks: the graph keeps its promises, and problems show in the Dagster UI."""


from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from pipelines import stages
from pipelines.assets import knowledge_graph_store
from pipelines.resources import VanbanResource
from pipelines.settings import Settings


def _store_check(settings: Settings):
    """Both store checks share one pass (and one cache: same key) over the published graphs: the
    first to run validates the new or changed graphs, the second reads their cached verdicts."""
    from graph.shacl import check_store, default_cache_path

    remote = {}
    if settings.store_url:  # the graph lives on a server: check its snapshot against the files pushed there
        pushed = stages.document_graphs(settings, stages.live_keys(settings))
        remote = {"store": stages.open_graph_store(settings),
                  "entries": {iri: {"nquads_sha256": f.sha256, "file": str(f.path)} for iri, f in pushed.items()}}
    return check_store(settings.outputs_dir, cache_path=default_cache_path(settings.outputs_dir),
                       workers=settings.workers or None, iri_prefix=settings.data_iri_prefix, **remote)


@asset_check(asset=knowledge_graph_store,
             description="Every document graph conforms to ontology/shapes.ttl (pyshacl, SPARQL constraints on "
                         "Oxigraph); verdicts cached by content, so only new or changed graphs are validated.")
def shacl_shapes_conform(vanban: VanbanResource) -> AssetCheckResult:
    result = _store_check(vanban.settings())
    return AssetCheckResult(
        passed=result.conforms,
        metadata={"graphs": result.graphs, "validated": result.validated, "from_cache": result.from_cache,
                  "failing": len(result.failing), "report": MetadataValue.md(f"```\n{result.report[:20000]}\n```")},
    )


@asset_check(asset=knowledge_graph_store, description="Every task names a lead agency (or is listed here).")
def every_task_has_lead(vanban: VanbanResource) -> AssetCheckResult:
    total, leaderless = leaderless_tasks(vanban.settings())
    return AssetCheckResult(
        passed=not leaderless,
        severity=AssetCheckSeverity.WARN,
        metadata={"tasks": total, "without_lead": len(leaderless), "list": "\n".join(leaderless[:200]) or "none"},
    )


LEAD_CACHE_FILE = "lead-cache.json"


def leaderless_tasks(settings: Settings) -> tuple[int, list[str]]:
    """(number of tasks, "source section index" of each task without a lead) over the live records.

    Records are only parsed when new or changed (size and mtime differ from the cache beside the
    work files): parsing every record JSON cost 0.4 s per 1,000 plans.
    """
    import json
    import os

    from pipelines.atomic import write_atomic

    cache_path = settings.work_dir / LEAD_CACHE_FILE
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
        cache = cache if isinstance(cache, dict) else {}
    except (OSError, ValueError):
        cache = {}
    fresh: dict[str, list] = {}
    for key in stages.live_keys(settings):
        path = settings.record_path(key)
        try:
            st = os.stat(path)
        except OSError:
            continue
        stamp = [st.st_mtime_ns, st.st_size]
        hit = cache.get(key)
        if isinstance(hit, list) and len(hit) == 3 and hit[0] == stamp:
            fresh[key] = hit
            continue
        record = next(stages.iter_records(settings, [key]), None)
        if record is None:
            continue
        tasks = record.get("tasks", [])
        names = [f"{record['source']} {t.get('section') or ''} {t.get('index') or ''}".strip()
                 for t in tasks if not t.get("lead")]
        fresh[key] = [stamp, len(tasks), names]
    if fresh != cache:
        write_atomic(cache_path, json.dumps(fresh, ensure_ascii=False, separators=(",", ":")))
    return sum(v[1] for v in fresh.values()), [n for v in fresh.values() for n in v[2]]


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
    dangling = _store_check(vanban.settings()).dangling
    return AssetCheckResult(passed=not dangling,
                            metadata={"dangling": len(dangling), "iris": "\n".join(dangling[:200])})


all_checks = [shacl_shapes_conform, every_task_has_lead, no_quarantined_sources, no_dangling_iris]
