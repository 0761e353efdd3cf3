"""The SQL of a request, built as PostgREST 12 builds it (``Query/QueryBuilder.hs``, ``Query/SqlFragment.hs``,
``Query/Statements.hs``).

A read is one statement::

    WITH pgrst_source AS (SELECT <select> FROM <relation or function call> WHERE <filters> ORDER BY .. LIMIT .. OFFSET ..)
         [, pgrst_source_count AS (SELECT 1 FROM <same> WHERE <filters>)]
    SELECT <total or null>, count(_postgrest_t), <body>, response.headers, response.status
      FROM (SELECT * FROM pgrst_source) _postgrest_t

Names come from the parsed URL and are always quoted (``sql.Identifier``); the relation or function itself is one
the schema cache holds. Every value is a bound parameter of type ``unknown``, so PostgreSQL infers its type from
the column, as it does for PostgREST (and answers a bad one with its own SQLSTATE). Casts are written unquoted, as
PostgREST writes them, after the grammar allowed only a type name's shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from psycopg import sql

from pycore.gateway.grammar import (
    FTS_OPS,
    QUANT_OPS,
    SIMPLE_OPS,
    Field,
    Filter,
    Logic,
    Negotiated,
    OrderTerm,
    QueryParams,
    Range,
    SelectItem,
)
from pycore.gateway.schema_cache import Function


class _Params:
    """The bound parameters of one statement, in order."""

    def __init__(self, qualifier: sql.Composable | None = None) -> None:
        self.values: list[Any] = []
        self.qualifier = qualifier  # columns are qualified by the relation, as PostgREST writes them

    def add(self, value: Any) -> sql.Composable:
        self.values.append(value)
        return sql.Placeholder()


def _json_path(field: Field, p: _Params) -> sql.Composable:
    column: sql.Composable = sql.Identifier(field.name)
    if p.qualifier is not None:
        column = sql.SQL("{}.{}").format(p.qualifier, column)
    parts: list[sql.Composable] = [column]
    for op in field.path:
        operand = sql.SQL("{}::int").format(p.add(op.key)) if op.index else p.add(op.key)
        parts.append(sql.SQL(op.arrow))
        parts.append(operand)
    return sql.Composed(parts)


def _select(items: list[SelectItem], p: _Params) -> sql.Composable:
    out: list[sql.Composable] = []
    for item in items:
        if item.field.name == "*" and not item.field.path:
            out.append(sql.SQL("{}.*").format(p.qualifier) if p.qualifier is not None else sql.SQL("*"))
            continue
        expr = _json_path(item.field, p)
        if item.cast:
            expr = sql.SQL("CAST({} AS {})").format(expr, sql.SQL(item.cast))
        alias = item.alias or (item.field.default_alias if item.field.path else None)
        out.append(sql.SQL("{} AS {}").format(expr, sql.Identifier(alias)) if alias else expr)
    return sql.SQL(", ").join(out)


def _array_literal(values: list[str]) -> str:
    """PostgreSQL's array literal of ``values``, each quoted (PostgREST's pgBuildArrayLiteral)."""
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


def filter_sql(f: Filter, p: _Params) -> sql.Composable:
    target = _json_path(f.field, p)
    if f.op == "in":
        assert isinstance(f.value, list)
        cond: sql.Composable = (
            sql.SQL("{} = ANY('{{}}')").format(target)
            if f.value == [""]
            else sql.SQL("{} = ANY ({})").format(target, p.add(_array_literal(f.value)))
        )
    elif f.op == "is":
        cond = sql.SQL("{} IS {}").format(target, sql.SQL(str(f.value).upper()))
    elif f.op == "isdistinct":
        cond = sql.SQL("{} IS DISTINCT FROM {}").format(target, p.add(f.value))
    elif f.op in FTS_OPS:
        lang = sql.SQL("{}::regconfig, ").format(p.add(f.lang)) if f.lang else sql.SQL("")
        cond = sql.SQL("{} @@ {}({}{})").format(target, sql.SQL(FTS_OPS[f.op]), lang, p.add(f.value))
    elif f.op in SIMPLE_OPS:
        cond = sql.SQL("{} {} {}").format(target, sql.SQL(SIMPLE_OPS[f.op]), p.add(f.value))
    else:
        value = str(f.value)
        if f.op in ("like", "ilike"):
            value = value.replace("*", "%")
        operand = p.add(value)
        if f.quant:
            operand = sql.SQL("{}({})").format(sql.SQL(f.quant.upper()), operand)
        cond = sql.SQL("{} {} {}").format(target, sql.SQL(QUANT_OPS[f.op]), operand)
    return sql.SQL("NOT {}").format(cond) if f.negate else cond


def logic_sql(tree: Logic | Filter, p: _Params) -> sql.Composable:
    if isinstance(tree, Filter):
        return filter_sql(tree, p)
    joined = sql.SQL(f" {tree.op.upper()} ").join(logic_sql(c, p) for c in tree.children)
    return sql.SQL("{}({})").format(sql.SQL("NOT " if tree.negate else ""), joined)


def _where(q: QueryParams, p: _Params) -> sql.Composable:
    conds = [filter_sql(f, p) for f in q.filters] + [logic_sql(t, p) for t in q.logic]
    return sql.SQL(" WHERE {}").format(sql.SQL(" AND ").join(conds)) if conds else sql.SQL("")


def _order(terms: list[OrderTerm], p: _Params) -> sql.Composable:
    if not terms:
        return sql.SQL("")
    items = []
    for t in terms:
        bits: list[sql.Composable] = [_json_path(t.field, p)]
        if t.direction:
            bits.append(sql.SQL(t.direction.upper()))
        if t.nulls:
            bits.append(sql.SQL("NULLS FIRST" if t.nulls == "nullsfirst" else "NULLS LAST"))
        items.append(sql.SQL(" ").join(bits))
    return sql.SQL(" ORDER BY {}").format(sql.SQL(", ").join(items))


def _body(media: Negotiated, scalar: bool, single_value: bool) -> sql.Composable:
    """The body of the answer from the rows ``_postgrest_t`` (PostgREST's handlers: JSON array, one object, CSV)."""
    if media.media == "csv":
        return sql.SQL(
            "(SELECT coalesce(string_agg(a.k, ','), '') FROM (SELECT json_object_keys(r)::text as k FROM "
            "(SELECT row_to_json(hh) as r from pgrst_source as hh limit 1) s) a) || '\n' || "
            "coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), '\n'), '')"
        )
    rows = "json_agg(_postgrest_t.pgrst_scalar)" if scalar else "json_agg(_postgrest_t)"
    strip = "json_strip_nulls({})" if media.strip_nulls else "{}"
    if media.media == "object" or single_value:
        return sql.SQL("coalesce(" + strip.format(rows + "->0") + ", 'null')::text")
    return sql.SQL("coalesce(" + strip.format(rows) + ", '[]')::text")


@dataclass(frozen=True)
class Statement:
    """A request's main statement (one row: total, page total, body, response.headers, response.status) and the
    statement whose plan estimates the total (``Prefer: count=planned|estimated``)."""

    main: sql.Composed
    params: list[Any]
    count: sql.Composed
    count_params: list[Any]


def read(
    source: sql.Composable,
    source_params: list[Any],
    q: QueryParams,
    rng: Range,
    media: Negotiated,
    *,
    count: bool,
    scalar: bool = False,
    single_value: bool = False,
) -> Statement:
    """The statement of a read of ``source`` (a relation, or a function call with ``source_params``, named
    ``pgrst_call``)."""
    prefix: sql.Composable = sql.SQL("")
    call_source: sql.Composable | None = None
    if not isinstance(source, sql.Identifier):
        call_source = source
        # a function call: evaluated once, in a CTE of its own, that the page and the count both read (PostgREST
        # too calls the function once); a volatile call is never inlined
        prefix = sql.SQL("pgrst_call AS (SELECT * FROM {}), ").format(source)
        source = sql.Identifier("pgrst_call")
    qualifier = source
    p = _Params(qualifier)
    p.values += source_params
    select = _select(q.select, p) if not scalar else sql.SQL("pgrst_call.pgrst_scalar")
    where = _where(q, p)
    order = _order(q.order, p)
    limit: sql.Composable = sql.SQL("")
    if rng.limit is not None or rng.offset:
        limit = sql.SQL(" LIMIT {} OFFSET {}").format(
            sql.Literal(rng.limit) if rng.limit is not None else sql.SQL("ALL"), sql.Literal(rng.offset)
        )
    inner = sql.SQL("SELECT {} FROM {}{}{}{}").format(select, source, where, order, limit)
    # the count repeats the source and the filters: its parameters again
    cp = _Params(qualifier)
    count_sql = sql.SQL("SELECT 1 FROM {}{}").format(source, _where(q, cp))
    total = sql.SQL("(SELECT pg_catalog.count(*) FROM pgrst_source_count)") if count else sql.SQL("null::bigint")
    count_cte = sql.SQL(", pgrst_source_count AS ({})").format(count_sql) if count else sql.SQL("")
    main = sql.SQL(
        "WITH {}pgrst_source AS ({}){} SELECT {} AS total_result_set, {} AS page_total, {} AS body, "
        "nullif(current_setting('response.headers', true), '') AS response_headers, "
        "nullif(current_setting('response.status', true), '') AS response_status "
        "FROM (SELECT * FROM pgrst_source) _postgrest_t"
    ).format(
        prefix,
        inner,
        count_cte,
        total,
        sql.SQL("1") if single_value else sql.SQL("pg_catalog.count(_postgrest_t)"),
        _body(media, scalar, single_value),
    )
    params = p.values + (cp.values if count else [])
    # the plan of the count (Prefer: count=planned) stands alone: with a function, it names the call itself
    count_alone: sql.Composed = sql.Composed([count_sql])
    count_params = cp.values
    if call_source is not None:
        count_alone = sql.SQL("WITH pgrst_call AS (SELECT * FROM {}) {}").format(call_source, count_sql)
        count_params = source_params + cp.values
    return Statement(main, params, count_alone, count_params)


def call(fn: Function, args: dict[str, Any] | None, body: Any, *, from_body: bool) -> tuple[sql.Composable, list[Any]]:
    """The call of ``fn`` as the source of a read, with its arguments converted by ``json_to_record`` from the JSON
    body (POST) or from the query string's text values (GET), as PostgREST converts them. ``args`` None: the whole
    ``body`` is the one json/jsonb argument."""
    params: list[Any] = []
    target = sql.Identifier(fn.schema, fn.name)
    if args is None:
        call_sql: sql.Composable = sql.SQL("{}({}::{})").format(target, sql.Placeholder(), sql.SQL(fn.args[0][1]))
        params.append(json.dumps(body))
    else:
        used = [a for a in fn.args if a[0] in args]
        if used:
            record = {a[0]: args[a[0]] for a in used}
            cols = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(a[0]), sql.SQL(a[1])) for a in used)
            named = sql.SQL(", ").join(
                sql.SQL("{} := (SELECT {} FROM pgrst_args LIMIT 1)").format(sql.Identifier(a[0]), sql.Identifier(a[0]))
                for a in used
            )
            call_sql = sql.SQL("{}({})").format(target, named)
            args_cte = sql.SQL("(SELECT * FROM json_to_record({}::json) AS _({}))").format(sql.Placeholder(), cols)
            params.append(json.dumps(record))
            call_sql = (
                sql.SQL("(WITH pgrst_args AS {} SELECT {} AS pgrst_scalar) pgrst_call").format(args_cte, call_sql)
                if fn.scalar and not fn.returns_set
                else _set_source(fn, args_cte, call_sql)
            )
            return call_sql, params
        call_sql = sql.SQL("{}()").format(target)
    if fn.scalar and not fn.returns_set:
        return sql.SQL("(SELECT {} AS pgrst_scalar) pgrst_call").format(call_sql), params
    return _set_source(fn, None, call_sql), params


def _set_source(fn: Function, args_cte: sql.Composable | None, call_sql: sql.Composable) -> sql.Composable:
    prefix = sql.SQL("WITH pgrst_args AS {} ").format(args_cte) if args_cte is not None else sql.SQL("")
    if fn.scalar:
        return sql.SQL("({}SELECT pgrst_scalar FROM {} pgrst_scalar) pgrst_call").format(prefix, call_sql)
    return sql.SQL("({}SELECT pgrst_call.* FROM {} pgrst_call) pgrst_call").format(prefix, call_sql)
