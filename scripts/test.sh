#!/usr/bin/env bash
# Set up, then run every test: the sqitch round trip and pgTAP suite (pg_prove),
# then pytest (unit, integration against real PostgreSQL, and the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/python -m pycore.dbtest
exec .venv/bin/python -m pytest "$@"
