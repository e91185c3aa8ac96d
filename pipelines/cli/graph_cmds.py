"""Commands registered on the vanban app (see pipelines/cli/app.py)."""

from pipelines.cli.app import app  # noqa: F401
