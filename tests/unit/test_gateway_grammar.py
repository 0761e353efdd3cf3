"""The gateway's reading of PostgREST 12's query grammar and headers, without a database (pycore.gateway.grammar)."""

from __future__ import annotations

import pytest

from pycore.gateway import grammar
from pycore.gateway.errors import ApiError
from pycore.gateway.grammar import Field, Filter, JsonOp, Logic


def test_filters_with_not_modifiers_and_languages() -> None:
    assert grammar.parse_filter("id", "not.in.(1,\"a,b\",3)") == Filter(Field("id"), True, "in", ["1", "a,b", "3"])
    assert grammar.parse_filter("name", "like(any).{a*,b*}") == Filter(Field("name"), False, "like", "{a*,b*}", "any")
    assert grammar.parse_filter("doc", "wfts(english).a -b") == Filter(Field("doc"), False, "wfts", "a -b", None, "english")
    assert grammar.parse_filter("x", "is.NULL") == Filter(Field("x"), False, "is", "null")
    assert grammar.parse_filter("x", "isdistinct.1").op == "isdistinct"
    assert grammar.parse_filter("x", "eq.a.b.c").value == "a.b.c", "everything after the operator is the value"


def test_json_paths() -> None:
    f = grammar.parse_filter("data->size->>w", "gt.5")
    assert f.field == Field("data", (JsonOp("->", "size", False), JsonOp("->>", "w", False)))
    assert grammar.parse_order("data->0.desc")[0].field == Field("data", (JsonOp("->", "+0", True),))
    assert grammar.parse_select("a:data->x::int", "t")[0] == grammar.SelectItem(
        Field("data", (JsonOp("->", "x", False),)), "a", "int"
    )


def test_logic_trees_nest() -> None:
    tree = grammar.parse_logic("or", "(a.eq.1,not.and(b.gt.2,c.in.(3,4)),d.is.true)")
    assert tree == Logic(False, "or", (
        Filter(Field("a"), False, "eq", "1"),
        Logic(True, "and", (Filter(Field("b"), False, "gt", "2"), Filter(Field("c"), False, "in", ["3", "4"]))),
        Filter(Field("d"), False, "is", "true"),
    ))
    assert grammar.parse_logic("not.or", "(a.eq.1,a.eq.2)").negate


@pytest.mark.parametrize("key,value", [("id", "nope.1"), ("id", "eq"), ("id", "in.1,2"), ("id", "is.maybe"),
                                       ("a;drop", "eq.1"), ("or", "a.eq.1")])
def test_parse_errors_are_pgrst100(key: str, value: str) -> None:
    with pytest.raises(ApiError) as err:
        if key == "or":
            grammar.parse_logic(key, value)
        else:
            grammar.parse_filter(key, value)
    assert (err.value.status, err.value.code) == (400, "PGRST100")


@pytest.mark.parametrize("select,code", [("id,rel(*)", "PGRST200"), ("...rel(a)", "PGRST200"),
                                         ("price.sum()", "PGRST123"), ("count()", "PGRST123")])
def test_refused_select_features(select: str, code: str) -> None:
    with pytest.raises(ApiError) as err:
        grammar.parse_select(select, "t")
    assert err.value.code == code


def test_casts_are_type_names_only() -> None:
    assert grammar.parse_select("a::double precision", "t")[0].cast == "double precision"
    with pytest.raises(ApiError):
        grammar.parse_select("a::int union select 1", "t")


def test_query_reads_rpc_arguments_and_ignores_bad_limits() -> None:
    q = grammar.parse_query([("strategy_id", "US_CORE"), ("id", "gt.1"), ("limit", "ten"), ("offset", "2")], "f",
                            rpc_read=True)
    assert q.rpc_args == {"strategy_id": "US_CORE"} and [f.op for f in q.filters] == ["gt"]
    assert (q.limit, q.offset) == (None, 2)
    assert q.canonical == "id=gt.1&limit=ten&offset=2&strategy_id=US_CORE"


@pytest.mark.parametrize("method,header,limit,offset,expected", [
    ("GET", None, None, 0, grammar.Range(0, grammar.MAX_ROWS)),
    ("GET", "0-9", None, 0, grammar.Range(0, 10)),
    ("GET", "5-", 2, 0, None),  # the header starts past limit=2: they do not meet
    ("HEAD", "0-9", None, 0, grammar.Range(0, grammar.MAX_ROWS)),
    ("GET", "2-20", 5, 4, grammar.Range(4, 5)),
    ("GET", None, 0, 3, grammar.Range(3, 0)),
])
def test_ranges(method: str, header: str | None, limit: int | None, offset: int, expected: grammar.Range | None) -> None:
    if expected is None:
        with pytest.raises(ApiError) as err:
            grammar.requested_range(method, header, limit, offset)
        assert (err.value.status, err.value.code) == (416, "PGRST103")
    else:
        assert grammar.requested_range(method, header, limit, offset) == expected


def test_content_range_and_status() -> None:
    assert grammar.content_range(0, 3, None) == (200, "0-2/*")
    assert grammar.content_range(0, 3, 3) == (200, "0-2/3")
    assert grammar.content_range(1, 2, 6) == (206, "1-2/6")
    assert grammar.content_range(0, 0, 0) == (200, "*/0")
    assert grammar.content_range(10, 0, 6) == (416, "*/6")


def test_negotiation_and_profiles() -> None:
    assert grammar.negotiate("text/html, application/vnd.pgrst.object+json").media == "object"
    assert grammar.negotiate("application/vnd.pgrst.object+json;q=0.5, text/csv").media == "csv"
    assert grammar.negotiate(None).content_type == "application/json; charset=utf-8"
    with pytest.raises(ApiError) as err:
        grammar.negotiate("text/html")
    assert (err.value.status, err.value.code) == (406, "PGRST107")
    assert grammar.profile("GET", {"accept-profile": "api"}, ["api"]) == ("api", True)
    assert grammar.profile("POST", {"accept-profile": "x"}, ["api"]) == ("api", False), "POST reads Content-Profile"
    with pytest.raises(ApiError) as err:
        grammar.profile("GET", {"accept-profile": "public"}, ["api"])
    assert (err.value.status, err.value.code, err.value.message) == (
        406, "PGRST106", "The schema must be one of the following: api")


def test_preferences() -> None:
    p = grammar.preferences(["return=minimal, count=planned", "params=single-object"])
    assert (p.count, p.single_object, p.applied(rpc=True)) == ("planned", True, "params=single-object, count=planned")
    with pytest.raises(ApiError) as err:
        grammar.preferences(["handling=strict, x=y"])
    assert err.value.code == "PGRST122"
