#!/usr/bin/env bash
# Set up, then run every test: the sqitch round trip and pgTAP suite (pg_prove),
# then pytest (unit, integration against real PostgreSQL, and the rest) with this
# script's arguments, after the gates: ruff (lint, format) and mypy --strict on pycore/.
# Both stages share one ephemeral PostgreSQL cluster that
# pycore.dbtest starts and removes (or the server of DATABASE_URL when it is set);
# the embedded cluster of scripts/main.sh is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# gates first: they take seconds and name the line to fix (settings in pyproject.toml)
.venv/bin/ruff check pycore
.venv/bin/ruff format --check pycore
.venv/bin/mypy
exec .venv/bin/python -m pycore.dbtest --pytest "$@"
