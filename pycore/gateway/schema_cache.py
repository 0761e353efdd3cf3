"""The schema cache: the views and functions of the ``api`` schema, read from the catalog.

Every identifier in a URL is looked up here before any SQL is built. ``NOTIFY pgrst, 'reload schema'`` reloads it,
as PostgREST does (:class:`pycore.gateway.app.Gateway` listens).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg

from pycore.gateway.errors import ApiError

SCHEMA = "api"


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
    columns: dict[str, str] | None = None  # a composite result (a row type or TABLE): its columns
    schema: str = SCHEMA

    @property
    def scalar(self) -> bool:
        """Returns a scalar (PostgREST's ``pgrst_scalar``), not rows of a composite type."""
        return self.columns is None

    @property
    def single_json_arg(self) -> bool:
        """One parameter of type json or jsonb: PostgREST passes the whole body to it (``params=single-object``)."""
        return len(self.args) == 1 and self.args[0][1] in ("json", "jsonb")

    @property
    def read_only(self) -> bool:
        return self.volatility in ("i", "s")


@dataclass
class SchemaCache:
    schema: str = SCHEMA
    views: dict[str, View] = field(default_factory=dict)
    functions: dict[str, list[Function]] = field(default_factory=dict)

    def view(self, name: str) -> View:
        """The view (or table) ``name`` of the schema; 404 as PostgREST 12 answers it when the cache lacks it
        (PostgreSQL's 42P01; PostgREST 13 answers PGRST205 instead)."""
        view = self.views.get(name)
        if view is None:
            raise ApiError(404, "42P01", f'relation "{self.schema}.{name}" does not exist')
        return view

    def function(
        self, name: str, given: set[str], *, post: bool, json_body: bool = True, single_object: bool = False
    ) -> Function:
        """The overload of ``name`` that takes the named arguments ``given`` (or, with ``single_object``, one
        json/jsonb parameter that receives the whole body); 404 PGRST202 when none does."""
        for fn in self.functions.get(name, []):
            if single_object:
                if fn.single_json_arg:
                    return fn
                continue
            names = {a[0] for a in fn.args}
            required = {a[0] for a in fn.args if not a[2]}
            if required <= given <= names:
                return fn
        for fn in self.functions.get(name, []):
            # a single unnamed json/jsonb parameter receives the whole body of a POST
            if post and json_body and fn.single_json_arg and fn.args[0][0].startswith("$"):
                return fn
        func = f"{self.schema}.{name}"
        keys = sorted(given)
        prms = ", ".join(keys)
        if single_object:
            message = f"Could not find the function {func} in the schema cache"
            details = f"Searched for the function {func} with a single json/jsonb parameter"
        else:
            message = (
                f"Could not find the function {func}({prms}) in the schema cache"
                if keys
                else (f"Could not find the function {func} without parameters in the schema cache")
            )
            with_prms = (" with parameter" + ("s " if len(keys) > 1 else " ") + prms) if keys else " without parameters"
            details = f"Searched for the function {func}{with_prms}"
            if post and json_body:
                details += " or with a single unnamed json/jsonb parameter"
        raise ApiError(404, "PGRST202", message, details + ", but no matches were found in the schema cache.")


async def load_schema(conn: psycopg.AsyncConnection[Any], schema: str = SCHEMA) -> SchemaCache:
    """The relations and functions of ``schema`` from the catalog."""
    cache = SchemaCache(schema)
    cur = await conn.execute(
        """
        select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), obj_description(c.oid, 'pg_class')
          from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         where c.relnamespace = %s::regnamespace and c.relkind in ('v', 'm', 'r')
         order by c.relname, a.attnum
        """,
        (schema,),
    )
    for rel, col, typ, comment in await cur.fetchall():
        view = cache.views.setdefault(rel, View(rel, {}, comment))
        view.columns[col] = typ
    cur = await conn.execute(
        """
        select p.proname, coalesce(p.proargnames, '{}'),
               array(select format_type(t, null) from unnest(p.proargtypes::oid[]) with ordinality u(t, i) order by i),
               p.pronargdefaults, format_type(p.prorettype, null), p.proretset, p.provolatile,
               obj_description(p.oid, 'pg_proc'),
               case when t.typtype = 'c' then
                 (select array_agg(array[a.attname::text, format_type(a.atttypid, a.atttypmod)] order by a.attnum)
                    from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped)
               when p.proargmodes is not null and 't' = any(p.proargmodes) then
                 (select array_agg(array[n, format_type(ty, null)] order by i)
                    from unnest(p.proargnames, p.proallargtypes::oid[], p.proargmodes::text[])
                         with ordinality u(n, ty, m, i) where m = 't')
               end
          from pg_proc p join pg_type t on t.oid = p.prorettype
         where p.pronamespace = %s::regnamespace and p.prokind = 'f'
        """,
        (schema,),
    )
    for name, argnames, types, ndefaults, rettype, retset, vol, comment, cols in await cur.fetchall():
        n = len(types)
        # input arguments only: proargnames also names OUT/TABLE columns, after the inputs
        args = [
            (argnames[i] if i < len(argnames) and argnames[i] else f"${i + 1}", types[i], i >= n - ndefaults)
            for i in range(n)
        ]
        columns = {c: t for c, t in cols} if cols else None
        cache.functions.setdefault(name, []).append(
            Function(name, args, rettype, retset, vol, comment, columns, schema)
        )
    return cache
