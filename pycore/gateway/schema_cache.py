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

    @property
    def read_only(self) -> bool:
        return self.volatility in ("i", "s")


@dataclass
class SchemaCache:
    views: dict[str, View] = field(default_factory=dict)
    functions: dict[str, list[Function]] = field(default_factory=dict)

    def view(self, name: str) -> View:
        """The view (or table) ``name`` of the api schema; 404 when the cache does not hold it."""
        view = self.views.get(name)
        if view is None:
            raise ApiError(404, "42P01", f'relation "{SCHEMA}.{name}" does not exist')
        return view

    def function(self, name: str, given: set[str]) -> Function:
        """The overload of ``name`` that takes the named arguments ``given``; 404 PGRST202 when none does."""
        for fn in self.functions.get(name, []):
            names = {a[0] for a in fn.args}
            required = {a[0] for a in fn.args if not a[2]}
            if required <= given <= names:
                return fn
        sig = ", ".join(sorted(given))
        raise ApiError(
            404,
            "PGRST202",
            f"Could not find the function {SCHEMA}.{name}({sig}) in the schema cache",
            hint="If a new function was created in the database with this name and parameters, try reloading the schema cache.",
        )


async def load_schema(conn: psycopg.AsyncConnection[Any]) -> SchemaCache:
    cache = SchemaCache()
    cur = await conn.execute(
        """
        select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), obj_description(c.oid, 'pg_class')
          from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         where c.relnamespace = %s::regnamespace and c.relkind in ('v', 'm', 'r')
         order by c.relname, a.attnum
        """,
        (SCHEMA,),
    )
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
        """,
        (SCHEMA,),
    )
    for name, argnames, types, ndefaults, rettype, retset, vol, comment in await cur.fetchall():
        n = len(types)
        args = [(argnames[i] if i < len(argnames) else f"${i + 1}", types[i], i >= n - ndefaults) for i in range(n)]
        cache.functions.setdefault(name, []).append(Function(name, args, rettype, retset, vol, comment))
    return cache
