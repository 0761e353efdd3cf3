"""Tests never disturb a running stack.

One real stack (``python -m pycore.stack up --campaign none``: its own cluster,
run directory and ports in a temporary directory, never the developer's ``.pg/``),
then the database test stage twice:
- without ``DATABASE_URL`` (but with the stack's PROMETHEUS_PGDIR/PGPORT, which
  named the embedded cluster it used to take): it must create nothing on the
  stack's server;
- with ``DATABASE_URL`` pointing at the stack's own server, the harsh case: its
  scratch database shares the cluster-wide roles, and its full sqitch revert must
  leave them alone (no drop and recreate of ``authenticator``, whose pooled
  sessions in the gateway would then fail every SET ROLE with 401).
The stack's API must answer 200 before and after, anonymously and as the operator.

And the test command's own cluster is gone when it is stopped by SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pycore import db
from pycore.dev import cluster as devdb
from pycore.gateway.auth import make_token

ROOT = Path(__file__).resolve().parents[2]


def http(method: str, url: str, token: str | None = None, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


@pytest.fixture
def stack_dir() -> Iterator[Path]:
    """The stack's directory: its cluster in ``pg/``, its run directory in ``run/``. Directly under the
    temporary directory and traversable, as the postgres OS user must reach the cluster when we are
    root (pytest's own tmp_path is private to us)."""
    path = Path(tempfile.mkdtemp(prefix="prometheus-stack-test-"))
    path.chmod(0o755)
    yield path
    devdb.stop_cluster(db.Cluster(base=path / "pg", port=0))  # in case the stack's own "down" did not
    shutil.rmtree(path, ignore_errors=True)


def stack_env(tmp: Path) -> dict[str, str]:
    """The environment of a stack of its own: no DATABASE_URL, no PG* variables, private dirs and ports."""
    drop = ("DATABASE_URL", "PYCORE_DATABASE_URL", "PGRST_URL", "PGRST_DB_URI", "PGRST_JWT_SECRET")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PG")}
    env.update(PROMETHEUS_PGDIR=str(tmp / "pg"), PROMETHEUS_PGPORT=str(devdb.free_port()),
               PROMETHEUS_RUN_DIR=str(tmp / "run"), PROMETHEUS_API_PORT=str(devdb.free_port()),
               PROMETHEUS_PROXY_PORT=str(devdb.free_port()), PROMETHEUS_WORKERS="1")
    return env


def python(args: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def assert_api_answers(base: str, token: str) -> None:
    """Several requests each, so the gateway's pooled sessions (opened before the tests ran) are used."""
    for _ in range(4):
        status, body = http("GET", f"{base}/status_overview")
        assert status == 200 and isinstance(body, list) and body, (status, body)
        status, body = http("GET", f"{base}/jobs?limit=1", token)
        assert status == 200 and isinstance(body, list), (status, body)
        status, body = http("POST", f"{base}/rpc/generate_proposals", token, {"strategy_id": "US_CORE_LONG_EQ"})
        assert status == 200 and body["strategy_id"] == "US_CORE_LONG_EQ", (status, body)
    status, body = http("POST", f"{base}/rpc/generate_proposals", None, {"strategy_id": "US_CORE_LONG_EQ"})
    assert status == 401, "anonymous callers still may not use the operator's functions"


def databases(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {str(r[0]) for r in conn.execute("select datname from pg_database").fetchall()}


def role_oids(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("select rolname, oid from pg_roles where rolname in "
                            "('authenticator', 'web_anon', 'operator', 'pycore_writer')").fetchall()
    return {str(n): int(o) for n, o in rows}


def logs(run_dir: Path) -> str:
    return "".join(f"\n--- {p.name}:\n{p.read_text(errors='replace')[-1500:]}" for p in sorted(run_dir.rglob("*.log")))


@pytest.mark.slow
def test_the_database_test_stage_leaves_a_running_stack_alone(stack_dir: Path) -> None:
    env = stack_env(stack_dir)
    cluster = db.Cluster(base=stack_dir / "pg", port=int(env["PROMETHEUS_PGPORT"]))
    base = f"http://127.0.0.1:{env['PROMETHEUS_API_PORT']}"
    try:
        up = python(["pycore.stack", "up", "--campaign", "none"], env, timeout=1200)
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:] + logs(stack_dir / "run")
        assert devdb.is_running(cluster), "the stack runs its cluster where it was told to, not in the developer's .pg/"
        server = cluster.url("postgres")
        token = make_token("operator", secret=(stack_dir / "run" / "jwt_secret").read_text().strip())
        assert_api_answers(base, token)
        roles_before = role_oids(server)
        assert len(roles_before) == 4

        # Without DATABASE_URL: an ephemeral cluster of its own; nothing is created on the stack's server.
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute("alter system set log_statement = 'ddl'")
            conn.execute("select pg_reload_conf()")
        log_start = cluster.log_file.stat().st_size
        dbs_before = databases(server)
        own = python(["pycore.dbtest"], env, timeout=1200)
        assert own.returncode == 0, own.stdout[-3000:] + own.stderr[-3000:]
        m = re.search(r"test server: an ephemeral PostgreSQL cluster on 127\.0\.0\.1:(\d+) in (\S+),", own.stdout)
        assert m is not None, own.stdout[:2000]
        assert int(m.group(1)) != cluster.port
        assert not Path(m.group(2)).exists(), "the ephemeral cluster is removed at the end"
        assert databases(server) == dbs_before
        with cluster.log_file.open("rb") as fh:
            fh.seek(log_start)
            assert b"create database" not in fh.read().lower(), "no database was created, even for a while, on the stack's server"
        assert_api_answers(base, token)

        # The harsh case: the same server as the stack, roles shared.
        shared = python(["pycore.dbtest"], {**env, "DATABASE_URL": server}, timeout=1200)
        assert shared.returncode == 0, shared.stdout[-3000:] + shared.stderr[-3000:]
        assert "sqitch revert: ok" in shared.stdout and "Result: PASS" in shared.stdout, shared.stdout[-2000:]
        assert role_oids(server) == roles_before, "the revert kept the roles the stack's database uses"
        assert databases(server) == dbs_before, "the scratch database is dropped after a pass"
        assert_api_answers(base, token)
    finally:
        down = python(["pycore.stack", "down"], env, timeout=300)
    assert down.returncode == 0, down.stdout + down.stderr
    assert not devdb.is_running(cluster)


def postgres_running_in(path: Path) -> bool:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if b"postgres" in cmdline and str(path).encode() in cmdline:
                return True
    return False


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_the_test_command_removes_its_cluster_when_stopped(how: str, stack_dir: Path) -> None:
    env = stack_env(stack_dir)  # no DATABASE_URL: the command starts an ephemeral cluster
    proc = subprocess.Popen([sys.executable, "-m", "pycore.dbtest", "--pytest", "tests/unit"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        m = re.search(r"ephemeral PostgreSQL cluster on 127\.0\.0\.1:\d+ in (\S+),", first)
        assert m is not None, first
        base = Path(m.group(1))
        assert postgres_running_in(base)
        if how == "SIGTERM":
            proc.send_signal(signal.SIGTERM)
        else:  # a terminal's Ctrl-C reaches the whole foreground process group
            os.killpg(proc.pid, signal.SIGINT)
        rest, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0, rest
    assert not base.exists(), "the ephemeral cluster's directory is removed"
    assert not postgres_running_in(base), "and its server stopped"
    assert not (stack_dir / "pg").exists(), "the embedded cluster named by PROMETHEUS_PGDIR was never created"
