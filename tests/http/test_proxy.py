"""The seed's URLs through nginx (docker/nginx/routes.conf) in front of the API.

nginx runs from the project's route table with a main configuration written by ``pycore.proxy`` (as
``scripts/main.sh`` runs it), in a temporary prefix on a free port, in front of the test API. Every seed URL must answer
like its PostgREST twin, the control routes must forward the caller's Authorization (and refuse without it), and
nothing in a path segment or a query value may reach the API as anything but a value.
"""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from pycore.dev.proxy import nginx_binary, prepare
from tests.conftest import _free_port
from tests.http.conftest import Api

PORTFOLIO = "PROXY_SEED"
STRATEGY = "US_CORE_LONG_EQ"
SUBMIT = {"strategy_id": STRATEGY, "start_date": "2023-01-01", "end_date": "2023-03-01", "market_ids": ["US_EQ"],
          "portfolio_id": PORTFOLIO}
JSON_CT = "application/json; charset=utf-8"
OBJECT_CT = "application/vnd.pgrst.object+json; charset=utf-8"


class Proxy:
    """nginx in front of the API: raw requests (exact bytes of the path), and the API behind it for comparison."""

    def __init__(self, port: int, api: Api) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.api = api
        self.session = requests.Session()

    def get(self, path: str, token: str | None = None, **kw: Any) -> requests.Response:
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.get(self.base + path, headers=headers, timeout=30, **kw)

    def post(self, path: str, body: Any = None, token: str | None = None) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body)
        return self.session.post(self.base + path, data=data, headers=headers, timeout=30)

    def raw(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
        """The request line exactly as given: no client-side quoting or normalizing."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            conn.putheader("Content-Length", str(len(body or b"")))
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Authorization", f"Bearer {self.api.operator}")
            conn.endheaders(body)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def proxy(api: Api, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (scripts/setup.sh installs the Debian package nginx)")
    up = urlsplit(api.base)
    prefix = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    cmd = prepare(prefix, port, f"{up.hostname}:{up.port}")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = Proxy(port, api)
    deadline = time.monotonic() + 20
    while True:
        try:
            if client.get("/api/status/overview").status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log = prefix / "error.log"
            raise RuntimeError("nginx did not start: " + (log.read_text()[-2000:] if log.exists() else "no log"))
        time.sleep(0.1)
    yield client
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def seed_job(proxy: Proxy, worker: subprocess.Popen[bytes]) -> dict[str, Any]:
    """A backtest submitted and watched through the seed's control URLs, run by a worker."""
    r = proxy.post("/api/control/run_backtest", SUBMIT, token=proxy.api.operator)
    assert r.status_code == 200, r.text
    job_id = r.json()
    assert isinstance(job_id, int)
    deadline = time.monotonic() + 240
    while True:
        got = proxy.get(f"/api/control/jobs/{job_id}")
        assert got.status_code == 200, got.text
        job = got.json()
        if job["status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        assert time.monotonic() < deadline, f"job {job_id} did not end: {job}"
        time.sleep(0.2)
    assert job["status"] == "SUCCEEDED", job["error"]
    return dict(job)


def error_of(r: requests.Response) -> dict[str, Any]:
    body = r.json()
    assert set(body) == {"code", "message", "details", "hint"}, body
    return dict(body)


# ------------------------------------------------------------------ the seed's reads equal their PostgREST twins
@pytest.mark.parametrize("seed,twin", [
    ("/api/status/overview", "/status_overview"),
    (f"/api/status/portfolio?portfolio_id={PORTFOLIO}", f"/status_portfolio?portfolio_id=eq.{PORTFOLIO}"),
    (f"/api/status/portfolio_risk?portfolio_id={PORTFOLIO}", f"/status_portfolio_risk?portfolio_id=eq.{PORTFOLIO}"),
    (f"/api/intelligence/diagnostics/{STRATEGY}", f"/rpc/diagnostics?strategy_id={STRATEGY}"),
])
def test_seed_reads_answer_like_their_twins(proxy: Proxy, seed_job: dict[str, Any], seed: str, twin: str) -> None:
    a, b = proxy.get(seed), proxy.api.get(twin)
    assert a.status_code == b.status_code == 200, (a.text, b.text)
    assert a.headers["Content-Type"] == b.headers["Content-Type"] == JSON_CT
    assert a.json() == b.json(), f"{seed} answers what {twin} answers"
    assert a.json(), f"{twin} is not empty after the seed job (the comparison means something)"


def test_portfolio_routes_read_that_portfolio_only(proxy: Proxy, seed_job: dict[str, Any]) -> None:
    positions = proxy.get(f"/api/status/portfolio?portfolio_id={PORTFOLIO}").json()
    assert len(positions) >= 10 and {p["portfolio_id"] for p in positions} == {PORTFOLIO}
    risk = proxy.get(f"/api/status/portfolio_risk?portfolio_id={PORTFOLIO}").json()
    assert len(risk) == 1 and risk[0]["portfolio_id"] == PORTFOLIO
    overview = {o["portfolio_id"]: o for o in proxy.get("/api/status/overview").json()}
    assert overview[PORTFOLIO]["run_id"] == seed_job["run_id"]
    assert proxy.get("/api/status/portfolio?portfolio_id=NO_SUCH_PORTFOLIO").json() == []
    assert proxy.get("/api/status/portfolio?portfolio_id=NO_SUCH&extra=1&portfolio_id=X").json() == [], \
        "the first portfolio_id counts; other parameters are not passed on"


def test_seed_routes_ignore_postgrest_parameters(proxy: Proxy, seed_job: dict[str, Any]) -> None:
    full = proxy.get(f"/api/status/portfolio?portfolio_id={PORTFOLIO}").json()
    assert proxy.get(f"/api/status/portfolio?portfolio_id={PORTFOLIO}&limit=1&select=weight").json() == full
    assert proxy.get("/api/status/overview?portfolio_id=eq.NOTHING").json() == proxy.api.get("/status_overview").json()


# ------------------------------------------------------------------ control
def test_job_is_one_object(proxy: Proxy, seed_job: dict[str, Any]) -> None:
    job_id = seed_job["job_id"]
    r = proxy.get(f"/api/control/jobs/{job_id}")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == OBJECT_CT, "PostgREST's singular media type"
    twin = proxy.api.get(f"/jobs?job_id=eq.{job_id}").json()
    assert r.json() == twin[0], "the one row of /jobs?job_id=eq.{id}, as an object"
    assert seed_job["submitted_by"] == "http-tests", "the operator's Authorization reached the API through nginx"
    runs = proxy.api.sql("select count(*) from runtime.backtest_runs where portfolio_id = %s and status = 'SUCCEEDED'", PORTFOLIO)
    assert runs[0][0] == 1


def test_unknown_job_is_406(proxy: Proxy) -> None:
    r = proxy.get("/api/control/jobs/987654321")
    assert r.status_code == 406
    assert r.headers["Content-Type"] == JSON_CT
    assert r.json() == {"code": "PGRST116", "message": "JSON object requested, multiple (or no) rows returned",
                        "details": "The result contains 0 rows", "hint": None}


def test_control_without_token_is_401(proxy: Proxy) -> None:
    before = proxy.api.sql("select (select count(*) from runtime.jobs), (select count(*) from runtime.meta_config_proposals)")
    for path, body in [("/api/control/run_backtest", SUBMIT), (f"/api/intelligence/proposals/generate/{STRATEGY}", None),
                       ("/api/intelligence/proposals/1/apply", None), ("/api/intelligence/proposals/1/reject", None)]:
        r = proxy.post(path, body)
        assert r.status_code == 401, (path, r.text)
        assert error_of(r)["code"] == "42501", "the API refused web_anon: the request reached it"
    after = proxy.api.sql("select (select count(*) from runtime.jobs), (select count(*) from runtime.meta_config_proposals)")
    assert after == before, "nothing was written"


def test_generate_apply_and_reject_as_operator(proxy: Proxy, seed_job: dict[str, Any]) -> None:
    api = proxy.api
    gen = proxy.post(f"/api/intelligence/proposals/generate/{STRATEGY}", token=api.operator)
    assert gen.status_code == 200, gen.text
    assert gen.json()["strategy_id"] == STRATEGY and isinstance(gen.json()["proposals"], list), \
        "nginx built the body {strategy_id} from the path"
    missing = proxy.post("/api/intelligence/proposals/generate/NO_SUCH_STRATEGY", token=api.operator)
    assert missing.status_code == 404 and error_of(missing)["code"] == "PT404"

    before = api.get(f"/strategy_configs?strategy_id=eq.{STRATEGY}&is_active=is.true").json()[0]
    top_k = before["config_json"]["portfolio"]["top_k"]
    ids = [row[0] for row in api.sql(
        "insert into runtime.meta_config_proposals (strategy_id, proposal_type, target_component, current_value, "
        "proposed_value, confidence_score, rationale) "
        "select %s, 'PARAMETER_CHANGE', 'portfolio.top_k', to_jsonb(%s::int), to_jsonb(%s::int), 0.5, 'proxy test' "
        "from generate_series(1, 2) returning proposal_id", STRATEGY, top_k, top_k)]
    try:
        applied = proxy.post(f"/api/intelligence/proposals/{ids[0]}/apply", token=api.operator)
        assert applied.status_code == 200, applied.text
        assert applied.json()["proposal_id"] == ids[0] and applied.json()["status"] == "APPLIED"
        active = api.get(f"/strategy_configs?strategy_id=eq.{STRATEGY}&is_active=is.true").json()
        assert len(active) == 1 and active[0]["source_proposal_id"] == ids[0]
        assert active[0]["created_by"] == "http-tests", "the operator's JWT reached the API through nginx"
        again = proxy.post(f"/api/intelligence/proposals/{ids[0]}/apply", token=api.operator)
        assert again.status_code == 409 and error_of(again)["code"] == "PT409"

        rejected = proxy.post(f"/api/intelligence/proposals/{ids[1]}/reject", token=api.operator)
        assert rejected.status_code == 200, rejected.text
        assert rejected.json() == {"proposal_id": ids[1], "status": "REJECTED"}
        state = {p["proposal_id"]: p["status"] for p in api.get(f"/meta_config_proposals?proposal_id=in.({ids[0]},{ids[1]})").json()}
        assert state == {ids[0]: "APPLIED", ids[1]: "REJECTED"}
        unknown = proxy.post("/api/intelligence/proposals/987654321/reject", token=api.operator)
        assert unknown.status_code == 404 and error_of(unknown)["code"] == "PT404"
    finally:  # the rest of the suite runs the strategy's original config
        api.sql("update runtime.strategy_configs set is_active = false where strategy_id = %s returning version", STRATEGY)
        api.sql("update runtime.strategy_configs set is_active = true where strategy_id = %s and version = %s returning version",
                STRATEGY, before["version"])


# ------------------------------------------------------------------ what is not a route
@pytest.mark.parametrize("method,path", [
    ("GET", "/api/control/jobs/1;select%201"),
    ("GET", "/api/control/jobs/1%20or%201=1"),
    ("GET", "/api/control/jobs/1%26select=pg_sleep"),
    ("GET", "/api/control/jobs/-1"),
    ("GET", "/api/control/jobs/1.5"),
    ("GET", "/api/control/jobs/1234567890123456789012"),
    ("GET", "/api/control/jobs/"),
    ("GET", "/api/intelligence/diagnostics/US%22,%22x%22:%22y"),
    ("GET", "/api/intelligence/diagnostics/US_CORE_LONG_EQ%26limit=1"),
    ("GET", "/api/intelligence/diagnostics/US_CORE_LONG_EQ%3Fstrategy_id=x"),
    ("GET", "/api/intelligence/diagnostics/a%0Ab"),
    ("GET", "/api/intelligence/diagnostics/US%2F..%2F..%2Fcontrol%2Fjobs%2F1"),
    ("GET", "/api/intelligence/diagnostics/" + "A" * 65),
    ("POST", "/api/intelligence/proposals/generate/x%22%7D,%7B%22strategy_id%22:%22y"),
    ("POST", "/api/intelligence/proposals/generate/x%5C"),
    ("POST", "/api/intelligence/proposals/generate/"),
    ("POST", "/api/intelligence/proposals/1,2/apply"),
    ("POST", "/api/intelligence/proposals/1%7D/apply"),
    ("POST", "/api/intelligence/proposals/1/delete"),
    ("POST", "/api/intelligence/proposals/1/apply/"),
    ("GET", "/api/status/overview/extra"),
    ("GET", "/api/status/"),
    ("GET", "/api/nothing"),
    ("GET", "/api/"),
    ("GET", "/api/status_overview"),
])
def test_not_a_route_is_404(proxy: Proxy, method: str, path: str) -> None:
    before = proxy.api.sql("select (select count(*) from runtime.jobs), (select count(*) from runtime.meta_config_proposals), "
                           "(select count(*) from runtime.strategy_configs)")
    status, headers, body = proxy.raw(method, path, b"{}" if method == "POST" else None)
    assert status == 404, (path, status, body)
    assert headers["content-type"] == JSON_CT
    err = json.loads(body)
    assert set(err) == {"code", "message", "details", "hint"} and err["code"] == "PGRST125", err
    after = proxy.api.sql("select (select count(*) from runtime.jobs), (select count(*) from runtime.meta_config_proposals), "
                          "(select count(*) from runtime.strategy_configs)")
    assert after == before, "nothing reached the API"


@pytest.mark.parametrize("query", [
    "", "portfolio_id=", "other=MAIN", "portfolio_id=MAIN%26select%3Dweight", "portfolio_id=x'&portfolio_id=MAIN",
    "portfolio_id=MAIN%27%20or%20%271%27=%271", "portfolio_id=" + "P" * 65, "portfolio_id=in.(MAIN,X)",
])
@pytest.mark.parametrize("route", ["/api/status/portfolio", "/api/status/portfolio_risk"])
def test_bad_portfolio_id_is_400(proxy: Proxy, route: str, query: str) -> None:
    status, headers, body = proxy.raw("GET", f"{route}?{query}")
    assert status == 400, (query, body)
    assert headers["content-type"] == JSON_CT
    assert json.loads(body)["code"] == "PGRST100"


@pytest.mark.parametrize("method,path,allow", [
    ("POST", "/api/status/overview", "GET, HEAD"),
    ("DELETE", "/api/status/portfolio?portfolio_id=MAIN", "GET, HEAD"),
    ("GET", "/api/control/run_backtest", "POST"),
    ("DELETE", "/api/control/jobs/1", "GET, HEAD"),
    ("POST", f"/api/intelligence/diagnostics/{STRATEGY}", "GET"),
    ("GET", f"/api/intelligence/proposals/generate/{STRATEGY}", "POST"),
    ("GET", "/api/intelligence/proposals/1/apply", "POST"),
])
def test_wrong_method_is_405(proxy: Proxy, method: str, path: str, allow: str) -> None:
    status, headers, body = proxy.raw(method, path, b"{}" if method != "GET" else None)
    assert status == 405, (method, path, body)
    assert headers["allow"] == allow
    assert json.loads(body)["code"] == "PGRST117"


def test_postgrest_paths_pass_through(proxy: Proxy) -> None:
    for path in ("/regime_history?order=as_of_date.desc&limit=3", "/rpc/diagnostics?strategy_id=US_CORE_LONG_EQ"):
        a, b = proxy.get(path), proxy.api.get(path)
        assert a.status_code == b.status_code == 200 and a.json() == b.json(), path
    assert proxy.get("/no_such_view").status_code == 404
    assert proxy.get("/").json()["swagger"] == "2.0"


def test_api_down_is_503_json(tmp_path: Path) -> None:
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (scripts/setup.sh installs the Debian package nginx)")
    port = _free_port()
    cmd = prepare(tmp_path, port, f"127.0.0.1:{_free_port()}")  # nothing listens there
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                r = requests.get(f"http://127.0.0.1:{port}/api/status/overview", timeout=5)
                break
            except requests.ConnectionError:
                assert proc.poll() is None and time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        assert r.status_code == 503
        assert r.headers["Content-Type"] == JSON_CT and r.json()["code"] == "PGRST001"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
