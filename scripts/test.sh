#!/usr/bin/env bash
# Command 2: set up everything (including headless Chromium for the page tests), then run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -f scripts/install-browser.sh ]; then
  bash scripts/install-browser.sh || echo "warning: Chromium could not be installed; browser tests will say so" >&2
fi
export DAGSTER_HOME="$(pwd)/.dagster_home"
.venv/bin/ruff check .
exec .venv/bin/pytest "$@"
