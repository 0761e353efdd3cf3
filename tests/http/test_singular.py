"""PostgREST's singular responses (``Accept: application/vnd.pgrst.object+json``), as in PostgREST 12's SingularSpec:
one row is an object with the singular media type; zero or several rows are 406 PGRST116 and the transaction is
rolled back."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest

from tests.http.conftest import Api

OBJECT = {"Accept": "application/vnd.pgrst.object+json"}
OBJECT_CT = "application/vnd.pgrst.object+json; charset=utf-8"
JSON_CT = "application/json; charset=utf-8"


def singularity_error(n: int) -> dict[str, object]:
    return {"code": "PGRST116", "message": "JSON object requested, multiple (or no) rows returned",
            "details": f"The result contains {n} rows", "hint": None}


@pytest.mark.parametrize("accept", ["application/vnd.pgrst.object+json", "application/vnd.pgrst.object",
                                    "ApplicatIon/vnd.PgRsT.object+json", "text/html, application/vnd.pgrst.object+json",
                                    "application/json;q=0.5, application/vnd.pgrst.object+json"])
def test_one_row_is_an_object(api: Api, accept: str) -> None:
    path = "/regime_history?as_of_date=eq.2020-03-16"
    plural = api.get(path)
    assert plural.status_code == 200 and len(plural.json()) == 1
    r = api.get(path, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == OBJECT_CT
    assert r.json() == plural.json()[0]


@pytest.mark.parametrize("accept", ["application/json, application/vnd.pgrst.object+json",
                                    "application/vnd.pgrst.object+json;q=0.5, application/json", "*/*"])
def test_json_first_stays_an_array(api: Api, accept: str) -> None:
    r = api.get("/regime_history?as_of_date=eq.2020-03-16", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"] == JSON_CT
    assert isinstance(r.json(), list) and len(r.json()) == 1


def test_no_row_is_406(api: Api) -> None:
    r = api.get("/regime_history?as_of_date=eq.1900-01-02", headers=OBJECT)
    assert r.status_code == 406
    assert r.headers["Content-Type"] == JSON_CT
    assert r.json() == singularity_error(0)


def test_several_rows_are_406(api: Api) -> None:
    r = api.get("/regime_history?order=as_of_date&limit=3", headers=OBJECT)
    assert r.status_code == 406
    assert r.json() == singularity_error(3)
    one = api.get("/regime_history?order=as_of_date&limit=1", headers={**OBJECT, "Prefer": "count=exact"})
    assert one.status_code == 206 and isinstance(one.json(), dict), "one row of a larger known total: 206"
    assert one.headers["Content-Range"].startswith("0-0/"), "the range of the one row"


def test_rpc_returning_one_value_is_that_value(api: Api) -> None:
    plain = api.rpc("diagnostics", {"strategy_id": "US_CORE_LONG_EQ"})
    r = api.rpc("diagnostics", {"strategy_id": "US_CORE_LONG_EQ"}, headers=OBJECT)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == OBJECT_CT
    assert r.json() == plain.json() and isinstance(r.json(), dict)
    g = api.get("/rpc/diagnostics?strategy_id=US_CORE_LONG_EQ", headers=OBJECT)
    assert g.status_code == 200 and g.headers["Content-Type"] == OBJECT_CT and g.json() == plain.json()


def execute(api: Api, *statements: str) -> None:
    with psycopg.connect(api.db_url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture
def set_function(api: Api) -> Iterator[str]:
    """A set-returning api function that writes (the api schema has none of its own), for the length of one test."""
    execute(api, "create table public.singular_probe (v int)",
            """create function api.singular_probe(n int) returns setof int language sql volatile security definer
               set search_path = '' as $$ insert into public.singular_probe select g from generate_series(1, n) g returning v $$""",
            "grant execute on function api.singular_probe(int) to web_anon",
            "notify pgrst, 'reload schema'")
    try:
        deadline = time.monotonic() + 10
        while api.rpc("singular_probe", {"n": 0}).status_code != 200:  # until the gateway reloaded its schema cache
            assert time.monotonic() < deadline, "the gateway did not see the new function within 10 s"
            time.sleep(0.02)
        yield "singular_probe"
    finally:
        execute(api, "drop function api.singular_probe(int)", "drop table public.singular_probe", "notify pgrst, 'reload schema'")


def test_rpc_set_is_one_object_or_406_rolled_back(api: Api, set_function: str) -> None:
    one = api.rpc(set_function, {"n": 1}, headers=OBJECT)
    assert one.status_code == 200 and one.headers["Content-Type"] == OBJECT_CT and one.json() == 1
    assert api.sql("select count(*) from public.singular_probe")[0][0] == 1, "one row: committed"
    for n in (0, 2, 5):
        r = api.rpc(set_function, {"n": n}, headers=OBJECT)
        assert r.status_code == 406, r.text
        assert r.json() == singularity_error(n)
    assert api.sql("select count(*) from public.singular_probe")[0][0] == 1, "406: the writes were rolled back"
    plural = api.rpc(set_function, {"n": 2})
    assert plural.status_code == 200 and plural.json() == [1, 2]
