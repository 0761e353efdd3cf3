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

Under pytest-xdist (``scripts/test.sh`` runs ``-n 4 --dist loadgroup``) every test is
in one of four groups, each run by one worker process from start to end: ``server2``
(when the test command made the session's server: the tests that restart their server
and the longest database tests, on a second ephemeral cluster with its own data),
``server``
(every other test on the session's server: the deployed and loaded databases, the HTTP
gateway and job workers, the console; with a DATABASE_URL of the user's, the tests of
``server2`` too), ``stack`` (the whole stack of ``pycore.stack up`` on a cluster of its
own) and ``own`` (tests that start clusters of their own or need no database). So the
data is loaded once per server, and a restart of a server never cuts another worker's
sessions. Ports the tests choose come from a block per worker (``_free_port``).
"""

from __future__ import annotations

import itertools
import os
import random
import socket
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
FIRST_WORKER_PORT = 20000  # 20000-31999: six blocks, below Linux's ephemeral range (32768-60999)
PORTS_PER_WORKER = 2000
_kernel_free_port = devdb.free_port
_next_port = itertools.count(random.randrange(PORTS_PER_WORKER))


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on. Under pytest-xdist, from a block of ports of this worker's
    own, below the kernel's ephemeral range: the port a test chose cannot be taken by another worker (or by an
    outgoing connection) before the test's server binds it. Outside xdist, the kernel's choice."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not worker[2:].isdigit():
        return _kernel_free_port()
    base = FIRST_WORKER_PORT + int(worker[2:]) % 6 * PORTS_PER_WORKER
    for _ in range(PORTS_PER_WORKER):
        port = base + next(_next_port) % PORTS_PER_WORKER
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    return _kernel_free_port()


# Clusters the tests start (pycore.dev.cluster.ephemeral_cluster) take their ports from the same blocks.
devdb.free_port = _free_port


def _docker_available() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=3).ping()
        return True
    except Exception:  # noqa: BLE001 -- no Docker engine, whatever the client says: the tests start clusters
        return False


# Which worker process runs a test under pytest-xdist, by node id (the scheduler sees node ids only).
STACK = ("tests/integration/test_stack_isolation.py::test_the_database_test_stage_leaves_a_running_stack_alone",)
OWN = ("tests/unit/", "tests/integration/test_roles_revert.py", "tests/integration/test_stack_isolation.py",
       "tests/integration/test_setup.py::test_cluster_", "tests/integration/test_setup.py::test_setup_script_",
       "tests/c2/test_console.py::test_gdlint_and_gdformat")
# On a second server of their own when the test command made the session's server (an ephemeral cluster): the tests
# that restart their server, and the longest database tests, so that the two halves run side by side.
SECOND = ("tests/http/test_faults.py", "tests/http/test_events.py::test_a_postgres_restart_",
          "tests/integration/test_features.py", "tests/integration/test_deploy_drift.py")
SERVER_OWNED = "PROMETHEUS_TEST_SERVER_OWNED"  # set by pycore.dbtest when DATABASE_URL is an ephemeral cluster of its own
# Fixtures on a server of the tests: a test that uses one must be in a group of a server ("server" or "server2").
SERVER_FIXTURES = frozenset({"template_db", "fresh_db", "loaded_db", "conn", "api_db", "api", "pg_restart", "empty_db"})
SERVER_GROUPS = ("server", "server2")


def suite_group(nodeid: str) -> str:
    """The group of a test: ``stack``, ``own``, ``server2`` or ``server`` (see the module docstring)."""
    if nodeid.startswith(STACK):
        return "stack"
    if nodeid.startswith(OWN):
        return "own"
    return "server2" if nodeid.startswith(SECOND) and os.environ.get(SERVER_OWNED) == "1" else "server"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Under xdist, each worker runs one group from start to end: it knows its group before its first fixture."""
    os.environ.setdefault("PROMETHEUS_TEST_GROUP", suite_group(item.nodeid))


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadgroup``: one group per worker process, the groups of :func:`suite_group` (xdist's own
    ``xdist_group`` marks do not reach its scheduler under pytest 9, whose node ids are read-only)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SuiteGroups(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return suite_group(nodeid)

    return SuiteGroups(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test on the session's server outside the "server" group could meet a restart of that server."""
    misplaced = [item.nodeid for item in items
                 if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())) and suite_group(item.nodeid) not in SERVER_GROUPS]
    if misplaced:
        raise pytest.UsageError("tests on the session's server outside its group (tests/conftest.py OWN, STACK): "
                                + ", ".join(misplaced))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Connection string of a superuser (or database owner) session on the test server."""
    url = os.environ.get("DATABASE_URL")
    if url and not (os.environ.get("PROMETHEUS_TEST_GROUP") == "server2" and os.environ.get(SERVER_OWNED) == "1"):
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
    with psycopg.connect(url, autocommit=True) as conn:
        refresh_market_state(conn)
        conn.execute("analyze")  # statistics now, not when autovacuum wakes up: the tests' queries get their plans
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
