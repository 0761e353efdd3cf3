"""Database test stage: sqitch round trip, then the pgTAP suite with pg_prove.

``python -m pycore.dbtest`` creates a scratch database next to the project's
database (the embedded cluster, or the server of ``DATABASE_URL``), deploys the
schema, verifies it, reverts it completely, deploys and verifies it again, then
runs every test under ``db/tests/`` with ``pg_prove``. The scratch database is
dropped when everything passed and kept for inspection otherwise.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import psycopg

from pycore.deploy import DeployError, ensure_job_queue_schema, libpq_env, sqitch
from pycore.devdb import DevDbError, database_url, drop_database, ensure_database, project_root, with_dbname

SCRATCH_DB = "prometheus_pgtap"


def run(scratch: str = SCRATCH_DB) -> int:
    # CREATE/DROP DATABASE work from a connection to any other database.
    admin_url = database_url()
    owner_url = admin_url
    drop_database(admin_url, scratch)
    ensure_database(admin_url, scratch)
    url = with_dbname(owner_url, scratch)
    ensure_job_queue_schema(url)
    for step in ("deploy", "verify", "revert", "deploy", "verify"):
        sqitch(step, url, quiet=True)
        print(f"sqitch {step}: ok")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create extension if not exists pgtap")
    prove = shutil.which("pg_prove")
    if prove is None:
        raise DeployError("pg_prove is not installed; run scripts/setup.sh")
    res = subprocess.run([prove, "--recurse", "--ext", ".sql", "--failures", "db/tests"], cwd=project_root(), env=libpq_env(url), check=False)
    if res.returncode == 0:
        drop_database(admin_url, scratch)
    else:
        print(f"pgTAP failed; the scratch database {scratch} is kept for inspection", file=sys.stderr)
    return res.returncode


def main() -> int:
    try:
        return run()
    except (DevDbError, DeployError, psycopg.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
