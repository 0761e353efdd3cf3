"""Database test stage (sqitch round trip, then pgTAP with pg_prove), and the test command.

``python -m pycore.dbtest`` creates a scratch database, deploys the schema, reverts
it completely, deploys it again verifying each change as it is deployed, verifies the
end state, then runs every test under ``db/tests/`` with ``pg_prove``.

``python -m pycore.dbtest --pytest [ARGS...]`` (what ``scripts/test.sh`` runs) also
runs ``pytest ARGS``, with ``DATABASE_URL`` pointing at its server.

The server is the one of ``DATABASE_URL`` when it is set (the scratch database is
dropped when everything passed and kept for inspection otherwise): the stages run
one after the other on it. Without it, the command starts an ephemeral cluster of
its own (a temporary directory, a free loopback port) and removes it at the end:
after a failure, on Ctrl-C and on SIGTERM too. With ``--pytest`` the two stages then
run at the same time, pytest on that cluster and the pgTAP stage in a child
``python -m pycore.dbtest`` on an ephemeral cluster of its own (the fault tests
restart pytest's server), whose output is printed when it ends. It never uses the
embedded cluster of ``scripts/main.sh``, so tests cannot disturb a running stack.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from pycore import project_root
from pycore.db import with_dbname
from pycore.dev.cluster import drop_database, ensure_database, ephemeral_cluster
from pycore.dev.deploy import DeployError, ensure_job_queue_schema, libpq_env, psql_client, sqitch

SCRATCH_DB = "prometheus_pgtap"
# How long a child (pytest) may take to clean up after Ctrl-C or SIGTERM before it is killed.
CHILD_GRACE_SECONDS = 120.0


class Terminated(Exception):
    """SIGTERM arrived: unwind so that the ephemeral cluster is removed."""


def run(admin_url: str, scratch: str = SCRATCH_DB, *, keep_on_failure: bool = True) -> int:
    """The pgTAP stage on the server of ``admin_url`` (a session that may create databases)."""
    drop_database(admin_url, scratch)
    ensure_database(admin_url, scratch)
    url = with_dbname(admin_url, scratch)
    ensure_job_queue_schema(url)
    # The round trip: deploy, full revert, deploy verifying each change as it is deployed, then verify the end state.
    # (Verifying the first deploy too would run the same scripts on the same states again.)
    for step, verify in (("deploy", False), ("revert", True), ("deploy", True), ("verify", True)):
        sqitch(step, url, quiet=True, verify=verify)
        print(f"sqitch {step}{' --verify' if step == 'deploy' and verify else ''}: ok", flush=True)
    with psycopg.connect(url, autocommit=True) as conn:
        # in public, whatever the database's search path puts first (runtime, for the seed's unqualified SQL)
        conn.execute("create extension if not exists pgtap schema public")
    prove = shutil.which("pg_prove")
    if prove is None:
        raise DeployError("pg_prove is not installed; run scripts/setup.sh")
    code = run_child(
        [prove, "--psql-bin", psql_client(), "--recurse", "--ext", ".sql", "--failures", "db/tests"], libpq_env(url)
    )
    if code == 0 or not keep_on_failure:
        drop_database(admin_url, scratch)
    else:
        print(f"pgTAP failed; the scratch database {scratch} is kept for inspection", file=sys.stderr)
    return code


def run_child(cmd: list[str], env: dict[str, str]) -> int:
    """Run ``cmd`` in the project root and return its exit code.

    On Ctrl-C the child has the SIGINT too (same foreground process group); on
    SIGTERM it is sent SIGINT, which pytest answers by running its teardown. Either
    way it gets ``CHILD_GRACE_SECONDS`` to finish before it is killed.
    """
    proc = subprocess.Popen(cmd, cwd=project_root(), env=env)
    try:
        return proc.wait()
    except BaseException as exc:
        if isinstance(exc, Terminated) and proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=CHILD_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise


@contextmanager
def server_for_tests() -> Iterator[tuple[str, bool]]:
    """(superuser URL of the test server, whether it is an ephemeral cluster of this command)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        print("test server: DATABASE_URL", flush=True)
        yield url, False
        return
    with ephemeral_cluster() as cluster:
        print(
            f"test server: an ephemeral PostgreSQL cluster on 127.0.0.1:{cluster.port} "
            f"in {cluster.base}, removed at the end",
            flush=True,
        )
        yield cluster.url("postgres"), True


def both_at_once(pytest_args: list[str]) -> int:
    """pytest on an ephemeral cluster while a child runs the pgTAP stage on another; the first failure's exit code."""
    with tempfile.TemporaryFile("w+") as out:
        stage = subprocess.Popen(
            [sys.executable, "-m", "pycore.dbtest"], cwd=project_root(), stdout=out, stderr=subprocess.STDOUT, text=True
        )
        try:
            with server_for_tests() as (server_url, _):
                # the server is ours: tests may start a second one beside it (tests/conftest.py's "server2" group)
                env = {**os.environ, "DATABASE_URL": server_url, "PROMETHEUS_TEST_SERVER_OWNED": "1"}
                code = run_child([sys.executable, "-m", "pytest", *pytest_args], env)
            pgtap = stage.wait()
        except BaseException as exc:
            # Ctrl-C reached the child too; SIGTERM is passed on. Either way it removes its cluster.
            if isinstance(exc, Terminated) and stage.poll() is None:
                stage.send_signal(signal.SIGTERM)
            try:
                stage.wait(timeout=CHILD_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                stage.kill()
                stage.wait()
            raise
        out.seek(0)
        print(f"\npgTAP stage (alongside pytest, on a cluster of its own):\n{out.read().rstrip()}", flush=True)
    return code or pgtap
