"""PostgREST 12's request grammar: the query string (select, filters, and/or trees, order, limit/offset) and the
headers that shape a read (Accept, Prefer, Range, Accept-Profile/Content-Profile).

This module only parses: it turns a request's parts into plain values (:class:`QueryParams`, :class:`Negotiated`)
or a PostgREST error (PGRST100 for a query string it cannot read, PGRST103 for a range, PGRST106 for a schema,
PGRST107 for a media type). SQL is built from these values by :mod:`pycore.gateway.query`. The rules follow
PostgREST's parser (``ApiRequest/QueryParams.hs``, ``RangeQuery.hs``, ``ApiRequest.hs``) of the version pinned in
docker-compose.yml (v12.2).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

from pycore.gateway.errors import ApiError

MAX_ROWS = 10_000  # PGRST_DB_MAX_ROWS in docker-compose.yml
IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")  # a role name in a JWT
SINGULAR = "application/vnd.pgrst.object+json"

QUANT_OPS = {"eq": "=", "gte": ">=", "gt": ">", "lte": "<=", "lt": "<", "like": "like", "ilike": "ilike",
             "match": "~", "imatch": "~*"}  # fmt: skip
SIMPLE_OPS = {"neq": "<>", "cs": "@>", "cd": "<@", "ov": "&&", "sl": "<<", "sr": ">>", "nxr": "&<", "nxl": "&>",
              "adj": "-|-"}  # fmt: skip
FTS_OPS = {"fts": "to_tsquery", "plfts": "plainto_tsquery", "phfts": "phraseto_tsquery", "wfts": "websearch_to_tsquery"}
# the order PostgREST's parser tries them in (a longer name before its prefix)
_OP_NAMES = ["in", "isdistinct", "is", "fts", "plfts", "phfts", "wfts", "neq", "cs", "cd", "ov", "sl", "sr", "nxr",
             "nxl", "adj", "eq", "gte", "gt", "lte", "lt", "like", "ilike", "match", "imatch"]  # fmt: skip
# casts are written into SQL unquoted, as PostgREST does: only these shapes (one word, or a known multi-word type)
_CAST = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[\])?$")
_MULTIWORD_TYPES = {"double precision", "character varying", "timestamp with time zone",
                    "timestamp without time zone", "time with time zone", "time without time zone", "bit varying"}  # fmt: skip


# ------------------------------------------------------------------ values
@dataclass(frozen=True)
class JsonOp:
    arrow: Literal["->", "->>"]
    key: str
    index: bool  # an array index (``->0``), else an object key


@dataclass(frozen=True)
class Field:
    name: str
    path: tuple[JsonOp, ...] = ()

    @property
    def default_alias(self) -> str:
        """The name PostgREST gives a selected JSON path: its last key (an index keeps the column's name)."""
        if self.path and not self.path[-1].index:
            return self.path[-1].key
        return self.name


@dataclass(frozen=True)
class SelectItem:
    field: Field  # name "*": every column
    alias: str | None = None
    cast: str | None = None


@dataclass(frozen=True)
class Filter:
    field: Field
    negate: bool
    op: str  # a key of QUANT_OPS / SIMPLE_OPS / FTS_OPS, or in, is, isdistinct
    value: str | list[str]
    quant: Literal["any", "all"] | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Logic:
    negate: bool
    op: Literal["and", "or"]
    children: tuple[Logic | Filter, ...]


@dataclass(frozen=True)
class OrderTerm:
    field: Field
    direction: Literal["asc", "desc"] | None
    nulls: Literal["nullsfirst", "nullslast"] | None


@dataclass
class QueryParams:
    """A request's query string, read as PostgREST reads it."""

    select: list[SelectItem]
    filters: list[Filter]
    logic: list[Logic]
    order: list[OrderTerm]
    limit: int | None
    offset: int
    rpc_args: dict[str, str] = field(default_factory=dict)  # GET /rpc: parameters without an operator
    canonical: str = ""


# ------------------------------------------------------------------ errors
def parse_error(name: str, raw: str, pos: int, details: str) -> ApiError:
    """PostgREST's PGRST100: ``"failed to parse <name> (<raw>)" (line 1, column N)`` and what was expected."""
    return ApiError(400, "PGRST100", f'"failed to parse {name} ({raw})" (line 1, column {pos + 1})', details)


def embed_error(parent: str, child: str) -> ApiError:
    """Resource embedding: no relationship is known (the gateway knows none; PGRST200)."""
    return ApiError(
        400,
        "PGRST200",
        f"Could not find a relationship between '{parent}' and '{child}' in the schema cache",
        f"Searched for a foreign key relationship between '{parent}' and '{child}' in the schema 'api', "
        "but no matches were found.",
    )


def not_embedded(resource: str) -> ApiError:
    return ApiError(
        400,
        "PGRST108",
        f"'{resource}' is not an embedded resource in this request",
        hint=f"Verify that '{resource}' is included in the 'select' query parameter.",
    )


# ------------------------------------------------------------------ a small recursive-descent reader
class _Reader:
    def __init__(self, text: str, name: str) -> None:
        self.s, self.i, self.name = text, 0, name

    def fail(self, details: str) -> ApiError:
        return parse_error(self.name, self.s, self.i, details)

    def peek(self, token: str) -> bool:
        return self.s.startswith(token, self.i)

    def eat(self, token: str) -> bool:
        if self.s.startswith(token, self.i):
            self.i += len(token)
            return True
        return False

    def expect(self, token: str, what: str | None = None) -> None:
        if not self.eat(token):
            raise self.fail(self._unexpected(f"expecting {what or repr(token)}"))

    def _unexpected(self, expecting: str) -> str:
        got = f'unexpected "{self.s[self.i]}"' if self.i < len(self.s) else "unexpected end of input"
        return f"{got} {expecting}"

    def done(self) -> bool:
        return self.i >= len(self.s)

    def spaces(self) -> None:
        while self.i < len(self.s) and self.s[self.i] == " ":
            self.i += 1

    def quoted(self) -> str:
        """``"..."`` with backslash escapes."""
        self.expect('"')
        out: list[str] = []
        while True:
            if self.done():
                raise self.fail('unexpected end of input expecting "\\"" ')
            ch = self.s[self.i]
            self.i += 1
            if ch == '"':
                return "".join(out)
            if ch == "\\":
                if self.done():
                    raise self.fail("unexpected end of input")
                ch = self.s[self.i]
                self.i += 1
            out.append(ch)

    def identifier(self) -> str:
        start = self.i
        while self.i < len(self.s) and (self.s[self.i].isalnum() or self.s[self.i] in "_ $"):
            self.i += 1
        if self.i == start:
            raise self.fail(self._unexpected("expecting field name (* or [a..z0..9_$])"))
        return self.s[start : self.i].strip()

    def field_name(self) -> str:
        """A quoted name, or identifiers joined by dashes (a dash not starting ``->``)."""
        if self.peek('"'):
            return self.quoted()
        parts = [self.identifier()]
        while self.peek("-") and not self.peek("->"):
            self.i += 1
            parts.append(self.identifier())
        return "-".join(parts)

    def json_path(self) -> tuple[JsonOp, ...]:
        ops = []
        while self.peek("->"):
            arrow: Literal["->", "->>"] = "->>" if self.eat("->>") else "->"
            if arrow == "->":
                self.i += 2
            m = re.compile(r"-?\d+").match(self.s, self.i)
            if m and (m.end() == len(self.s) or self.s.startswith(("->", "::", ".", ","), m.end())):
                self.i = m.end()
                digits = m.group(0)
                ops.append(JsonOp(arrow, digits if digits.startswith("-") else "+" + digits, True))
                continue
            if self.peek('"'):
                ops.append(JsonOp(arrow, self.quoted(), False))
                continue
            parts = [self._json_key()]
            while self.peek("-") and not self.peek("->"):
                self.i += 1
                parts.append(self._json_key())
            ops.append(JsonOp(arrow, "-".join(parts), False))
        return tuple(ops)

    def _json_key(self) -> str:
        start = self.i
        while self.i < len(self.s) and self.s[self.i] not in "(-:.,>)":
            self.i += 1
        if self.i == start:
            raise self.fail(self._unexpected("expecting any non reserved character different from: .,>()"))
        return self.s[start : self.i].strip()

    def field(self) -> Field:
        name = self.field_name()
        f = Field(name, self.json_path())
        self.spaces()
        return f

    def cast(self) -> str | None:
        if not self.eat("::"):
            return None
        start = self.i
        while self.i < len(self.s) and (self.s[self.i].isalnum() or self.s[self.i] in "_ $[]"):
            self.i += 1
        cast = self.s[start : self.i].strip()
        if not cast:
            raise self.fail(self._unexpected("expecting letter or digit"))
        if not (_CAST.match(cast) or cast.lower() in _MULTIWORD_TYPES):
            raise self.fail(f'unexpected cast "{cast}"')
        return cast


# ------------------------------------------------------------------ select
_AGGREGATES = ("sum", "avg", "count", "max", "min")


def parse_select(raw: str, resource: str) -> list[SelectItem]:
    """``select``: ``*``, ``alias:column->json->>path::cast``, comma-separated. An embedded resource
    (``name(...)``, ``...name(...)``) is PGRST200 (the api schema has no relationships the gateway knows);
    an aggregate is PGRST123 (disabled in PostgREST by default)."""
    r = _Reader(raw, "select parameter")
    items: list[SelectItem] = []
    while True:
        r.spaces()
        if r.eat("*"):
            items.append(SelectItem(Field("*")))
        elif r.peek("..."):
            r.i += 3
            raise embed_error(resource, r.field_name())
        else:
            alias: str | None = None
            start = r.i
            name = r.field_name()
            if r.peek(":") and not r.peek("::"):
                r.i += 1
                alias = name
            else:
                r.i = start
            start = r.i
            name = r.field_name()
            if r.peek("(") or r.peek("!"):
                if name == "count" and r.peek("()"):
                    raise ApiError(400, "PGRST123", "Use of aggregate functions is not allowed")
                raise embed_error(resource, name)
            r.i = start
            fld = r.field()
            cast = r.cast()
            if r.peek(".") and any(r.peek(f".{a}()") for a in _AGGREGATES):
                raise ApiError(400, "PGRST123", "Use of aggregate functions is not allowed")
            items.append(SelectItem(fld, alias, cast))
        r.spaces()
        if r.done():
            return items
        if not r.eat(","):
            raise r.fail(
                r._unexpected('expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input')
            )


# ------------------------------------------------------------------ filters and logic
def _list_value(r: _Reader) -> list[str]:
    r.spaces()
    r.expect("(", '"("')
    items: list[str] = []
    while True:
        if r.peek('"'):
            save = r.i
            value = r.quoted()
            if r.done() or r.s[r.i] in ",)":
                items.append(value)
            else:
                r.i = save
                items.append(_raw_until(r, ",)"))
        else:
            items.append(_raw_until(r, ",)"))
        if r.eat(","):
            continue
        r.spaces()
        r.expect(")", '"," or ")"')
        r.spaces()
        return items


def _raw_until(r: _Reader, stop: str) -> str:
    start = r.i
    while r.i < len(r.s) and r.s[r.i] not in stop:
        r.i += 1
    return r.s[start : r.i]


def _logic_value(r: _Reader) -> str:
    """A value inside and/or: a quoted value, a ``{...}`` array literal, or characters up to ``,`` or ``)``."""
    if r.peek('"'):
        save = r.i
        value = r.quoted()
        if r.done() or r.s[r.i] in ",)":
            return value
        r.i = save
    if r.peek("{"):
        save = r.i
        end = r.s.find("}", r.i)
        if end != -1 and "{" not in r.s[r.i + 1 : end]:
            r.i = end + 1
            return r.s[save : r.i]
    return _raw_until(r, ",)")


def _op_expr(r: _Reader, target: Field, in_logic: bool) -> Filter:
    negate = r.eat("not.")
    op = next((name for name in _OP_NAMES if r.peek(name) and _op_follows(r, name)), None)
    if op is None:
        raise r.fail(r._unexpected('expecting "not" or operator (eq, gt, ...)'))
    r.i += len(op)
    quant: Literal["any", "all"] | None = None
    lang: str | None = None
    if op in QUANT_OPS and (r.peek("(any)") or r.peek("(all)")):
        quant = "any" if r.peek("(any)") else "all"
        r.i += 5
    elif op in FTS_OPS and r.eat("("):
        lang = r.identifier()
        r.expect(")", '")"')
    r.expect(".", "delimiter (.)")
    value: str | list[str]
    if op == "in":
        value = _list_value(r)
    elif op == "is":
        start = r.i
        rest = _logic_value(r) if in_logic else r.s[r.i :]
        if rest.lower() not in ("null", "true", "false", "unknown"):
            r.i = start
            raise r.fail(r._unexpected("expecting null or trilean value (unknown, true, false)"))
        if not in_logic:
            r.i = len(r.s)
        value = rest.lower()
    else:
        if in_logic:
            value = _logic_value(r)
        else:
            value = r.s[r.i :]
            r.i = len(r.s)
    return Filter(target, negate, op, value, quant, lang)


def _op_follows(r: _Reader, name: str) -> bool:
    """``name`` is the operator here: followed by ``.``, or by ``(`` for a modifier."""
    after = r.i + len(name)
    if after >= len(r.s):
        return False
    nxt = r.s[after]
    if nxt == ".":
        return True
    return nxt == "(" and (name in QUANT_OPS or name in FTS_OPS)


def parse_filter(key: str, value: str) -> Filter:
    """``column[->path]=[not.]op.value``."""
    kr = _Reader(key, "tree path")
    fld = kr.field()
    if not kr.done():
        if kr.peek("."):
            raise not_embedded(fld.name)
        raise kr.fail(kr._unexpected('expecting "->", "." or end of input'))
    return _op_expr(_Reader(value, "filter"), fld, in_logic=False)


def parse_logic(key: str, value: str) -> Logic:
    """``or=(a.eq.1,and(b.gt.2,not.c.is.null))``, ``and=...``, ``not.or=...``."""
    r = _Reader(("not." if key.startswith("not.") else "") + key.rsplit(".", 1)[-1] + value, "logic tree")
    tree = _logic_tree(r)
    if not isinstance(tree, Logic):
        raise r.fail("expecting logic operator (and, or)")
    return tree


def _logic_tree(r: _Reader) -> Logic | Filter:
    save = r.i
    negate = r.eat("not.")
    op: Literal["and", "or"] | None = "and" if r.peek("and(") else "or" if r.peek("or(") else None
    if op is not None:
        r.i += len(op)
        r.expect("(", '"("')
        r.spaces()
        children: list[Logic | Filter] = []
        while True:
            children.append(_logic_tree(r))
            r.spaces()
            if r.eat(","):
                r.spaces()
                continue
            r.expect(")", '"," or ")"')
            r.spaces()
            return Logic(negate, op, tuple(children))
    r.i = save
    fld = r.field()
    r.expect(".", "delimiter (.)")
    return _op_expr(r, fld, in_logic=True)


# ------------------------------------------------------------------ order, limit/offset
def parse_order(raw: str) -> list[OrderTerm]:
    r = _Reader(raw, "order")
    terms: list[OrderTerm] = []
    while True:
        r.spaces()
        fld = r.field()
        if r.peek("("):
            raise not_embedded(fld.name)
        direction: Literal["asc", "desc"] | None = None
        nulls: Literal["nullsfirst", "nullslast"] | None = None
        if r.eat(".asc"):
            direction = "asc"
        elif r.eat(".desc"):
            direction = "desc"
        if r.eat(".nullsfirst"):
            nulls = "nullsfirst"
        elif r.eat(".nullslast"):
            nulls = "nullslast"
        r.spaces()
        if r.done():
            terms.append(OrderTerm(fld, direction, nulls))
            return terms
        if not r.eat(","):
            if r.peek("."):
                r.i += 1
            raise r.fail(r._unexpected('expecting "asc", "desc", "nullsfirst" or "nullslast"'))
        terms.append(OrderTerm(fld, direction, nulls))


def _read_int(raw: str) -> int | None:
    """Haskell's ``readMaybe`` of an Integer: digits with an optional minus sign, else nothing (the parameter is then
    ignored, as PostgREST ignores it)."""
    s = raw.strip()
    return int(s) if re.fullmatch(r"-?\d+", s) else None


RESERVED = ("select", "columns", "on_conflict")
EMBEDDABLE = ("order", "limit", "offset", "and", "or")


def parse_query(pairs: Iterable[tuple[str, str]], resource: str, *, rpc_read: bool = False) -> QueryParams:
    """A request's query string (its pairs, in order, repeats kept) as PostgREST reads it. ``rpc_read``: a GET or
    HEAD on /rpc, where a parameter whose value is no filter is an argument of the function."""
    pairs = list(pairs)
    canonical = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(pairs, key=lambda p: p[0]))
    select_raw = next((v for k, v in pairs if k == "select"), "*")
    select = parse_select(select_raw, resource) if select_raw.strip() else [SelectItem(Field("*"))]
    filters: list[Filter] = []
    logic: list[Logic] = []
    order: list[OrderTerm] = []
    args: dict[str, str] = {}
    limit: int | None = None
    offset = 0
    for key, value in pairs:
        last = key.rsplit(".", 1)[-1]
        embedded = "." in key and not key.startswith("not.")
        if key in RESERVED:
            continue
        if last in EMBEDDABLE:
            if embedded or (last in ("and", "or") and key.count(".") > 1):
                raise not_embedded(key.split(".")[0] if not key.startswith("not.") else key.split(".")[1])
            if last == "order":
                order = parse_order(value)
            elif last == "limit":
                n = _read_int(value)
                if n is not None:
                    limit = n
            elif last == "offset":
                n = _read_int(value)
                if n is not None:
                    offset = n
            else:
                logic.append(parse_logic(key, value))
            continue
        if rpc_read:
            try:
                filters.append(parse_filter(key, value))
            except ApiError as err:
                if err.code != "PGRST100":
                    raise
                args[key] = value
            continue
        filters.append(parse_filter(key, value))
    return QueryParams(select, filters, logic, order, limit, offset, args, canonical)


# ------------------------------------------------------------------ ranges
@dataclass(frozen=True)
class Range:
    """The rows asked for: ``offset`` and ``limit`` (None: all)."""

    offset: int
    limit: int | None


def requested_range(method: str, range_header: str | None, limit: int | None, offset: int) -> Range:
    """The top-level range of a read: the ``Range`` header (GET only, ``first-[last]``) intersected with
    ``limit``/``offset``, capped at the server's max rows. 416 PGRST103 for an empty one (limit=0 excepted)."""
    lo, hi = 0, None  # hi inclusive; None: unbounded
    if method == "GET" and range_header:
        m = re.fullmatch(r"(?:items=)?([0-9]+)-([0-9]*)", range_header.strip())
        if m:
            lo = int(m.group(1))
            hi = int(m.group(2)) if m.group(2) else None
    if hi is not None and hi < lo:
        raise ApiError(
            416,
            "PGRST103",
            "Requested range not satisfiable",
            "The lower boundary must be lower than or equal to the upper boundary in the Range header.",
        )
    if limit is not None and limit < 0:
        raise ApiError(
            416, "PGRST103", "Requested range not satisfiable", "Limit should be greater than or equal to zero."
        )
    if limit == 0:
        return Range(offset, 0)
    # limit/offset as a range, intersected with the header's
    q_lo, q_hi = offset, (offset + limit - 1 if limit is not None else None)
    lo2 = max(lo, q_lo)
    his = [h for h in (hi, q_hi) if h is not None]
    hi2 = min(his) if his else None
    if hi2 is not None and hi2 < lo2:  # the header's range and limit/offset do not meet
        raise ApiError(
            416, "PGRST103", "Requested range not satisfiable", "Limit should be greater than or equal to zero."
        )
    n = None if hi2 is None else hi2 - lo2 + 1
    n = MAX_ROWS if n is None else min(n, MAX_ROWS)
    return Range(lo2, n)


def content_range(offset: int, rows: int, total: int | None) -> tuple[int, str]:
    """PostgREST's status and ``Content-Range`` of a read: 206 when fewer rows than the known total, 416 when the
    offset is past it, else 200."""
    upper = offset + rows - 1
    rng = f"{offset}-{upper}" if total != 0 and offset <= upper else "*"
    header = f"{rng}/{'*' if total is None else total}"
    if total is None:
        return 200, header
    if offset > total:
        return 416, header
    if rows < total:
        return 206, header
    return 200, header


# ------------------------------------------------------------------ headers: media types, profiles, preferences
Media = Literal["json", "object", "csv"]


@dataclass(frozen=True)
class Negotiated:
    media: Media
    strip_nulls: bool = False

    @property
    def content_type(self) -> str:
        base = {"json": "application/json", "object": SINGULAR, "csv": "text/csv"}[self.media]
        return base + ("; nulls=stripped" if self.strip_nulls else "") + "; charset=utf-8"


_MEDIA = {
    "application/json": "json",
    "application/*": "json",
    "*/*": "json",
    "application/vnd.pgrst.array+json": "json",
    "application/vnd.pgrst.array": "json",
    SINGULAR: "object",
    "application/vnd.pgrst.object": "object",
    "text/csv": "csv",
    "text/*": "csv",
}


def negotiate(accept: str | None) -> Negotiated:
    """The media type of the answer from ``Accept`` (by quality, then order; the first the gateway produces), or
    406 PGRST107 when it produces none of them."""
    if not accept or not accept.strip():
        return Negotiated("json")
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        strip = False
        for param in params:
            key, _, value = param.partition("=")
            key = key.strip().lower()
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
            elif key == "nulls" and value.strip().lower() == "stripped":
                strip = True
        ranked.append((-q, i, media.lower(), strip))
    for q, _i, media, strip in sorted(ranked):
        kind = _MEDIA.get(media)
        if kind is not None and q < 0:
            allow_strip = media.startswith("application/vnd.pgrst.")
            return Negotiated(kind, strip and allow_strip)  # type: ignore[arg-type]
    raise ApiError(
        406, "PGRST107", "None of these media types are available: " + ", ".join(m for _q, _i, m, _s in ranked)
    )


def profile(method: str, headers: dict[str, str], schemas: Sequence[str]) -> tuple[str, bool]:
    """The schema of a request (``Accept-Profile`` for GET/HEAD, ``Content-Profile`` for POST) and whether it was
    negotiated by profile (then ``Content-Profile`` is answered); 406 PGRST106 for a schema that is not exposed."""
    name = "content-profile" if method in ("POST", "PATCH", "PUT", "DELETE") else "accept-profile"
    asked = headers.get(name)
    if asked is None:
        return schemas[0], len(schemas) != 1
    if asked not in schemas:
        raise ApiError(406, "PGRST106", "The schema must be one of the following: " + ", ".join(schemas))
    return asked, True


@dataclass(frozen=True)
class Preferences:
    count: Literal["exact", "planned", "estimated"] | None = None
    single_object: bool = False
    handling: Literal["lenient", "strict"] | None = None

    def applied(self, rpc: bool = False) -> str | None:
        """``Preference-Applied``: what the answer honoured."""
        parts = []
        if self.single_object and rpc:
            parts.append("params=single-object")
        if self.count:
            parts.append(f"count={self.count}")
        if self.handling:
            parts.append(f"handling={self.handling}")
        return ", ".join(parts) or None


_KNOWN_PREFS = re.compile(
    r"^(count=(exact|planned|estimated)|params=single-object|handling=(lenient|strict)|return=(minimal|headers-only|representation)"
    r"|resolution=(merge|ignore)-duplicates|missing=default|tx=(commit|rollback)|timezone=.+|max-affected=\d+)$"
)


def preferences(values: Iterable[str]) -> Preferences:
    """The ``Prefer`` headers (comma-separated, several allowed; the first value of a kind wins). With
    ``handling=strict`` an unknown preference is 400 PGRST122."""
    items = [p.strip() for v in values for p in v.split(",") if p.strip()]
    count = next((i.split("=", 1)[1] for i in items if i in ("count=exact", "count=planned", "count=estimated")), None)
    handling = next((i.split("=", 1)[1] for i in items if i in ("handling=lenient", "handling=strict")), None)
    if handling == "strict":
        bad = [i for i in items if not _KNOWN_PREFS.match(i)]
        if bad:
            raise ApiError(
                400,
                "PGRST122",
                "Invalid preferences given with handling=strict",
                "Invalid preferences: " + ", ".join(bad),
            )
    return Preferences(count, "params=single-object" in items, handling)  # type: ignore[arg-type]
