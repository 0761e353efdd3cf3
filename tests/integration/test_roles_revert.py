"""The revert of schema/roles never takes the cluster-wide roles from another database.

On a cluster of its own (the suite's server holds other deployed databases):
two databases with the project deployed; a session logged in as authenticator on
the first, as a running API's pool holds it. A full sqitch revert of the second
keeps every role (same OIDs) and that session can still switch roles; the revert
of the last deployment drops them, unless a session is logged in as one of them.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from pycore import db
from pycore.dev import cluster as devdb
from pycore.dev import deploy

ROLES = ("authenticator", "web_anon", "operator", "pycore_writer")


@pytest.fixture(scope="module")
def own_server() -> Iterator[str]:
    with devdb.ephemeral_cluster() as cluster:
        yield cluster.url("postgres")


def role_oids(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("select rolname, oid from pg_roles where rolname = any(%s)", (list(ROLES),)).fetchall()
    return {str(n): int(o) for n, o in rows}


# The revert under test is schema/roles'; a database deployed up to it reverts through the same script as a full
# deployment does (everything after it, the grants to the roles included, is reverted before it runs), in a fraction
# of the time.
UP_TO_ROLES = ("--to", "schema/roles")


def deployed_db(server: str, name: str) -> str:
    """A database with the whole project deployed (the API's views the pooled session reads)."""
    devdb.ensure_database(server, name)
    url = db.with_dbname(server, name)
    deploy.deploy(url, quiet=True, on_drift="refuse")
    return url


def roles_db(server: str, name: str) -> str:
    """A database with the project deployed up to the roles."""
    devdb.ensure_database(server, name)
    url = db.with_dbname(server, name)
    deploy.sqitch("deploy", url, *UP_TO_ROLES, quiet=True)
    return url


def switches_roles(conn: psycopg.Connection[tuple[object, ...]]) -> bool:
    """What the gateway does per request in its pooled authenticator session."""
    with conn.transaction():
        conn.execute("set local role web_anon")
        conn.execute("select count(*) from api.status_overview")
        conn.execute("set local role operator")
        row = conn.execute("select current_user").fetchone()
    return row is not None and row[0] == "operator"


def test_reverting_one_database_keeps_the_roles_another_uses(own_server: str) -> None:
    first = deployed_db(own_server, "first")
    second = roles_db(own_server, "second")
    before = role_oids(own_server)
    assert set(before) == set(ROLES)
    with psycopg.connect(db.with_user(first, "authenticator")) as pooled:
        assert switches_roles(pooled)
        out = deploy.sqitch("revert", second, quiet=True)
        assert "used by another database" in out, out
        assert role_oids(own_server) == before, "no role was dropped or recreated"
        assert switches_roles(pooled), "the open authenticator session still switches to web_anon and operator"
    devdb.drop_database(own_server, "second")
    devdb.drop_database(own_server, "first")


def test_the_last_deployment_drops_them_unless_a_session_is_logged_in_as_one(own_server: str) -> None:
    only = roles_db(own_server, "only")
    before = role_oids(own_server)
    with psycopg.connect(db.with_user(only, "pycore_writer")):
        out = deploy.sqitch("revert", only, quiet=True)
        assert "have sessions logged in" in out, out
        assert role_oids(own_server) == before, "a worker is logged in: the roles stay"
    deploy.sqitch("deploy", only, *UP_TO_ROLES, quiet=True)
    deploy.sqitch("revert", only, quiet=True)
    assert role_oids(own_server) == {}, "nothing uses them any more: the full revert drops them"
    deploy.sqitch("deploy", only, *UP_TO_ROLES, quiet=True)
    assert set(role_oids(own_server)) == set(ROLES), "and a deploy creates them again"
