#!/usr/bin/env bash
# Command 1: set up everything, then build the graph of data/raw/ into outputs/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DAGSTER_HOME="$(pwd)/.dagster_home"
exec .venv/bin/vanban build "$@"
