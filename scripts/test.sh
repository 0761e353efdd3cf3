#!/usr/bin/env bash
# Set up, then run every test: the sqitch round trip and pgTAP suite (pg_prove),
# then pytest (unit, integration against real PostgreSQL, and the rest) with this
# script's arguments. Both stages share one ephemeral PostgreSQL cluster that
# pycore.dbtest starts and removes (or the server of DATABASE_URL when it is set);
# the embedded cluster of scripts/main.sh is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m pycore.dbtest --pytest "$@"
