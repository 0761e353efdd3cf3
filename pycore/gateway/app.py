"""A PostgREST-compatible gateway for development and CI (``python -m pycore.gateway``).

Production runs the real PostgREST (docker-compose.yml). PostgREST cannot be
installed on the development machines, so this small server speaks the subset
of its grammar the console and the tests use, and replays its per-request
transaction protocol exactly:

1. take a connection of ``authenticator`` from the pool;
2. ``BEGIN ISOLATION LEVEL READ COMMITTED`` (``READ ONLY`` for GET/HEAD and for
   POST /rpc to a STABLE or IMMUTABLE function);
3. one ``set_config`` batch, local to the transaction: ``search_path``, ``role``
   (the JWT's role claim, else the anonymous role), ``request.jwt.claims``,
   ``request.method``, ``request.path``, ``request.headers``, ``request.cookies``;
4. the statement, its result as JSON (``coalesce(json_agg(t), '[]')``);
5. COMMIT (ROLLBACK on error), errors as ``{code, message, details, hint}`` with
   PostgREST's SQLSTATE -> HTTP status table.

Supported: GET on api views with ``select``, ``order``, ``limit``, ``offset`` and
the filters ``eq, neq, gt, gte, lt, lte, in, is, like`` (``not.`` negates);
``Prefer: count=exact|planned`` with ``Content-Range``; GET and POST
``/rpc/<fn>`` with named arguments; singular responses (``Accept:
application/vnd.pgrst.object+json``: the one row as an object, else 406 PGRST116
and ROLLBACK); JWT (HS256) auth; CORS; an OpenAPI (Swagger
2.0) description at ``/``. Every identifier in a URL is checked against the
schema cache before any SQL is built; values are always bound parameters.
Nothing here decides what the API does: that is SQL in the ``api`` schema.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import psycopg
from aiohttp import web
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from pycore import project_root
from pycore.db.roles import ANON

log = logging.getLogger("pycore.gateway")

SCHEMA = "api"
ANON_ROLE = ANON
MAX_BODY = 1 << 20  # bytes
MAX_ROWS = 10_000
OPERATORS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


# ---------------------------------------------------------------- errors
class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: str | None = None, hint: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details, self.hint = status, code, message, details, hint
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details, "hint": self.hint}


def parse_error(message: str, details: str | None = None) -> ApiError:
    return ApiError(400, "PGRST100", message, details)


def status_for_sqlstate(code: str, authenticated: bool) -> int:
    """PostgREST's table (references/errors: HTTP Status Codes)."""
    if code.startswith("PT") and len(code) == 5 and code[2:].isdigit():
        return int(code[2:])
    exact = {"23503": 409, "23505": 409, "25006": 405, "53400": 500, "P0001": 400, "42883": 404, "42P01": 404,
             "42501": 403 if authenticated else 401, "42P17": 500}
    if code in exact:
        return exact[code]
    prefixes = {"08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500, "38": 500, "39": 500,
                "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500, "57": 500, "58": 500, "F0": 500, "HV": 500,
                "P0": 500, "XX": 500, "22": 400, "23": 400, "42": 400}
    return prefixes.get(code[:2], 400)


# ---------------------------------------------------------------- schema cache
@dataclass
class View:
    name: str
    columns: dict[str, str]  # name -> type (format_type)
    comment: str | None


@dataclass
class Function:
    name: str
    args: list[tuple[str, str, bool]]  # (name, type, has_default)
    returns: str
    returns_set: bool
    volatility: str  # i, s, v
    comment: str | None

    @property
    def read_only(self) -> bool:
        return self.volatility in ("i", "s")


@dataclass
class SchemaCache:
    views: dict[str, View] = field(default_factory=dict)
    functions: dict[str, list[Function]] = field(default_factory=dict)


async def load_schema(conn: psycopg.AsyncConnection[Any]) -> SchemaCache:
    cache = SchemaCache()
    cur = await conn.execute(
        """
        select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), obj_description(c.oid, 'pg_class')
          from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         where c.relnamespace = %s::regnamespace and c.relkind in ('v', 'm', 'r')
         order by c.relname, a.attnum
        """, (SCHEMA,))
    for rel, col, typ, comment in await cur.fetchall():
        view = cache.views.setdefault(rel, View(rel, {}, comment))
        view.columns[col] = typ
    cur = await conn.execute(
        """
        select p.proname, coalesce(p.proargnames, '{}'),
               array(select format_type(t, null) from unnest(p.proargtypes::oid[]) with ordinality u(t, i) order by i),
               p.pronargdefaults, format_type(p.prorettype, null), p.proretset, p.provolatile,
               obj_description(p.oid, 'pg_proc')
          from pg_proc p where p.pronamespace = %s::regnamespace and p.prokind = 'f'
        """, (SCHEMA,))
    for name, argnames, types, ndefaults, rettype, retset, vol, comment in await cur.fetchall():
        n = len(types)
        args = [(argnames[i] if i < len(argnames) else f"${i + 1}", types[i], i >= n - ndefaults) for i in range(n)]
        cache.functions.setdefault(name, []).append(Function(name, args, rettype, retset, vol, comment))
    return cache


# ---------------------------------------------------------------- query grammar
def _ident(name: str, what: str) -> str:
    if not IDENT.match(name):
        raise parse_error(f'"{name}" is not a valid {what} name')
    return name


def parse_select(view: View, raw: str | None) -> list[str]:
    if raw is None or raw.strip() in ("", "*"):
        return list(view.columns)
    cols = []
    for part in raw.split(","):
        col = part.strip()
        _ident(col, "column")
        if col not in view.columns:
            raise ApiError(400, "42703", f"column {view.name}.{col} does not exist")
        cols.append(col)
    return cols


def parse_order(view: View, raw: str) -> sql.Composable:
    items = []
    for part in raw.split(","):
        bits = part.strip().split(".")
        col = _ident(bits[0], "column")
        if col not in view.columns:
            raise ApiError(400, "42703", f"column {view.name}.{col} does not exist")
        direction, nulls = sql.SQL("asc"), None
        for b in bits[1:]:
            if b in ("asc", "desc"):
                direction = sql.SQL(b)
            elif b in ("nullsfirst", "nullslast"):
                nulls = sql.SQL("nulls first" if b == "nullsfirst" else "nulls last")
            else:
                raise parse_error(f'"failed to parse order ({part})"', f"unexpected \"{b}\" expecting \"asc\", \"desc\", \"nullsfirst\" or \"nullslast\"")
        items.append(sql.SQL(" ").join([sql.Identifier(col), direction] + ([nulls] if nulls else [])))
    return sql.SQL(", ").join(items)


def _split_list(raw: str) -> list[str]:
    if not (raw.startswith("(") and raw.endswith(")")):
        raise parse_error(f'"failed to parse filter (in.{raw})"', "in.() takes a parenthesized, comma-separated list")
    inner = raw[1:-1]
    out, cur, quoted = [], "", False
    for ch in inner:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if inner:
        out.append(cur)
    return out


def parse_filter(view: View, col: str, raw: str) -> tuple[sql.Composable, list[Any]]:
    _ident(col, "column")
    if col not in view.columns:
        raise ApiError(400, "42703", f"column {view.name}.{col} does not exist")
    typ = sql.SQL(view.columns[col])
    ident = sql.Identifier(col)
    negate = False
    op, _, value = raw.partition(".")
    if op == "not":
        negate = True
        op, _, value = value.partition(".")
    if not _:
        raise parse_error(f'"failed to parse filter ({raw})"', "a filter is <operator>.<value>, e.g. eq.5")
    if op in OPERATORS:
        clause: sql.Composable = sql.SQL("{} {} {}::{}").format(ident, sql.SQL(OPERATORS[op]), sql.Placeholder(), typ)
        params: list[Any] = [value]
    elif op == "in":
        clause = sql.SQL("{} = any({}::{}[])").format(ident, sql.Placeholder(), typ)
        params = [_split_list(value)]
    elif op == "is":
        keyword = {"null": "null", "true": "true", "false": "false", "unknown": "unknown"}.get(value.lower())
        if keyword is None:
            raise parse_error(f'"failed to parse filter ({raw})"', "is. takes null, true, false or unknown")
        clause, params = sql.SQL("{} is {}").format(ident, sql.SQL(keyword)), []
    elif op == "like":
        clause, params = sql.SQL("{}::text like {}").format(ident, sql.Placeholder()), [value.replace("*", "%")]
    else:
        raise parse_error(f'"failed to parse filter ({raw})"', f'unknown operator "{op}"')
    if negate:
        clause = sql.SQL("not ({})").format(clause)
    return clause, params


SINGULAR = "application/vnd.pgrst.object+json"


def wants_object(request: web.Request) -> bool:
    """PostgREST's content negotiation between its two JSON media types: the Accept header's media types by
    quality (stable), the first it produces decides; ``application/vnd.pgrst.object[+json]`` asks for one object."""
    ranked = []
    for i, part in enumerate(request.headers.get("Accept", "").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranked.append((-q, i, media.lower()))
    for _q, _i, media in sorted(ranked):
        if media in (SINGULAR, "application/vnd.pgrst.object"):
            return True
        if media in ("application/json", "*/*", "application/vnd.pgrst.array+json", "application/vnd.pgrst.array"):
            return False
    return False


def aggregate(singular: bool) -> sql.Composable:
    """The body and the row count of ``t``, as PostgREST builds them (the first row alone for one object)."""
    body = "coalesce((json_agg(t)->0)::text, 'null')" if singular else "coalesce(json_agg(t), '[]')::text"
    return sql.SQL(body + ", count(*)")


def _int_param(name: str, raw: str | None, default: int | None) -> int | None:
    if raw is None:
        return default
    if not raw.isdigit():
        raise parse_error(f'"failed to parse {name} parameter ({raw})"', f"{name} must be a non-negative integer")
    return int(raw)


# ---------------------------------------------------------------- the server
class Gateway:
    def __init__(self, conninfo: str, jwt_secret: str, *, anon_role: str = ANON_ROLE) -> None:
        self.conninfo = conninfo
        self.jwt_secret = jwt_secret
        self.anon_role = anon_role
        self.pool: AsyncConnectionPool | None = None
        self.cache = SchemaCache()
        self._listener: asyncio.Task[None] | None = None

    async def start(self, _app: web.Application | None = None) -> None:
        # check: a pooled connection is tested before use and replaced if the server dropped it (a restart), so the
        # first request after a restart succeeds instead of failing on a dead connection
        self.pool = AsyncConnectionPool(self.conninfo, min_size=1, max_size=8, open=False,
                                        kwargs={"autocommit": True}, timeout=10,
                                        check=AsyncConnectionPool.check_connection)
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

    # ------------------------------------------------------------ auth
    def claims(self, request: web.Request) -> dict[str, Any]:
        auth = request.headers.get("Authorization")
        if not auth:
            return {"role": self.anon_role}
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "PGRST301", "Expected a Bearer token in the Authorization header",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_request"'})
        try:
            claims = jwt.decode(token.strip(), self.jwt_secret, algorithms=["HS256"], options={"require": []})
        except jwt.ExpiredSignatureError:
            raise ApiError(401, "PGRST301", "JWT expired",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token", error_description="JWT expired"'}) from None
        except jwt.PyJWTError as exc:
            raise ApiError(401, "PGRST301", f"JWT invalid: {exc}",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
        if not isinstance(claims, dict):
            raise ApiError(401, "PGRST301", "JWT claims must be a JSON object")
        claims.setdefault("role", self.anon_role)
        if not isinstance(claims["role"], str) or not IDENT.match(claims["role"]):
            raise ApiError(401, "PGRST301", "JWT role claim is not a role name")
        return claims

    # ------------------------------------------------------------ transaction protocol
    async def run(self, request: web.Request, claims: dict[str, Any], read_only: bool, statement: sql.Composable,
                  params: list[Any], count_stmt: sql.Composable | None = None,
                  singular: bool = False) -> tuple[Any, int | None, dict[str, str]]:
        """``statement`` answers (body, number of rows); ``singular``: exactly one row, else 406 and ROLLBACK."""
        assert self.pool is not None
        headers = {k.lower(): v for k, v in request.headers.items() if k.lower() != "authorization"}
        authenticated = claims.get("role") != self.anon_role
        async with self.pool.connection() as conn:
            try:
                await conn.execute("begin isolation level read committed" + (" read only" if read_only else ""))
                await conn.execute(
                    "select set_config('search_path', %s, true), set_config('role', %s, true), "
                    "set_config('request.jwt.claims', %s, true), set_config('request.method', %s, true), "
                    "set_config('request.path', %s, true), set_config('request.headers', %s, true), "
                    "set_config('request.cookies', %s, true)",
                    (f"{SCHEMA}, public", claims["role"], json.dumps(claims), request.method, request.path,
                     json.dumps(headers), json.dumps({k: v for k, v in request.cookies.items()})))
                total = None
                if count_stmt is not None:
                    cur = await conn.execute(count_stmt, params)
                    row = await cur.fetchone()
                    total = int(row[0]) if row and row[0] is not None else 0
                cur = await conn.execute(statement, params)
                row = await cur.fetchone()
                n = int(row[1]) if row else 0
                if singular and n != 1:
                    await conn.execute("rollback")
                    raise ApiError(406, "PGRST116", "JSON object requested, multiple (or no) rows returned",
                                   f"The result contains {n} rows")
                gucs = await (await conn.execute(
                    "select current_setting('response.headers', true), current_setting('response.status', true)")).fetchone()
                await conn.execute("commit")
            except psycopg.Error as exc:
                await conn.execute("rollback")
                diag = exc.diag
                code = diag.sqlstate or "XX000"
                raise ApiError(status_for_sqlstate(code, authenticated), code, diag.message_primary or str(exc),
                               diag.message_detail, diag.message_hint,
                               {"WWW-Authenticate": "Bearer"} if code == "42501" and not authenticated else None) from None
        extra: dict[str, str] = {}
        if gucs and gucs[0]:
            for item in json.loads(gucs[0]):
                extra.update({str(k): str(v) for k, v in item.items()})
        if gucs and gucs[1]:
            extra[":status"] = gucs[1]
        return (row[0] if row else None), total, extra

    # ------------------------------------------------------------ handlers
    async def handle_view(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        claims = self.claims(request)
        view = self.cache.views.get(name)  # only names in the schema cache reach SQL
        if view is None:
            raise ApiError(404, "42P01", f'relation "{SCHEMA}.{name}" does not exist')
        q = request.query
        cols = parse_select(view, q.get("select"))
        where: list[sql.Composable] = []
        params: list[Any] = []
        for key, value in q.items():
            if key in ("select", "order", "limit", "offset"):
                continue
            clause, p = parse_filter(view, key, value)
            where.append(clause)
            params += p
        limit = _int_param("limit", q.get("limit"), None)
        offset = _int_param("offset", q.get("offset"), 0) or 0
        limit = MAX_ROWS if limit is None else min(limit, MAX_ROWS)
        base = sql.SQL("select {} from {}").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in cols), sql.Identifier(SCHEMA, name))
        if where:
            base = sql.SQL("{} where {}").format(base, sql.SQL(" and ").join(where))
        if "order" in q:
            base = sql.SQL("{} order by {}").format(base, parse_order(view, q["order"]))
        base = sql.SQL("{} limit {} offset {}").format(base, sql.Literal(limit), sql.Literal(offset))
        singular = wants_object(request)
        stmt = sql.SQL("select {} from ({}) t").format(aggregate(singular), base)
        prefer = request.headers.get("Prefer", "")
        m = re.search(r"count=(exact|planned|estimated)", prefer)
        counted = sql.SQL("select count(*) from {}").format(sql.Identifier(SCHEMA, name))
        if where:
            counted = sql.SQL("{} where {}").format(counted, sql.SQL(" and ").join(where))
        if m and m.group(1) != "exact":
            total = await self.planned_count(request, claims, counted, params)
            body, _, extra = await self.run(request, claims, True, stmt, params, singular=singular)
        else:
            body, total, extra = await self.run(request, claims, True, stmt, params, counted if m else None, singular)
        n = 1 if singular else len(json.loads(body))
        rng = f"{offset}-{offset + n - 1}" if n else "*"
        headers = {"Content-Range": f"{rng}/{total if total is not None else '*'}"}
        if m:
            headers["Preference-Applied"] = f"count={m.group(1)}"
        headers.update({k: v for k, v in extra.items() if k != ":status"})
        status = int(extra.get(":status", 200))
        return web.Response(text=body, status=status, content_type=SINGULAR if singular else "application/json",
                            headers=headers)

    async def planned_count(self, request: web.Request, claims: dict[str, Any], counted: sql.Composable, params: list[Any]) -> int:
        stmt = sql.SQL("explain (format json) {}").format(counted)
        assert self.pool is not None
        async with self.pool.connection() as conn:
            try:
                await conn.execute("begin read only")
                await conn.execute("select set_config('role', %s, true), set_config('search_path', %s, true)", (claims["role"], SCHEMA))
                cur = await conn.execute(stmt, params)
                row = await cur.fetchone()
            finally:
                await conn.execute("rollback")
        plan = row[0] if row else []
        return int(plan[0]["Plan"]["Plan Rows"]) if plan else 0

    def find_function(self, name: str, given: set[str]) -> Function:
        for fn in self.cache.functions.get(name, []):
            names = {a[0] for a in fn.args}
            required = {a[0] for a in fn.args if not a[2]}
            if required <= given <= names:
                return fn
        sig = ", ".join(sorted(given))
        raise ApiError(404, "PGRST202", f"Could not find the function {SCHEMA}.{name}({sig}) in the schema cache",
                       hint="If a new function was created in the database with this name and parameters, try reloading the schema cache.")

    async def handle_rpc(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        claims = self.claims(request)
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
        fn = self.find_function(name, set(args))
        exprs = []
        params: list[Any] = []
        for arg_name, typ, _default in fn.args:
            if arg_name not in args:
                continue
            value = args[arg_name]
            if typ in ("jsonb", "json"):
                params.append(Jsonb(value) if request.method == "POST" else Jsonb(json.loads(value)))
            elif typ.endswith("[]"):
                if request.method == "GET" and isinstance(value, str):
                    value = _split_list(value) if value.startswith("(") else value.strip("{}").split(",")
                if not isinstance(value, list):
                    raise ApiError(400, "22P02", f'argument "{arg_name}" must be an array')
                params.append([None if v is None else str(v) for v in value])
            else:
                params.append(None if value is None else (json.dumps(value) if isinstance(value, (dict, list)) else
                                                          str(value).lower() if isinstance(value, bool) else str(value)))
            exprs.append(sql.SQL("{} => {}::{}").format(sql.Identifier(arg_name), sql.Placeholder(), sql.SQL(typ)))
        call = sql.SQL("{}({})").format(sql.Identifier(SCHEMA, name), sql.SQL(", ").join(exprs))
        singular = wants_object(request)
        if fn.returns_set:
            stmt = sql.SQL("select {} from {} t").format(aggregate(singular), call)
        else:  # one value: one row
            stmt = sql.SQL("select to_json({})::text, 1").format(call)
        read_only = request.method == "GET" or fn.read_only
        body, _, extra = await self.run(request, claims, read_only, stmt, params, singular=singular)
        headers = {k: v for k, v in extra.items() if k != ":status"}
        return web.Response(text=body if body is not None else "null", status=int(extra.get(":status", 200)),
                            content_type=SINGULAR if singular else "application/json", headers=headers)

    async def handle_root(self, request: web.Request) -> web.Response:
        self.claims(request)
        return web.json_response(self.openapi(request))

    def openapi(self, request: web.Request) -> dict[str, Any]:
        paths: dict[str, Any] = {"/": {"get": {"summary": "OpenAPI description", "responses": {"200": {"description": "OK"}}}}}
        defs: dict[str, Any] = {}
        for v in sorted(self.cache.views.values(), key=lambda v: v.name):
            defs[v.name] = {"type": "object", "description": v.comment or "",
                            "properties": {c: {"type": _json_type(t), "format": t} for c, t in v.columns.items()}}
            params = [{"name": p, "in": "query", "type": "string", "required": False} for p in ("select", "order", "limit", "offset")]
            params += [{"name": c, "in": "query", "type": "string", "required": False,
                        "description": "filter: eq, neq, gt, gte, lt, lte, in, is, like (not. negates)"} for c in v.columns]
            paths[f"/{v.name}"] = {"get": {"summary": (v.comment or "").split(".")[0], "description": v.comment or "",
                                           "parameters": params, "tags": [v.name],
                                           "responses": {"200": {"description": "OK", "schema": {"type": "array", "items": {"$ref": f"#/definitions/{v.name}"}}}}}}
        for name, fns in sorted(self.cache.functions.items()):
            fn = fns[0]
            body = {"type": "object", "required": [a[0] for a in fn.args if not a[2]],
                    "properties": {a[0]: {"type": _json_type(a[1]), "format": a[1]} for a in fn.args}}
            op = {"summary": (fn.comment or "").split(".")[0], "description": fn.comment or "", "tags": ["rpc"],
                  "parameters": [{"name": "args", "in": "body", "required": True, "schema": body}],
                  "responses": {"200": {"description": "OK"}}}
            paths[f"/rpc/{name}"] = {"post": op} | ({"get": {**op, "parameters": [
                {"name": a[0], "in": "query", "type": _json_type(a[1]), "required": not a[2]} for a in fn.args]}} if fn.read_only else {})
        return {"swagger": "2.0", "info": {"title": "Prometheus v2 API", "version": "1.0",
                                            "description": "PostgREST grammar over the api schema (gateway for development and CI)."},
                "host": request.host, "basePath": "/", "schemes": ["http"], "consumes": ["application/json"],
                "produces": ["application/json"], "paths": paths, "definitions": defs,
                "securityDefinitions": {"JWT": {"type": "apiKey", "in": "header", "name": "Authorization"}}}


def _json_type(pg: str) -> str:
    if pg in ("integer", "bigint", "smallint"):
        return "integer"
    if pg in ("double precision", "numeric", "real"):
        return "number"
    if pg == "boolean":
        return "boolean"
    if pg.endswith("[]"):
        return "array"
    if pg in ("json", "jsonb"):
        return "object"
    return "string"


def _compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS, HEAD",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Prefer, Accept, Range",
    "Access-Control-Expose-Headers": "Content-Range, Content-Location, Preference-Applied",
    "Access-Control-Max-Age": "86400",
}


@web.middleware
async def errors_and_cors(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.method == "OPTIONS":
        return web.Response(status=200, headers=CORS_HEADERS)
    try:
        resp = await handler(request)
    except ApiError as err:
        resp = web.json_response(err.body(), status=err.status, headers=err.headers, dumps=_compact)
    except web.HTTPRequestEntityTooLarge:
        resp = web.json_response({"code": "PGRST102", "message": "request body too large", "details": None, "hint": None},
                                 status=413, dumps=_compact)
    except web.HTTPException as exc:
        if exc.status == 405:
            body = {"code": "PGRST117", "message": f"Unsupported HTTP method: {request.method}", "details": None, "hint": None}
        else:
            body = {"code": f"PGRST{exc.status}", "message": exc.reason, "details": None, "hint": None}
        resp = web.json_response(body, status=exc.status, dumps=_compact)
    except (psycopg.OperationalError, OSError) as exc:
        resp = web.json_response({"code": "PGRST001", "message": "Database client error. Retrying the connection.",
                                  "details": str(exc), "hint": None}, status=503, dumps=_compact)
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


def jwt_secret() -> str:
    """PGRST_JWT_SECRET, else a development secret kept in .run/jwt_secret (created once)."""
    secret = os.environ.get("PGRST_JWT_SECRET")
    if secret:
        return secret
    path = Path(os.environ.get("PROMETHEUS_RUN_DIR", project_root() / ".run")) / "jwt_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def make_token(role: str, secret: str | None = None, ttl_seconds: int = 3600 * 24, **claims: Any) -> str:
    import time

    payload = {"role": role, "exp": int(time.time()) + ttl_seconds, **claims}
    return jwt.encode(payload, secret or jwt_secret(), algorithm="HS256")
