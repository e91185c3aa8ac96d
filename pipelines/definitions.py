"""The Dagster code location (loaded by workspace.yaml): assets, checks, sensor, schedule, resources."""


from dagster import Definitions

from pipelines.assets import all_assets
from pipelines.automation import build_corpus, daily_rescan, inbox_sensor, ingest_files
from pipelines.checks import all_checks
from pipelines.resources import VanbanResource

defs = Definitions(
    assets=all_assets,
    asset_checks=all_checks,
    jobs=[build_corpus, ingest_files],
    sensors=[inbox_sensor],
    schedules=[daily_rescan],
    resources={"vanban": VanbanResource()},
)
