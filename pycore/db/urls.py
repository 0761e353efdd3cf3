"""Connection URLs, resolved from the environment without side effects.

``DATABASE_URL`` names the server and the owner's connection when it is set. Without it, the URLs reach the embedded
cluster of this work tree (``.pg/``, or ``PROMETHEUS_PGDIR``; loopback port ``PROMETHEUS_PGPORT``, default 54329;
a socket in its ``run/`` directory), whether or not it runs: :func:`pycore.dev.cluster.ensure_running` starts it.
"""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import stat
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pycore import project_root
from pycore.db.roles import AUTHENTICATOR, SUPERUSER, WRITER

DEFAULT_PORT = 54329
DEFAULT_DB = "prometheus"


@dataclass(frozen=True)
class Cluster:
    """Where a project-made cluster lives and how to reach it (the embedded one, or an ephemeral test cluster)."""

    base: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "run"

    @property
    def log_file(self) -> Path:
        return self.base / "postgres.log"

    def url(self, dbname: str = DEFAULT_DB, user: str = SUPERUSER) -> str:
        return make_conninfo("", host=str(self.socket_dir), port=str(self.port), dbname=dbname, user=user)


def _postgres_can_reach(path: Path) -> bool:
    """Whether the ``postgres`` OS user may enter ``path`` and every directory above it (read from the modes)."""
    try:
        user = pwd.getpwnam(SUPERUSER)
    except KeyError:
        return False
    groups = {user.pw_gid} | {g.gr_gid for g in grp.getgrall() if SUPERUSER in g.gr_mem}
    for directory in (path, *path.parents):
        try:
            st = directory.stat()
        except OSError:
            return False
        if st.st_uid == user.pw_uid:
            allowed = st.st_mode & stat.S_IXUSR
        elif st.st_gid in groups:
            allowed = st.st_mode & stat.S_IXGRP
        else:
            allowed = st.st_mode & stat.S_IXOTH
        if not allowed:
            return False
    return True


def default_cluster() -> Cluster:
    """The embedded cluster of this work tree: ``.pg/`` (``PROMETHEUS_PGDIR``), port ``PROMETHEUS_PGPORT``."""
    port = int(os.environ.get("PROMETHEUS_PGPORT", DEFAULT_PORT))
    base = Path(os.environ.get("PROMETHEUS_PGDIR", project_root() / ".pg"))
    if os.geteuid() == 0 and not _postgres_can_reach(base.parent):
        # As root the server runs as the postgres user; the work tree is under a directory it cannot enter (e.g. a
        # root home): keep the cluster per work tree, but where postgres can reach it.
        digest = hashlib.sha1(str(project_root()).encode()).hexdigest()[:10]
        base = Path("/var/tmp") / f"prometheus-pg-{digest}"
    return Cluster(base=base, port=port)


def with_dbname(url: str, dbname: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo("", **{k: str(v) for k, v in params.items() if v is not None})


def with_user(url: str, user: str) -> str:
    """``url`` for another user (its password dropped: the embedded cluster trusts local connections)."""
    params = conninfo_to_dict(url)
    params["user"] = user
    params.pop("password", None)
    return make_conninfo("", **{k: str(v) for k, v in params.items() if v is not None})


def is_embedded(url: str) -> bool:
    """Whether ``url`` reaches the embedded cluster of this work tree (:func:`default_cluster`)."""
    params = conninfo_to_dict(url)
    cluster = default_cluster()
    return str(params.get("host") or "") == str(cluster.socket_dir) and str(params.get("port") or "") == str(
        cluster.port
    )


def database_url() -> str:
    """The owner connection: ``DATABASE_URL`` if set, else the embedded cluster's database (started or not)."""
    return os.environ.get("DATABASE_URL") or default_cluster().url(DEFAULT_DB)


def writer_url() -> str:
    """The connection of the core and the workers (role ``pycore_writer``).

    ``PYCORE_DATABASE_URL`` when set; else ``DATABASE_URL`` itself (its user must hold pycore_writer's rights);
    else the embedded cluster's database as pycore_writer (local trust authentication).
    """
    return os.environ.get("PYCORE_DATABASE_URL") or os.environ.get("DATABASE_URL") or with_user(database_url(), WRITER)


def authenticator_url() -> str:
    """The API's login: ``PGRST_DB_URI`` (PostgREST's own variable) when set, else the owner's URL as authenticator."""
    return os.environ.get("PGRST_DB_URI") or with_user(database_url(), AUTHENTICATOR)
