#!/usr/bin/env bash
# Create .venv and install the project with its dev extras; prepare DAGSTER_HOME.
# Idempotent: re-installs only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=.venv/.vanban-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  echo "$want" > "$stamp"
fi
# Dagster needs an absolute, existing home; the CLI and `dagster dev` read it from .env.
mkdir -p .dagster_home
[ -f .dagster_home/dagster.yaml ] || cp dagster.yaml .dagster_home/dagster.yaml
echo "DAGSTER_HOME=$root/.dagster_home" > .env
