"""The PostgREST grammar and its errors, over HTTP (no worker needed)."""

from __future__ import annotations

import json
import time

import pytest

from pycore.gateway.auth import make_token
from tests.http.conftest import SECRET, Api


def error_of(r: object) -> dict[str, object]:
    body = r.json()  # type: ignore[attr-defined]
    assert set(body) == {"code", "message", "details", "hint"}, body
    return dict(body)


# ------------------------------------------------------------------ reads
def test_openapi_describes_every_view_and_function(api: Api) -> None:
    r = api.get("/")
    assert r.status_code == 200
    spec = r.json()
    assert spec["swagger"] == "2.0"
    for path in ("/status_overview", "/status_portfolio", "/status_portfolio_risk", "/jobs", "/backtest_runs",
                 "/rpc/run_backtest", "/rpc/cancel_job", "/rpc/diagnostics", "/rpc/generate_proposals", "/rpc/apply_proposal"):
        assert path in spec["paths"], path
    assert spec["paths"]["/jobs"]["get"]["description"], "view comments become the OpenAPI text"


def test_select_filter_order_limit_offset(api: Api) -> None:
    r = api.get("/regime_history?select=as_of_date,regime_label&as_of_date=gte.2020-03-01&as_of_date=lt.2020-04-01"
                "&order=as_of_date.desc&limit=5&offset=1")
    assert r.status_code == 200, r.text
    rows = r.json()
    assert len(rows) == 5 and set(rows[0]) == {"as_of_date", "regime_label"}
    dates = [row["as_of_date"] for row in rows]
    assert dates == sorted(dates, reverse=True) and dates[0] < "2020-03-31"
    assert "CRISIS" in {row["regime_label"] for row in rows}, "March 2020 is a crisis"


@pytest.mark.parametrize("query,check", [
    ("regime_label=eq.CRISIS", lambda rows: rows and all(r["regime_label"] == "CRISIS" for r in rows)),
    ("regime_label=neq.CRISIS", lambda rows: rows and all(r["regime_label"] != "CRISIS" for r in rows)),
    ("regime_label=in.(CRISIS,CALM_BEAR)", lambda rows: rows and {r["regime_label"] for r in rows} <= {"CRISIS", "CALM_BEAR"}),
    ("regime_label=like.*BEAR", lambda rows: rows and all(r["regime_label"].endswith("BEAR") for r in rows)),
    ("regime_label=not.like.*BULL", lambda rows: rows and all(not r["regime_label"].endswith("BULL") for r in rows)),
    ("vix=gt.60", lambda rows: rows and all(r["vix"] > 60 for r in rows)),
    ("vix=lte.10", lambda rows: rows and all(r["vix"] <= 10 for r in rows)),
    ("vix=is.null", lambda rows: all(r["vix"] is None for r in rows)),
])
def test_filters(api: Api, query: str, check: object) -> None:
    r = api.get(f"/regime_history?{query}&limit=500")
    assert r.status_code == 200, r.text
    assert check(r.json())  # type: ignore[operator]


def test_counts_in_content_range(api: Api) -> None:
    exact = api.get("/regime_history?limit=10&offset=20", headers={"Prefer": "count=exact"})
    assert exact.status_code == 206, "PostgREST 12: a page of a known, larger total is 206 Partial Content"
    rng, total = exact.headers["Content-Range"].split("/")
    assert rng == "20-29" and int(total) > 4000
    n = api.sql("select count(*) from api.regime_history")[0][0]
    assert int(total) == n
    planned = api.get("/regime_history?limit=1", headers={"Prefer": "count=planned"})
    assert planned.status_code == 206 and int(planned.headers["Content-Range"].split("/")[1]) > 0
    assert api.get("/regime_history?limit=1").headers["Content-Range"] == "0-0/*"


def test_cors(api: Api) -> None:
    pre = api.session.options(api.base + "/status_overview", headers={"Origin": "http://c2.local",
                                                                    "Access-Control-Request-Method": "GET"})
    assert pre.status_code in (200, 204)
    assert pre.headers.get("Access-Control-Allow-Origin") in ("*", "http://c2.local")
    assert api.get("/status_overview", headers={"Origin": "http://c2.local"}).headers.get("Access-Control-Allow-Origin")


def test_rpc_get_and_post(api: Api) -> None:
    a = api.get("/rpc/diagnostics?strategy_id=US_CORE_LONG_EQ")
    b = api.rpc("diagnostics", {"strategy_id": "US_CORE_LONG_EQ"})
    assert a.status_code == b.status_code == 200
    assert a.json()["strategy_id"] == b.json()["strategy_id"] == "US_CORE_LONG_EQ"


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("path", ["/no_such_view", "/hist_prices", "/runtime.jobs"])
def test_unknown_view_is_404(api: Api, path: str) -> None:
    r = api.get(path)
    assert r.status_code == 404, r.text
    error_of(r)


def test_unknown_function_is_404(api: Api) -> None:
    r = api.rpc("no_such_function", {})
    assert r.status_code == 404
    assert error_of(r)["code"] == "PGRST202"
    assert api.rpc("diagnostics", {"no_such_argument": 1}).status_code == 404


@pytest.mark.parametrize("query", [
    "vix=eq",                 # no operator.value
    "vix=bogus.3",            # unknown operator
    "vix=in.3,4",             # in. without parentheses
    "order=as_of_date.sideways",
    "select=nosuchcolumn",
    "nosuchcolumn=eq.1",
])
def test_bad_filter_syntax_is_400(api: Api, query: str) -> None:
    r = api.get(f"/regime_history?{query}")
    assert r.status_code == 400, (query, r.text)
    error_of(r)


def test_a_limit_that_is_no_number_is_ignored(api: Api) -> None:
    """PostgREST 12 reads limit and offset with Haskell's readMaybe and ignores what is no integer."""
    r = api.get("/regime_history?select=as_of_date&order=as_of_date&limit=ten&offset=5", headers={"Prefer": "count=exact"})
    assert r.status_code == 206, r.text
    total = int(r.headers["Content-Range"].split("/")[1])
    assert r.headers["Content-Range"] == f"5-{total - 1}/{total}"
    assert len(r.json()) == total - 5


def test_bad_filter_type_is_400(api: Api) -> None:
    r = api.get("/regime_history?as_of_date=eq.not-a-date")
    assert r.status_code == 400
    assert error_of(r)["code"] == "22007"
    r = api.get("/jobs?job_id=eq.abc")
    assert r.status_code == 400 and error_of(r)["code"] == "22P02"


@pytest.mark.parametrize("query", [
    "order=as_of_date;drop table runtime.jobs",
    "order=as_of_date.desc,(select 1)",
    "select=as_of_date,pg_sleep(5)",
    "as_of_date);delete from runtime.jobs;--=eq.1",
    'select=as_of_date"',
])
def test_injection_in_identifiers_is_rejected(api: Api, query: str) -> None:
    before = api.sql("select count(*) from runtime.jobs")[0][0]
    t = time.monotonic()
    r = api.get(f"/regime_history?{query}")
    assert r.status_code == 400, r.text
    error_of(r)
    assert time.monotonic() - t < 4, "nothing was executed"
    assert api.sql("select count(*) from runtime.jobs")[0][0] == before
    assert api.sql("select to_regclass('runtime.jobs') is not null")[0][0]


def test_injection_in_values_is_only_a_value(api: Api) -> None:
    r = api.get("/regime_history?regime_label=eq.CRISIS' or '1'='1")
    assert r.status_code == 200 and r.json() == []
    r = api.get("/jobs?status=in.(PENDING,\"x') or true --\")")
    assert r.status_code == 200
    assert all(row["status"] == "PENDING" for row in r.json())


def test_control_without_token_is_401(api: Api) -> None:
    r = api.rpc("run_backtest", {"strategy_id": "US_CORE_LONG_EQ", "start_date": "2023-01-01", "end_date": "2023-02-01"})
    assert r.status_code == 401
    assert error_of(r)["code"] == "42501"
    assert api.rpc("cancel_job", {"job_id": 1}).status_code == 401
    assert api.rpc("apply_proposal", {"proposal_id": 1}).status_code == 401


def test_expired_or_forged_token_is_401(api: Api) -> None:
    expired = make_token("operator", SECRET, ttl_seconds=-60)
    r = api.rpc("cancel_job", {"job_id": 1}, token=expired)
    assert r.status_code == 401 and error_of(r)["code"] == "PGRST301"
    assert "expired" in str(error_of(r)["message"]).lower()
    forged = make_token("operator", "not-the-secret-of-this-server-0123456789")
    assert api.rpc("cancel_job", {"job_id": 1}, token=forged).status_code == 401
    assert api.get("/jobs", token="garbage").status_code == 401


def test_web_anon_token_may_read_not_control(api: Api) -> None:
    anon = make_token("web_anon", SECRET)
    assert api.get("/jobs?limit=1", token=anon).status_code == 200
    r = api.rpc("run_backtest", {"strategy_id": "US_CORE_LONG_EQ", "start_date": "2023-01-01", "end_date": "2023-02-01"}, token=anon)
    assert r.status_code in (401, 403)
    assert error_of(r)["code"] == "42501"


def test_non_json_and_oversized_bodies(api: Api) -> None:
    r = api.rpc("cancel_job", raw=b"{not json", token=api.operator)
    assert r.status_code == 400 and error_of(r)["code"] == "PGRST102"
    r = api.rpc("cancel_job", raw=json.dumps({"job_id": 1, "pad": "x" * (2 << 20)}).encode(), token=api.operator)
    assert r.status_code in (400, 413)
    error_of(r)


@pytest.mark.parametrize("body,status", [
    ({"strategy_id": "US_CORE_LONG_EQ", "start_date": "2024-01-01", "end_date": "2023-01-01"}, 400),
    ({"strategy_id": "US_CORE_LONG_EQ", "start_date": "not-a-date", "end_date": "2023-01-01"}, 400),
    ({"strategy_id": "US_CORE_LONG_EQ", "start_date": "1990-01-01", "end_date": "1991-01-01"}, 400),
    ({"strategy_id": "NO_SUCH_STRATEGY", "start_date": "2023-01-01", "end_date": "2023-02-01"}, 404),
    ({"strategy_id": "US_CORE_LONG_EQ", "start_date": "2023-01-01", "end_date": "2023-02-01", "market_ids": ["MARS"]}, 404),
    ({"strategy_id": "US_CORE_LONG_EQ", "start_date": "2023-01-01", "end_date": "2023-02-01", "config_overrides": [1]}, 400),
])
def test_run_backtest_validation(api: Api, body: dict[str, object], status: int) -> None:
    before = api.sql("select count(*) from runtime.jobs")[0][0]
    r = api.rpc("run_backtest", body, token=api.operator)
    assert r.status_code == status, r.text
    err = error_of(r)
    assert err["message"]
    assert api.sql("select count(*) from runtime.jobs")[0][0] == before, "a refused submission queues nothing"


def test_cancel_and_apply_unknown_ids_are_404(api: Api) -> None:
    assert api.rpc("cancel_job", {"job_id": 987654321}, token=api.operator).status_code == 404
    assert api.rpc("apply_proposal", {"proposal_id": 987654321}, token=api.operator).status_code == 404
    assert api.rpc("generate_proposals", {"strategy_id": "NO_SUCH"}, token=api.operator).status_code == 404
