#!/usr/bin/env bash
# One-shot deploy of the production database: schema (sqitch), market data
# (pycore.load), and the passwords of the login roles.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pycore.deploy deploy
python -m pycore.load
python -m pycore.engines
psql "$DATABASE_URL" -v ON_ERROR_STOP=1 \
  -v auth_pw="$AUTHENTICATOR_PASSWORD" -v writer_pw="$PYCORE_WRITER_PASSWORD" <<'SQL'
alter role authenticator password :'auth_pw';
alter role pycore_writer password :'writer_pw';
SQL
