"""The project's own PostgreSQL clusters: the embedded one of this work tree, and ephemeral ones for the tests.

With no ``DATABASE_URL`` in the environment the project runs its own PostgreSQL 15 cluster in a project-local
directory (``.pg/``, see :func:`pycore.db.default_cluster`), listening on a loopback port and a socket in that
directory. :func:`ensure_running` creates it on first use and starts it when it is down; a command calls it before it
connects, so running the set-up twice changes nothing. ``initdb`` and ``postgres`` refuse to run as root; when we are
root they run as the Debian ``postgres`` user, which then owns the cluster directory.

:func:`ephemeral_cluster` makes a throw-away cluster (a temporary directory and a free loopback port) for the tests:
it never touches the embedded one.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from pycore.db import DEFAULT_DB, Cluster, default_cluster, is_embedded
from pycore.db.roles import SUPERUSER

PG_BIN = Path(os.environ.get("PROMETHEUS_PG_BIN", "/usr/lib/postgresql/15/bin"))
# Settings of the embedded cluster: sized for a 2-core, 24 GiB workstation and for
# bulk COPY (no WAL archiving or replication, commits do not wait for fsync).
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "shared_buffers": "1GB",
    "work_mem": "64MB",
    "maintenance_work_mem": "512MB",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "8GB",
    "synchronous_commit": "off",
    "max_connections": "100",
    "jit": "off",
}
# And of an ephemeral cluster, whose data is thrown away at the end: no fsync at all (a crash loses only what
# would be removed anyway), so creating and dropping the tests' databases and loading them does not wait on the disk.
THROWAWAY_SETTINGS = {"fsync": "off", "full_page_writes": "off"}


class DevDbError(RuntimeError):
    """The embedded cluster cannot be set up or started."""


def _as_root() -> bool:
    return os.geteuid() == 0


def _run_pg(args: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    cmd = args
    if _as_root():
        cmd = ["runuser", "-u", SUPERUSER, "--", *args]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if check and res.returncode != 0:
        raise DevDbError(f"{Path(args[0]).name} failed: {(res.stderr or res.stdout).strip()}")
    return res


def _require_binaries() -> None:
    if not (PG_BIN / "initdb").exists():
        raise DevDbError(
            f"PostgreSQL 15 server binaries not found in {PG_BIN}; "
            "run scripts/setup.sh (it installs postgresql-15) or set DATABASE_URL"
        )
    if _as_root():
        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError as exc:
            raise DevDbError("running as root needs the 'postgres' OS user (package postgresql-15)") from exc


def _chown_to_postgres(path: Path) -> None:
    if _as_root():
        pw = pwd.getpwnam(SUPERUSER)
        os.chown(path, pw.pw_uid, pw.pw_gid)


def is_running(cluster: Cluster) -> bool:
    if not (cluster.data_dir / "PG_VERSION").exists():
        return False
    res = _run_pg([str(PG_BIN / "pg_ctl"), "status", "-D", str(cluster.data_dir)], check=False)
    return res.returncode == 0


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def ensure_cluster(cluster: Cluster | None = None, *, throwaway: bool = False) -> Cluster:
    """Create the cluster if needed and start it if it is not running. Idempotent. ``throwaway``: a cluster that
    is removed after use (:func:`ephemeral_cluster`) is created without syncing to disk and runs with
    :data:`THROWAWAY_SETTINGS`."""
    cluster = cluster or default_cluster()
    _require_binaries()
    if not (cluster.data_dir / "PG_VERSION").exists():
        cluster.base.mkdir(parents=True, exist_ok=True)
        cluster.socket_dir.mkdir(exist_ok=True)
        for p in (cluster.base, cluster.socket_dir):
            _chown_to_postgres(p)
        if cluster.data_dir.exists():
            shutil.rmtree(cluster.data_dir)
        _run_pg(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(cluster.data_dir),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                *(["--no-sync"] if throwaway else []),
            ]
        )
        conf = cluster.data_dir / "postgresql.auto.conf"
        settings = {**SERVER_SETTINGS, **(THROWAWAY_SETTINGS if throwaway else {})}
        lines = [f"{k} = '{v}'" for k, v in settings.items()]
        lines += [f"port = {cluster.port}", f"unix_socket_directories = '{cluster.socket_dir}'"]
        with conf.open("a") as fh:
            fh.write("\n".join(lines) + "\n")
    if is_running(cluster):
        return cluster
    if _port_in_use(cluster.port):
        raise DevDbError(
            f"port {cluster.port} on 127.0.0.1 is taken by another server; "
            "set PROMETHEUS_PGPORT to a free port or DATABASE_URL to use that server"
        )
    cluster.socket_dir.mkdir(exist_ok=True)
    _chown_to_postgres(cluster.socket_dir)
    if not cluster.log_file.exists():
        cluster.log_file.touch()
        _chown_to_postgres(cluster.log_file)
    _run_pg(
        [
            str(PG_BIN / "pg_ctl"),
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(cluster.data_dir),
            "-l",
            str(cluster.log_file),
        ]
    )
    return cluster


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def ephemeral_cluster(prefix: str = "prometheus-test-pg-") -> Iterator[Cluster]:
    """A new cluster in a temporary directory on a free port, stopped and removed on exit.

    It is removed whatever ends the block: success, an exception, or KeyboardInterrupt
    (callers that must survive SIGTERM turn it into an exception, as ``pycore.dbtest``
    does). A port taken between choosing and starting is retried with another one.
    """
    cluster: Cluster | None = None
    try:
        for attempt in range(3):
            cluster = Cluster(base=Path(tempfile.mkdtemp(prefix=prefix)), port=free_port())
            try:
                ensure_cluster(cluster, throwaway=True)
                break
            except DevDbError as exc:
                _remove_cluster(cluster)
                cluster = None
                if "is taken by another server" not in str(exc) or attempt == 2:
                    raise
        assert cluster is not None
        yield cluster
    finally:
        if cluster is not None:
            _remove_cluster(cluster)


def _remove_cluster(cluster: Cluster) -> None:
    try:
        stop_cluster(cluster)
    finally:
        shutil.rmtree(cluster.base, ignore_errors=True)


def stop_cluster(cluster: Cluster | None = None) -> bool:
    """Stop the embedded cluster if it runs; True if it was stopped."""
    cluster = cluster or default_cluster()
    if not is_running(cluster):
        return False
    _run_pg([str(PG_BIN / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(cluster.data_dir)])
    return True


def ensure_database(admin_url: str, dbname: str) -> bool:
    """Create ``dbname`` if missing; True if it was created."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (dbname,)).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("create database {} template template0 encoding 'UTF8'").format(sql.Identifier(dbname)))
        return True


def drop_database(admin_url: str, dbname: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(dbname)))


def wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, connect_timeout=3):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def ensure_running(url: str) -> str:
    """Make sure the server of ``url`` answers if it is ours to start, and return ``url``.

    When no ``DATABASE_URL`` is set and ``url`` reaches the embedded cluster (:func:`pycore.db.is_embedded`), the
    cluster is created if needed, started if it is down and its database created; any other server is left alone.
    This is the one place a command starts the embedded cluster: the URLs of :mod:`pycore.db` never do.
    """
    if os.environ.get("DATABASE_URL") or not is_embedded(url):
        return url
    cluster = ensure_cluster()
    ensure_database(cluster.url("postgres"), DEFAULT_DB)
    return url
