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
import os
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
from aiohttp import web
from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from pycore.db.roles import ANON
from pycore.gateway import auth, grammar, openapi, protocol, query
from pycore.gateway.errors import ApiError
from pycore.gateway.schema_cache import SCHEMA, SchemaCache, load_schema

log = logging.getLogger("pycore.gateway")

MAX_BODY = 1 << 20  # bytes
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS, HEAD",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Prefer, Accept, Range, Accept-Profile, Content-Profile",
    "Access-Control-Expose-Headers": "Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, Transfer-Encoding, Range-Unit, Preference-Applied, Content-Profile",
    "Access-Control-Max-Age": "86400",
}


def request_info(request: web.Request) -> protocol.RequestInfo:
    return protocol.RequestInfo(
        method=request.method,
        path=request.path,
        headers={k.lower(): v for k, v in request.headers.items() if k.lower() != "authorization"},
        cookies=dict(request.cookies.items()),
    )


def exposed_schemas() -> list[str]:
    """The schemas served, the first the default: ``PGRST_DB_SCHEMAS`` (PostgREST's own variable), else ``api``."""
    raw = os.environ.get("PGRST_DB_SCHEMAS", SCHEMA)
    return [s.strip() for s in raw.split(",") if s.strip()] or [SCHEMA]


class Gateway:
    """The server's state: the pool of ``authenticator`` connections, the schema cache, the JWT secret."""

    def __init__(
        self,
        conninfo: str,
        jwt_secret: str,
        *,
        anon_role: str = ANON,
        schemas: list[str] | None = None,
        pool_size: int = 8,
    ) -> None:
        self.conninfo = conninfo
        self.jwt_secret = jwt_secret
        self.anon_role = anon_role
        self.schemas = schemas or exposed_schemas()
        self.pool_size = pool_size
        self.pool: AsyncConnectionPool | None = None
        self.caches: dict[str, SchemaCache] = {s: SchemaCache(s) for s in self.schemas}
        self._listener: asyncio.Task[None] | None = None

    @property
    def cache(self) -> SchemaCache:
        """The default schema's cache."""
        return self.caches[self.schemas[0]]

    async def start(self, _app: web.Application | None = None) -> None:
        # check: a pooled connection is tested before use and replaced if the server dropped it (a restart), so the
        # first request after a restart succeeds instead of failing on a dead connection
        self.pool = AsyncConnectionPool(
            self.conninfo,
            min_size=min(2, self.pool_size),
            max_size=self.pool_size,
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
            self.caches = {s: await load_schema(conn, s) for s in self.schemas}
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
    async def _answer(
        self,
        request: web.Request,
        *,
        schema: str,
        by_profile: bool,
        claims: dict[str, Any],
        statement: query.Statement,
        media: grammar.Negotiated,
        prefs: grammar.Preferences,
        rng: grammar.Range,
        read_only: bool,
        location: str | None,
        rpc: bool,
    ) -> web.Response:
        """Run the statement in PostgREST's transaction and answer as PostgREST does: status and Content-Range from
        the range and the total, Content-Location, Content-Type, Content-Profile, Preference-Applied, then whatever
        ``response.status`` / ``response.headers`` the SQL set."""
        outcome = await protocol.run(
            self._pool(),
            request_info(request),
            claims,
            anon_role=self.anon_role,
            read_only=read_only,
            statement=statement,
            schema=schema,
            singular=media.media == "object",
            estimate=prefs.count if prefs.count in ("planned", "estimated") else None,
        )
        status, content_range = grammar.content_range(rng.offset, outcome.rows, outcome.total)
        headers = {"Content-Range": content_range}
        if location is not None:
            headers["Content-Location"] = location
        headers["Content-Type"] = media.content_type
        if by_profile:
            headers["Content-Profile"] = schema
        applied = prefs.applied(rpc)
        if applied:
            headers["Preference-Applied"] = applied
        body = outcome.body or ""
        if status == 416:
            err = ApiError(
                416,
                "PGRST103",
                "Requested range not satisfiable",
                f"An offset of {rng.offset} was requested, but there are only {outcome.total} rows.",
            )
            body = _compact(err.body())
            headers["Content-Type"] = "application/json; charset=utf-8"
        headers.update(outcome.headers)
        if outcome.status:
            status = int(outcome.status)
        if request.method == "HEAD":
            body = ""
        return web.Response(body=body.encode(), status=status, headers=headers)

    def _request_parts(
        self, request: web.Request
    ) -> tuple[dict[str, Any], str, bool, SchemaCache, grammar.Negotiated, grammar.Preferences]:
        claims = self.claims(request)
        lowered = {k.lower(): v for k, v in request.headers.items()}
        schema, by_profile = grammar.profile(request.method, lowered, self.schemas)
        media = grammar.negotiate(request.headers.get("Accept"))
        prefs = grammar.preferences(request.headers.getall("Prefer", []))
        return claims, schema, by_profile, self.caches[schema], media, prefs

    async def handle_view(self, request: web.Request) -> web.Response:
        claims, schema, by_profile, cache, media, prefs = self._request_parts(request)
        name = request.match_info["name"]
        cache.view(name)  # only relations in the schema cache reach SQL
        q = grammar.parse_query(request.query.items(), name)
        rng = grammar.requested_range(request.method, request.headers.get("Range"), q.limit, q.offset)
        statement = query.read(
            sql.Identifier(schema, name), [], q, rng, media, count=prefs.count in ("exact", "estimated")
        )
        location = f"/{name}" + (f"?{q.canonical}" if q.canonical else "")
        return await self._answer(
            request,
            schema=schema,
            by_profile=by_profile,
            claims=claims,
            statement=statement,
            media=media,
            prefs=prefs,
            rng=rng,
            read_only=True,
            location=location,
            rpc=False,
        )

    async def handle_rpc(self, request: web.Request) -> web.Response:
        if request.method not in ("GET", "HEAD", "POST"):
            raise ApiError(405, "PGRST101", f"Cannot use the {request.method} method on RPC")
        name = request.match_info["name"]
        claims, schema, by_profile, cache, media, prefs = self._request_parts(request)
        post = request.method == "POST"
        body: Any = None
        if post:
            if request.content_length is not None and request.content_length > MAX_BODY:
                raise ApiError(413, "PGRST102", f"request body is larger than {MAX_BODY} bytes")
            raw = await request.read()
            if len(raw) > MAX_BODY:
                raise ApiError(413, "PGRST102", f"request body is larger than {MAX_BODY} bytes")
            try:
                body = json.loads(raw) if raw.strip() else {}
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise ApiError(400, "PGRST102", "Empty or invalid json") from None
            q = grammar.parse_query(request.query.items(), name)
            given = set(body) if isinstance(body, dict) else set()
            fn = cache.function(name, given, post=True, single_object=prefs.single_object)
            whole_body = prefs.single_object or (fn.single_json_arg and fn.args[0][0] not in given)
            if not whole_body and not isinstance(body, dict):
                raise ApiError(400, "PGRST102", "Empty or invalid json")
            args: dict[str, Any] | None = None if whole_body else body
        else:
            q = grammar.parse_query(request.query.items(), name, rpc_read=True)
            fn = cache.function(name, set(q.rpc_args), post=False)
            args = dict(q.rpc_args)
        source, params = query.call(fn, args, body, from_body=post)
        rng = grammar.requested_range(request.method, request.headers.get("Range"), q.limit, q.offset)
        statement = query.read(
            source,
            params,
            q,
            rng,
            media,
            count=prefs.count in ("exact", "estimated"),
            scalar=fn.scalar,
            single_value=not fn.returns_set,
        )
        return await self._answer(
            request,
            schema=schema,
            by_profile=by_profile,
            claims=claims,
            statement=statement,
            media=media,
            prefs=prefs,
            rng=rng,
            read_only=not post or fn.read_only,
            location=None,
            rpc=True,
        )

    async def handle_root(self, request: web.Request) -> web.Response:
        self.claims(request)
        lowered = {k.lower(): v for k, v in request.headers.items()}
        schema, _ = grammar.profile(request.method, lowered, self.schemas)
        return web.json_response(openapi.describe(self.caches[schema], request.host))


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
    app.router.add_route("*", "/rpc/{name}", gw.handle_rpc)
    app.router.add_get("/{name}", gw.handle_view)
    app.on_startup.append(gw.start)
    app.on_cleanup.append(gw.stop)
    return app
