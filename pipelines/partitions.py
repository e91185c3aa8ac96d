"""Keeping the dynamic partitions (one per source file) in step with the folders."""

from __future__ import annotations

from dataclasses import dataclass

from dagster import DagsterInstance

from pipelines import stages
from pipelines.assets import source_partitions
from pipelines.settings import Settings


@dataclass(frozen=True)
class PartitionSync:
    keys: list[str]
    added: list[str]
    removed: list[str]


def source_keys(settings: Settings) -> list[str]:
    """Every file name in the corpus and the inbox: the partition key is the file name."""
    names = {p.name for p in stages.list_sources(settings.raw_dir)}
    names |= {p.name for p in stages.list_sources(settings.inbox_dir)}
    return sorted(names)


def sync_partitions(instance: DagsterInstance, settings: Settings) -> PartitionSync:
    """Register new source files and retire removed ones (their named graphs go at the next publish)."""
    wanted = source_keys(settings)
    known = set(instance.get_dynamic_partitions(source_partitions.name))
    added = [k for k in wanted if k not in known]
    removed = sorted(known - set(wanted))
    if added:
        instance.add_dynamic_partitions(source_partitions.name, added)
    for key in removed:
        instance.delete_dynamic_partition(source_partitions.name, key)
        stages.forget_document(settings, key)
    return PartitionSync(keys=wanted, added=added, removed=removed)


def range_tags(keys: list[str], instance: DagsterInstance) -> dict[str, str]:
    """Tags that make one run cover every registered partition (single-run backfill)."""
    ordered = [k for k in instance.get_dynamic_partitions(source_partitions.name) if k in set(keys)]
    return {
        "dagster/asset_partition_range_start": ordered[0],
        "dagster/asset_partition_range_end": ordered[-1],
    }
