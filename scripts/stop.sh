#!/usr/bin/env bash
# Stop what the main job started, by the pids it recorded: gateway, workers, embedded PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pycore.stack down
