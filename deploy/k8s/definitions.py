"""Code location running every step in its own Kubernetes Job (``dagster-k8s`` 0.29.27).

Image: the project installed with ``pip install -e '.[scale]' dagster-k8s==0.29.27``.
Deploy with the official Dagster Helm chart (see values.yaml), the instance from dagster.yaml.
"""

from dagster import Definitions
from dagster_k8s import k8s_job_executor

from pipelines.definitions import defs as base

defs = Definitions.merge(
    base,
    Definitions(executor=k8s_job_executor.configured({"max_concurrent": 8, "job_namespace": "vanban"})),
)
