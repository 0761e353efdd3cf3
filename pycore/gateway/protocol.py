"""PostgREST's per-request transaction, replayed exactly.

1. take a connection of ``authenticator`` from the pool;
2. ``BEGIN ISOLATION LEVEL READ COMMITTED`` (``READ ONLY`` for GET/HEAD and for POST /rpc to a STABLE or IMMUTABLE
   function);
3. one ``set_config`` batch, local to the transaction: ``search_path``, ``role`` (the JWT's role claim, else the
   anonymous role), ``request.jwt.claims``, ``request.method``, ``request.path``, ``request.headers``,
   ``request.cookies``;
4. the statement, its result as JSON (``coalesce(json_agg(t), '[]')``);
5. the ``response.headers`` and ``response.status`` the SQL set, then COMMIT; ROLLBACK on error, the error as
   PostgREST answers it (:func:`pycore.gateway.errors.from_database`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from pycore.gateway.errors import ApiError, from_database
from pycore.gateway.schema_cache import SCHEMA


@dataclass(frozen=True)
class RequestInfo:
    """What the transaction tells SQL about the HTTP request."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names, Authorization left out
    cookies: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    """A committed statement: the body (JSON text), the count asked for, the headers and status SQL set."""

    body: str | None
    total: int | None
    headers: dict[str, str]
    status: str | None  # response.status as SQL set it


async def run(
    pool: AsyncConnectionPool,
    info: RequestInfo,
    claims: dict[str, Any],
    *,
    anon_role: str,
    read_only: bool,
    statement: sql.Composed,
    params: list[Any],
    count: sql.Composed | None = None,
    singular: bool = False,
) -> Outcome:
    """One request's transaction. ``statement`` answers one row (body, number of rows); ``count`` (same parameters)
    answers the total; ``singular``: exactly one row, else 406 and ROLLBACK."""
    authenticated = claims.get("role") != anon_role
    async with pool.connection() as conn:
        try:
            await conn.execute("begin isolation level read committed" + (" read only" if read_only else ""))
            await conn.execute(
                "select set_config('search_path', %s, true), set_config('role', %s, true), "
                "set_config('request.jwt.claims', %s, true), set_config('request.method', %s, true), "
                "set_config('request.path', %s, true), set_config('request.headers', %s, true), "
                "set_config('request.cookies', %s, true)",
                (
                    f"{SCHEMA}, public",
                    claims["role"],
                    json.dumps(claims),
                    info.method,
                    info.path,
                    json.dumps(info.headers),
                    json.dumps(info.cookies),
                ),
            )
            total = None
            if count is not None:
                cur = await conn.execute(count, params)
                row = await cur.fetchone()
                total = int(row[0]) if row and row[0] is not None else 0
            cur = await conn.execute(statement, params)
            row = await cur.fetchone()
            n = int(row[1]) if row else 0
            if singular and n != 1:
                await conn.execute("rollback")
                raise ApiError(
                    406,
                    "PGRST116",
                    "JSON object requested, multiple (or no) rows returned",
                    f"The result contains {n} rows",
                )
            gucs = await (
                await conn.execute(
                    "select current_setting('response.headers', true), current_setting('response.status', true)"
                )
            ).fetchone()
            await conn.execute("commit")
        except psycopg.Error as exc:
            await conn.execute("rollback")
            raise from_database(exc, authenticated) from None
    headers: dict[str, str] = {}
    if gucs and gucs[0]:
        for item in json.loads(gucs[0]):
            headers.update({str(k): str(v) for k, v in item.items()})
    return Outcome(
        body=row[0] if row else None, total=total, headers=headers, status=gucs[1] if gucs and gucs[1] else None
    )


async def planned_count(
    pool: AsyncConnectionPool, claims: dict[str, Any], count: sql.Composed, params: list[Any]
) -> int:
    """The planner's row estimate of ``count`` (``Prefer: count=planned|estimated``), as the request's role."""
    stmt = sql.SQL("explain (format json) {}").format(count)
    async with pool.connection() as conn:
        try:
            await conn.execute("begin read only")
            await conn.execute(
                "select set_config('role', %s, true), set_config('search_path', %s, true)", (claims["role"], SCHEMA)
            )
            cur = await conn.execute(stmt, params)
            row = await cur.fetchone()
        finally:
            await conn.execute("rollback")
    plan = row[0] if row else []
    return int(plan[0]["Plan"]["Plan Rows"]) if plan else 0
