"""Database fixtures for the whole suite.

The server, in order of preference:
1. ``DATABASE_URL`` when set: scratch databases are created on that server
   (``scripts/test.sh`` sets it to the ephemeral cluster it shares with the pgTAP stage);
2. a PostgreSQL 15 testcontainer when a Docker engine answers;
3. otherwise an ephemeral cluster (``pycore.dev.cluster.ephemeral_cluster``: ``initdb`` in a
   temporary directory, a free loopback port) that this session starts and removes.
The embedded cluster of ``scripts/main.sh`` (``.pg/``) is never used.

``template_db`` is a database with the schema deployed by sqitch and no data;
``fresh_db`` is a per-test copy of it; ``loaded_db`` holds the full market data
set, loaded once per session with ``pycore.load``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pycore import db
from pycore.data.engines import refresh_market_state
from pycore.data.load import default_data_dir, load
from pycore.dev import cluster as devdb
from pycore.dev import deploy

ROOT = Path(__file__).resolve().parent.parent
_free_port = devdb.free_port  # the name other test modules import


def _docker_available() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Connection string of a superuser (or database owner) session on the test server."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    if _docker_available():
        from testcontainers.postgres import PostgresContainer  # type: ignore[import-untyped]

        with PostgresContainer("postgres:15", driver=None) as pgc:
            yield pgc.get_connection_url()
        return
    with devdb.ephemeral_cluster() as cluster:
        yield cluster.url("postgres")


def create_db(server_url: str, template: str | None = None) -> str:
    name = f"prometheus_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        if template:
            conn.execute(sql.SQL("create database {} template {}").format(sql.Identifier(name), sql.Identifier(template)))
        else:
            conn.execute(sql.SQL("create database {} template template0 encoding 'UTF8'").format(sql.Identifier(name)))
    return db.with_dbname(server_url, name)


def dbname_of(url: str) -> str:
    return str(psycopg.conninfo.conninfo_to_dict(url)["dbname"])


@pytest.fixture(scope="session")
def template_db(pg_server: str) -> Iterator[str]:
    url = create_db(pg_server)
    deploy.deploy(url, quiet=True)
    yield url
    devdb.drop_database(pg_server, dbname_of(url))


@pytest.fixture
def fresh_db(pg_server: str, template_db: str) -> Iterator[str]:
    url = create_db(pg_server, template=dbname_of(template_db))
    yield url
    devdb.drop_database(pg_server, dbname_of(url))


@pytest.fixture(scope="session")
def loaded_db(pg_server: str, template_db: str) -> Iterator[str]:
    url = create_db(pg_server, template=dbname_of(template_db))
    load(url, default_data_dir())
    with psycopg.connect(url) as conn:
        refresh_market_state(conn)
    yield url
    devdb.drop_database(pg_server, dbname_of(url))


@pytest.fixture
def conn(loaded_db: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(loaded_db) as c:
        yield c


@pytest.fixture(scope="session")
def pg_restart(pg_server: str) -> Callable[[], None]:
    """Restart the session's PostgreSQL server, as an operator would (``pg_ctl restart -m fast``: every session is
    terminated). For the fault tests; skips when the server is not a cluster on this machine (a testcontainer, a
    remote ``DATABASE_URL``)."""
    with psycopg.connect(pg_server, autocommit=True) as c:
        row = c.execute("select current_setting('data_directory'), current_setting('port'), "
                        "current_setting('is_superuser')").fetchone()
    assert row is not None
    data_dir, port, superuser = Path(row[0]), row[1], row[2]
    pg_ctl = devdb.PG_BIN / "pg_ctl"
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
    except OSError:
        lines = []
    if superuser != "on" or not pg_ctl.exists() or len(lines) < 4 or lines[3].strip() != port:
        pytest.skip("the test server is not a PostgreSQL cluster of this machine: it cannot be restarted from here")
    log = data_dir.parent / "postgres.log"
    if not log.exists():
        log = data_dir / "restart.log"

    def restart() -> None:
        devdb._run_pg([str(pg_ctl), "restart", "-w", "-t", "60", "-m", "fast", "-D", str(data_dir), "-l", str(log)])

    return restart
