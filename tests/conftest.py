"""Database fixtures for the whole suite.

The server, in order of preference:
1. ``DATABASE_URL`` when set: scratch databases are created on that server;
2. a PostgreSQL 15 testcontainer when a Docker engine answers;
3. otherwise an ephemeral cluster (``initdb`` in a temporary directory, a free
   loopback port) that this session starts and stops.

``template_db`` is a database with the schema deployed by sqitch and no data;
``fresh_db`` is a per-test copy of it; ``loaded_db`` holds the full market data
set, loaded once per session with ``pycore.load``.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pycore import deploy, devdb
from pycore.engines import refresh_market_state
from pycore.load import default_data_dir, load

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    base = Path(tempfile.mkdtemp(prefix="prometheus-test-pg-"))
    cluster = devdb.Cluster(base=base, port=_free_port())
    devdb.ensure_cluster(cluster)
    try:
        yield cluster.url("postgres")
    finally:
        devdb.stop_cluster(cluster)
        shutil.rmtree(base, ignore_errors=True)


def create_db(server_url: str, template: str | None = None) -> str:
    name = f"prometheus_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        if template:
            conn.execute(sql.SQL("create database {} template {}").format(sql.Identifier(name), sql.Identifier(template)))
        else:
            conn.execute(sql.SQL("create database {} template template0 encoding 'UTF8'").format(sql.Identifier(name)))
    return devdb.with_dbname(server_url, name)


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
