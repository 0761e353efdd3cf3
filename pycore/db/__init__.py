"""Where the database is and who connects to it, free of side effects.

The connection URLs of the owner (:func:`database_url`), of the core and the workers (:func:`writer_url`) and of
the API's login (:func:`authenticator_url`); URL helpers (:func:`with_user`, :func:`with_dbname`,
:func:`is_embedded`); the address of the embedded development cluster (:class:`Cluster`, :func:`default_cluster`);
and the names of the database roles (:mod:`pycore.db.roles`). Nothing here starts a server, opens a connection or
writes a file: a command that needs the embedded cluster running calls :func:`pycore.dev.cluster.ensure_running`
first, then uses these URLs.
"""

from pycore.db import roles
from pycore.db.urls import (
    DEFAULT_DB,
    DEFAULT_PORT,
    Cluster,
    authenticator_url,
    database_url,
    default_cluster,
    is_embedded,
    with_dbname,
    with_user,
    writer_url,
)

__all__ = [
    "DEFAULT_DB",
    "DEFAULT_PORT",
    "Cluster",
    "authenticator_url",
    "database_url",
    "default_cluster",
    "is_embedded",
    "roles",
    "with_dbname",
    "with_user",
    "writer_url",
]
