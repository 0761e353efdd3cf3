"""The database roles, by name: the sqitch changes ``schema/roles`` and ``schema/role_analyst`` create them."""

from __future__ import annotations

SUPERUSER = "postgres"
"""The cluster's bootstrap superuser: the owner connection of the embedded cluster (and its OS user when run as root)."""

AUTHENTICATOR = "authenticator"
"""PostgREST's login (and the gateway's): LOGIN NOINHERIT, it switches to the role of each request."""

ANON = "web_anon"
"""The role of a request without a JWT: reads the ``api`` schema."""

OPERATOR = "operator"
"""The JWT role that may submit and cancel jobs and apply proposals."""

WRITER = "pycore_writer"
"""What the core and the workers connect as: read ``hist``, write ``runtime``, no DDL."""

ANALYST = "analyst"
"""The read-only psql login of analysts."""
