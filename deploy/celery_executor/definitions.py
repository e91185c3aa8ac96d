"""Code location running every step as a Celery task (``dagster-celery``, 0.29.27 with dagster 1.13.27).

    pip install dagster-celery==0.29.27
    dagster-celery worker start -A dagster_celery.app -y deploy/celery_executor/celery.yaml   # on each worker
    dagster dev -w deploy/workspace.yaml   # with the vanban-celery location enabled

Workers must see the same project folder (``root``) and reach the store server: steps of one
run land on different machines, and they pass documents through files in ``outputs/work``.
"""

from dagster import Definitions
from dagster_celery import celery_executor

from pipelines.definitions import defs as base

defs = Definitions.merge(base, Definitions(executor=celery_executor))
