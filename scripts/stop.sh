#!/usr/bin/env bash
# Stop what the main job started (the embedded PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pycore.stack down
