"""PostgREST's URL grammar, from a request's parts to SQL: select, order, limit/offset, filters, RPC arguments.

Only identifiers found in the schema cache reach SQL, always quoted (``sql.Identifier``); values are always bound
parameters. What the statements return is what :mod:`pycore.gateway.protocol` expects: one row of (body as JSON
text, number of rows).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from pycore.gateway.errors import ApiError, parse_error
from pycore.gateway.schema_cache import SCHEMA, Function, View

MAX_ROWS = 10_000
OPERATORS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SINGULAR = "application/vnd.pgrst.object+json"
RESERVED = ("select", "order", "limit", "offset")


def _ident(name: str, what: str) -> str:
    if not IDENT.match(name):
        raise parse_error(f'"{name}" is not a valid {what} name')
    return name


def _column(view: View, name: str) -> str:
    _ident(name, "column")
    if name not in view.columns:
        raise ApiError(400, "42703", f"column {view.name}.{name} does not exist")
    return name


def parse_select(view: View, raw: str | None) -> list[str]:
    if raw is None or raw.strip() in ("", "*"):
        return list(view.columns)
    return [_column(view, part.strip()) for part in raw.split(",")]


def parse_order(view: View, raw: str) -> sql.Composable:
    items = []
    for part in raw.split(","):
        bits = part.strip().split(".")
        col = _column(view, bits[0])
        direction, nulls = sql.SQL("asc"), None
        for b in bits[1:]:
            if b in ("asc", "desc"):
                direction = sql.SQL(b)
            elif b in ("nullsfirst", "nullslast"):
                nulls = sql.SQL("nulls first" if b == "nullsfirst" else "nulls last")
            else:
                raise parse_error(
                    f'"failed to parse order ({part})"',
                    f'unexpected "{b}" expecting "asc", "desc", "nullsfirst" or "nullslast"',
                )
        items.append(sql.SQL(" ").join([sql.Identifier(col), direction] + ([nulls] if nulls else [])))
    return sql.SQL(", ").join(items)


def split_list(raw: str) -> list[str]:
    """The items of ``(a,b,"c,d")``: PostgREST's list syntax of ``in.`` and of array arguments."""
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
    """``col=<op>.<value>`` as a WHERE clause and its parameters (``not.`` negates)."""
    _column(view, col)
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
        params = [split_list(value)]
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


def int_param(name: str, raw: str | None, default: int | None) -> int | None:
    if raw is None:
        return default
    if not raw.isdigit():
        raise parse_error(f'"failed to parse {name} parameter ({raw})"', f"{name} must be a non-negative integer")
    return int(raw)


def wants_object(accept: str) -> bool:
    """PostgREST's content negotiation between its two JSON media types: the Accept header's media types by
    quality (stable), the first it produces decides; ``application/vnd.pgrst.object[+json]`` asks for one object."""
    ranked = []
    for i, part in enumerate(accept.split(",")):
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


def count_preference(prefer: str) -> str | None:
    """``exact``, ``planned`` or ``estimated`` when the Prefer header asks for a count."""
    m = re.search(r"count=(exact|planned|estimated)", prefer)
    return m.group(1) if m else None


def aggregate(singular: bool) -> sql.Composable:
    """The body and the row count of ``t``, as PostgREST builds them (the first row alone for one object)."""
    body = "coalesce((json_agg(t)->0)::text, 'null')" if singular else "coalesce(json_agg(t), '[]')::text"
    return sql.SQL(body + ", count(*)")


@dataclass(frozen=True)
class ReadQuery:
    """A GET on a view: the statement (one row: body, rows), the count of the filtered view, their parameters."""

    statement: sql.Composed
    count: sql.Composed
    params: list[Any]
    offset: int


def read_query(view: View, query: Iterable[tuple[str, str]], singular: bool) -> ReadQuery:
    """The statements of a GET on ``view`` with the query string ``query`` (its pairs, in order, repeats kept)."""
    pairs = list(query)
    first: dict[str, str] = {}
    for key, value in pairs:
        first.setdefault(key, value)
    cols = parse_select(view, first.get("select"))
    where: list[sql.Composable] = []
    params: list[Any] = []
    for key, value in pairs:
        if key in RESERVED:
            continue
        clause, p = parse_filter(view, key, value)
        where.append(clause)
        params += p
    limit = int_param("limit", first.get("limit"), None)
    offset = int_param("offset", first.get("offset"), 0) or 0
    limit = MAX_ROWS if limit is None else min(limit, MAX_ROWS)
    base = sql.SQL("select {} from {}").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in cols), sql.Identifier(SCHEMA, view.name)
    )
    counted = sql.SQL("select count(*) from {}").format(sql.Identifier(SCHEMA, view.name))
    if where:
        base = sql.SQL("{} where {}").format(base, sql.SQL(" and ").join(where))
        counted = sql.SQL("{} where {}").format(counted, sql.SQL(" and ").join(where))
    if "order" in first:
        base = sql.SQL("{} order by {}").format(base, parse_order(view, first["order"]))
    base = sql.SQL("{} limit {} offset {}").format(base, sql.Literal(limit), sql.Literal(offset))
    statement = sql.SQL("select {} from ({}) t").format(aggregate(singular), base)
    return ReadQuery(statement, counted, params, offset)


def rpc_query(fn: Function, args: dict[str, Any], *, from_body: bool, singular: bool) -> tuple[sql.Composed, list[Any]]:
    """The call of ``fn`` with named arguments: from a JSON body (POST) or from the query string (GET, text values)."""
    exprs = []
    params: list[Any] = []
    for arg_name, typ, _default in fn.args:
        if arg_name not in args:
            continue
        value = args[arg_name]
        if typ in ("jsonb", "json"):
            params.append(Jsonb(value) if from_body else Jsonb(json.loads(value)))
        elif typ.endswith("[]"):
            if not from_body and isinstance(value, str):
                value = split_list(value) if value.startswith("(") else value.strip("{}").split(",")
            if not isinstance(value, list):
                raise ApiError(400, "22P02", f'argument "{arg_name}" must be an array')
            params.append([None if v is None else str(v) for v in value])
        else:
            params.append(
                None
                if value is None
                else (
                    json.dumps(value)
                    if isinstance(value, (dict, list))
                    else str(value).lower()
                    if isinstance(value, bool)
                    else str(value)
                )
            )
        exprs.append(sql.SQL("{} => {}::{}").format(sql.Identifier(arg_name), sql.Placeholder(), sql.SQL(typ)))
    call = sql.SQL("{}({})").format(sql.Identifier(SCHEMA, fn.name), sql.SQL(", ").join(exprs))
    if fn.returns_set:
        return sql.SQL("select {} from {} t").format(aggregate(singular), call), params
    return sql.SQL("select to_json({})::text, 1").format(call), params  # one value: one row
