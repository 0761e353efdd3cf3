"""PostgREST's per-request transaction, replayed exactly.

1. take a connection of ``authenticator`` from the pool;
2. ``BEGIN ISOLATION LEVEL READ COMMITTED`` (``READ ONLY`` for GET/HEAD and for POST /rpc to a STABLE or IMMUTABLE
   function);
3. one ``set_config`` batch, local to the transaction: ``search_path``, ``role`` (the JWT's role claim, else the
   anonymous role), ``request.jwt.claims``, ``request.method``, ``request.path``, ``request.headers``,
   ``request.cookies``;
4. the statement (:mod:`pycore.gateway.query`): the total, the page's rows, the body, and the ``response.headers``
   and ``response.status`` the SQL set, in one row;
5. COMMIT; ROLLBACK on error, the error as PostgREST answers it (:func:`pycore.gateway.errors.from_database`).

Steps 2-4 go to the server in one round trip (a pipeline), step 5 in a second.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import psycopg
from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from pycore.gateway.errors import ApiError, from_database
from pycore.gateway.grammar import MAX_ROWS
from pycore.gateway.query import Statement
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
    """A committed statement: the body, the total asked for, the rows of the page, the headers and status SQL set."""

    body: str | None
    total: int | None
    rows: int
    headers: dict[str, str]
    status: str | None  # response.status as SQL set it


def _set_config(info: RequestInfo, claims: dict[str, Any], schema: str) -> tuple[str, tuple[str, ...]]:
    return (
        "select set_config('search_path', %s, true), set_config('role', %s, true), "
        "set_config('request.jwt.claims', %s, true), set_config('request.method', %s, true), "
        "set_config('request.path', %s, true), set_config('request.headers', %s, true), "
        "set_config('request.cookies', %s, true)",
        (
            f'"{schema}", public',
            claims["role"],
            json.dumps(claims),
            info.method,
            info.path,
            json.dumps(info.headers),
            json.dumps(info.cookies),
        ),
    )


async def run(
    pool: AsyncConnectionPool,
    info: RequestInfo,
    claims: dict[str, Any],
    *,
    anon_role: str,
    read_only: bool,
    statement: Statement,
    schema: str = SCHEMA,
    singular: bool = False,
    estimate: Literal["planned", "estimated"] | None = None,
    max_rows: int = MAX_ROWS,
) -> Outcome:
    """One request's transaction: BEGIN, the set_config batch and the main statement go in one round trip
    (a pipeline); then the planner's estimate of the total (``Prefer: count=planned``; ``estimated``: only when
    the exact total exceeds ``max_rows``, and never below it), the singular check (not one row: 406 and ROLLBACK) and
    COMMIT."""
    authenticated = claims.get("role") != anon_role
    query, args = _set_config(info, claims, schema)
    async with pool.connection() as conn:
        try:
            async with conn.pipeline():
                await conn.execute(
                    "begin isolation level read committed" + (" read only" if read_only else ""), prepare=False
                )
                await conn.execute(query, args)
                cur = await conn.execute(statement.main, statement.params)
            row = await cur.fetchone()
            if row is None:
                raise ApiError(500, "PGRST000", "the statement answered no row")
            total = int(row[0]) if row[0] is not None else None
            n = int(row[1])
            if estimate == "planned" or (estimate == "estimated" and total is not None and total > max_rows):
                plan = await (
                    await conn.execute(
                        sql.SQL("explain (format json) {}").format(statement.count), statement.count_params
                    )
                ).fetchone()
                planned_rows = int(plan[0][0]["Plan"]["Plan Rows"]) if plan and plan[0] else 0
                total = planned_rows if estimate == "planned" or total is None else max(total, planned_rows)
            if singular and n != 1:
                await conn.execute("rollback")
                raise ApiError(
                    406,
                    "PGRST116",
                    "JSON object requested, multiple (or no) rows returned",
                    f"The result contains {n} rows",
                )
            await conn.execute("commit")
        except psycopg.Error as exc:
            await conn.execute("rollback")
            raise from_database(exc, authenticated) from None
        except ApiError:
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                await conn.execute("rollback")
            raise
    headers: dict[str, str] = {}
    if row[3]:
        try:
            items = json.loads(row[3])
            if not isinstance(items, list):
                raise TypeError
            for item in items:
                headers.update({str(k): str(v) for k, v in item.items()})
        except (ValueError, TypeError, AttributeError):
            raise ApiError(
                500,
                "PGRST111",
                "response.headers guc must be a JSON array composed of objects with a single key and a string value",
            ) from None
    status = row[4]
    if status is not None and not (status.isdigit() and 100 <= int(status) <= 599):
        raise ApiError(500, "PGRST112", "response.status guc must be a valid status code")
    return Outcome(body=row[2], total=total, rows=n, headers=headers, status=status)
