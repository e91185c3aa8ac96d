"""Dynamic partitions, one per source file, kept in step with the corpus and inbox folders."""

from __future__ import annotations

from dataclasses import dataclass

from dagster import DagsterInstance, DynamicPartitionsDefinition

from pipelines import stages
from pipelines.settings import Settings

SOURCE_PARTITIONS = "source_files"  # the name Dagster keeps the partition keys under
source_partitions = DynamicPartitionsDefinition(name=SOURCE_PARTITIONS)


@dataclass(frozen=True)
class PartitionSync:
    keys: list[str]
    added: list[str]
    removed: list[str]


def sync_partitions(instance: DagsterInstance, settings: Settings) -> PartitionSync:
    """Register new source files and retire removed ones (their named graphs go at the next publish)."""
    wanted = stages.source_keys(settings)
    known = set(instance.get_dynamic_partitions(SOURCE_PARTITIONS))
    added = [k for k in wanted if k not in known]
    removed = sorted((known | set(stages.work_keys(settings))) - set(wanted))
    if added:
        instance.add_dynamic_partitions(SOURCE_PARTITIONS, added)
    for key in removed:
        if key in known:
            instance.delete_dynamic_partition(SOURCE_PARTITIONS, key)
        stages.forget_document(settings, key)
    return PartitionSync(keys=wanted, added=added, removed=removed)
