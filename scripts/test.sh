#!/usr/bin/env bash
# Set up, then run every test: the sqitch round trip and pgTAP suite (pg_prove),
# then pytest (unit, integration against real PostgreSQL, and the rest) with this
# script's arguments, after the gates: ruff (lint of pycore/ and tests/, format of pycore/) and mypy --strict on pycore/.
# Both stages share one ephemeral PostgreSQL cluster that
# pycore.dbtest starts and removes (or the server of DATABASE_URL when it is set);
# the embedded cluster of scripts/main.sh is never touched.
#
# pytest runs in four worker processes (pytest-xdist, --dist loadgroup: the groups
# of tests/conftest.py) and prints the ten slowest tests; arguments given here come
# after these and win (e.g. -n 0 for one process, --durations=30).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# gates first: they take seconds and name the line to fix (settings in pyproject.toml)
.venv/bin/ruff check pycore tests
.venv/bin/ruff format --check pycore
.venv/bin/mypy
exec .venv/bin/python -m pycore.dbtest --pytest -n 4 --dist loadgroup --durations=10 "$@"
