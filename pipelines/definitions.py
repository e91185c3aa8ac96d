"""The Dagster code location (loaded by workspace.yaml): assets, checks, sensor, schedule, resources."""


from dagster import Definitions

from pipelines.assets import all_assets
from pipelines.automation import (
    build_corpus,
    daily_rescan,
    inbox_sensor,
    ingest_files,
    outputs_refresh_sensor,
    refresh_outputs,
)
from pipelines.checks import all_checks
from pipelines.resources import VanbanResource

defs = Definitions(
    assets=all_assets,
    asset_checks=all_checks,
    jobs=[build_corpus, ingest_files, refresh_outputs],
    sensors=[inbox_sensor, outputs_refresh_sensor],
    schedules=[daily_rescan],
    resources={"vanban": VanbanResource()},
)
