#!/usr/bin/env bash
# The main job: set up, start (or reuse) PostgreSQL, deploy, load the market data,
# and print what is in the database and where to look.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m pycore.stack up
