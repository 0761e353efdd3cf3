#!/usr/bin/env bash
# Stop what the main job started, by the pids it recorded: nginx, the push service of live updates (pycore.events),
# the API gateway, the workers (they finish the job in hand), the embedded PostgreSQL. `python -m pycore.stack status`
# names each service and whether it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pycore.stack down
