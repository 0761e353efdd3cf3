"""The gateway's HTTP application: aiohttp wiring, the handlers, CORS, and the server's lifecycle.

Production runs the real PostgREST (docker-compose.yml). PostgREST cannot be installed on the development machines,
so this small server speaks the subset of its grammar the console and the tests use and replays its per-request
transaction protocol exactly (:mod:`pycore.gateway.protocol`).

Supported: GET on api views with ``select``, ``order``, ``limit``, ``offset`` and the filters ``eq, neq, gt, gte,
lt, lte, in, is, like`` (``not.`` negates); ``Prefer: count=exact|planned`` with ``Content-Range``; GET and POST
``/rpc/<fn>`` with named arguments; singular responses (``Accept: application/vnd.pgrst.object+json``: the one row
as an object, else 406 PGRST116 and ROLLBACK); JWT (HS256) auth; CORS; an OpenAPI (Swagger 2.0) description at
``/``. Every identifier in a URL is checked against the schema cache before any SQL is built; values are always
bound parameters. Nothing here decides what the API does: that is SQL in the ``api`` schema.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
from aiohttp import web
from psycopg_pool import AsyncConnectionPool

from pycore.db.roles import ANON
from pycore.gateway import auth, grammar, openapi, protocol
from pycore.gateway.errors import ApiError
from pycore.gateway.schema_cache import SchemaCache, load_schema

log = logging.getLogger("pycore.gateway")

MAX_BODY = 1 << 20  # bytes
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS, HEAD",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Prefer, Accept, Range",
    "Access-Control-Expose-Headers": "Content-Range, Content-Location, Preference-Applied",
    "Access-Control-Max-Age": "86400",
}


def request_info(request: web.Request) -> protocol.RequestInfo:
    return protocol.RequestInfo(
        method=request.method,
        path=request.path,
        headers={k.lower(): v for k, v in request.headers.items() if k.lower() != "authorization"},
        cookies=dict(request.cookies.items()),
    )


class Gateway:
    """The server's state: the pool of ``authenticator`` connections, the schema cache, the JWT secret."""

    def __init__(self, conninfo: str, jwt_secret: str, *, anon_role: str = ANON) -> None:
        self.conninfo = conninfo
        self.jwt_secret = jwt_secret
        self.anon_role = anon_role
        self.pool: AsyncConnectionPool | None = None
        self.cache = SchemaCache()
        self._listener: asyncio.Task[None] | None = None

    async def start(self, _app: web.Application | None = None) -> None:
        # check: a pooled connection is tested before use and replaced if the server dropped it (a restart), so the
        # first request after a restart succeeds instead of failing on a dead connection
        self.pool = AsyncConnectionPool(
            self.conninfo,
            min_size=1,
            max_size=8,
            open=False,
            kwargs={"autocommit": True},
            timeout=10,
            check=AsyncConnectionPool.check_connection,
        )
        await self.pool.open(wait=True, timeout=30)
        await self.reload()
        self._listener = asyncio.create_task(self._listen())

    async def stop(self, _app: web.Application | None = None) -> None:
        if self._listener:
            self._listener.cancel()
        if self.pool:
            await self.pool.close()

    async def reload(self) -> None:
        assert self.pool is not None
        async with self.pool.connection() as conn:
            self.cache = await load_schema(conn)
        log.info("schema cache: %d views, %d functions", len(self.cache.views), len(self.cache.functions))

    async def _listen(self) -> None:
        """NOTIFY pgrst, 'reload schema' reloads the cache, as PostgREST does."""
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True) as conn:
                    await conn.execute("listen pgrst")
                    async for note in conn.notifies():
                        if note.payload in ("", "reload schema"):
                            await self.reload()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("schema listener failed; retrying")
                await asyncio.sleep(2)

    def claims(self, request: web.Request) -> dict[str, Any]:
        return auth.claims(request.headers.get("Authorization"), self.jwt_secret, self.anon_role)

    def _pool(self) -> AsyncConnectionPool:
        assert self.pool is not None
        return self.pool

    # ------------------------------------------------------------ handlers
    async def handle_view(self, request: web.Request) -> web.Response:
        claims = self.claims(request)
        view = self.cache.view(request.match_info["name"])  # only names in the schema cache reach SQL
        singular = grammar.wants_object(request.headers.get("Accept", ""))
        query = grammar.read_query(view, request.query.items(), singular)
        counting = grammar.count_preference(request.headers.get("Prefer", ""))
        planned = counting in ("planned", "estimated")
        total = await protocol.planned_count(self._pool(), claims, query.count, query.params) if planned else None
        outcome = await protocol.run(
            self._pool(),
            request_info(request),
            claims,
            anon_role=self.anon_role,
            read_only=True,
            statement=query.statement,
            params=query.params,
            count=query.count if counting == "exact" else None,
            singular=singular,
        )
        if not planned:
            total = outcome.total
        n = 1 if singular else len(json.loads(outcome.body or "[]"))
        rng = f"{query.offset}-{query.offset + n - 1}" if n else "*"
        headers = {"Content-Range": f"{rng}/{total if total is not None else '*'}"}
        if counting:
            headers["Preference-Applied"] = f"count={counting}"
        headers.update(outcome.headers)
        return web.Response(
            text=outcome.body,
            status=int(outcome.status or 200),
            content_type=grammar.SINGULAR if singular else "application/json",
            headers=headers,
        )

    async def handle_rpc(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        claims = self.claims(request)
        args: Any
        if request.method == "POST":
            if request.content_length is not None and request.content_length > MAX_BODY:
                raise ApiError(413, "PGRST102", f"request body is larger than {MAX_BODY} bytes")
            raw = await request.read()
            if len(raw) > MAX_BODY:
                raise ApiError(413, "PGRST102", f"request body is larger than {MAX_BODY} bytes")
            try:
                args = json.loads(raw) if raw.strip() else {}
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise ApiError(400, "PGRST102", "Empty or invalid json") from None
            if not isinstance(args, dict):
                raise ApiError(400, "PGRST102", "the body of an RPC call is a JSON object of named arguments")
        else:
            args = dict(request.query)
        fn = self.cache.function(name, set(args))
        singular = grammar.wants_object(request.headers.get("Accept", ""))
        statement, params = grammar.rpc_query(fn, args, from_body=request.method == "POST", singular=singular)
        outcome = await protocol.run(
            self._pool(),
            request_info(request),
            claims,
            anon_role=self.anon_role,
            read_only=request.method == "GET" or fn.read_only,
            statement=statement,
            params=params,
            singular=singular,
        )
        return web.Response(
            text=outcome.body if outcome.body is not None else "null",
            status=int(outcome.status or 200),
            content_type=grammar.SINGULAR if singular else "application/json",
            headers=outcome.headers,
        )

    async def handle_root(self, request: web.Request) -> web.Response:
        self.claims(request)
        return web.json_response(openapi.describe(self.cache, request.host))


def _compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


@web.middleware
async def errors_and_cors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """CORS on every answer (and the preflight), every error as PostgREST's ``{code, message, details, hint}``."""
    if request.method == "OPTIONS":
        return web.Response(status=200, headers=CORS_HEADERS)
    try:
        resp = await handler(request)
    except ApiError as err:
        resp = web.json_response(err.body(), status=err.status, headers=err.headers, dumps=_compact)
    except web.HTTPRequestEntityTooLarge:
        resp = web.json_response(
            {"code": "PGRST102", "message": "request body too large", "details": None, "hint": None},
            status=413,
            dumps=_compact,
        )
    except web.HTTPException as exc:
        if exc.status == 405:
            body = {
                "code": "PGRST117",
                "message": f"Unsupported HTTP method: {request.method}",
                "details": None,
                "hint": None,
            }
        else:
            body = {"code": f"PGRST{exc.status}", "message": exc.reason, "details": None, "hint": None}
        resp = web.json_response(body, status=exc.status, dumps=_compact)
    except (psycopg.OperationalError, OSError) as exc:
        resp = web.json_response(
            {
                "code": "PGRST001",
                "message": "Database client error. Retrying the connection.",
                "details": str(exc),
                "hint": None,
            },
            status=503,
            dumps=_compact,
        )
    resp.headers.update(CORS_HEADERS)
    return resp


def make_app(gw: Gateway) -> web.Application:
    app = web.Application(middlewares=[errors_and_cors], client_max_size=MAX_BODY)
    app.router.add_get("/", gw.handle_root)
    app.router.add_route("GET", "/rpc/{name}", gw.handle_rpc)
    app.router.add_route("POST", "/rpc/{name}", gw.handle_rpc)
    app.router.add_get("/{name}", gw.handle_view)
    app.on_startup.append(gw.start)
    app.on_cleanup.append(gw.stop)
    return app
