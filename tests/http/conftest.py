"""HTTP contract fixtures: the API (the gateway over the loaded test database, or a real
PostgREST when ``PGRST_URL`` is set) and job workers in their own processes.

With ``PGRST_URL`` the tests talk to that server instead of starting the gateway;
``DATABASE_URL`` must then name the database it serves (deployed and loaded) and
``PGRST_JWT_SECRET`` the secret it verifies tokens with.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from pycore.db import with_user
from pycore.dev.cluster import drop_database
from pycore.gateway.auth import make_token
from tests.conftest import _free_port, create_db, dbname_of

ROOT = Path(__file__).resolve().parents[2]
SECRET = os.environ.get("PGRST_JWT_SECRET", "test-secret-of-the-http-contract-suite-0123456789")
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")


class Api:
    """A thin client: PostgREST resources and RPCs, with or without a JWT."""

    def __init__(self, base: str, db_url: str) -> None:
        self.base = base.rstrip("/")
        self.db_url = db_url
        self.operator = make_token("operator", SECRET, sub="http-tests")
        self.session = requests.Session()
        self.proc: subprocess.Popen[bytes] | None = None  # the gateway process, when a test started it

    def get(self, path: str, token: str | None = None, **kw: Any) -> requests.Response:
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.get(self.base + path, headers=headers, timeout=30, **kw)

    def rpc(self, name: str, body: Any = None, token: str | None = None, raw: bytes | None = None,
            headers: dict[str, str] | None = None) -> requests.Response:
        h = {"Content-Type": "application/json", **(headers or {})}
        if token:
            h["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (None if body is None else __import__("json").dumps(body))
        return self.session.post(f"{self.base}/rpc/{name}", data=data, headers=h, timeout=30)

    def submit(self, token: str | None = None, **params: Any) -> int:
        r = self.rpc("run_backtest", params, token=token or self.operator)
        assert r.status_code == 200, r.text
        job_id = r.json()
        assert isinstance(job_id, int)
        return job_id

    def job(self, job_id: int) -> dict[str, Any]:
        r = self.get(f"/jobs?job_id=eq.{job_id}")
        assert r.status_code == 200, r.text
        rows = r.json()
        assert len(rows) == 1
        return dict(rows[0])

    def wait_job(self, job_id: int, until: Callable[[dict[str, Any]], bool] | None = None, timeout: float = 240.0,
                 every: float = 0.1) -> list[dict[str, Any]]:
        """Poll the job; returns every snapshot seen, the last one satisfying ``until`` (default: ended)."""
        until = until or (lambda j: j["status"] in TERMINAL)
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen.append(self.job(job_id))
            if until(seen[-1]):
                return seen
            time.sleep(every)
        raise AssertionError(f"job {job_id} did not get there in {timeout} s; last seen {seen[-1] if seen else None}")

    def sql(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.db_url, autocommit=True) as conn:
            return conn.execute(query, args).fetchall()


@pytest.fixture(scope="session")
def api_db(request: pytest.FixtureRequest) -> str:
    if os.environ.get("PGRST_URL"):
        url = os.environ.get("DATABASE_URL")
        if not url:
            pytest.skip("PGRST_URL is set but DATABASE_URL (the database it serves) is not")
        return url
    return str(request.getfixturevalue("loaded_db"))


@contextlib.contextmanager
def serve_service(module: str, args: list[str], db_url: str, log_path: Path, ready: Callable[[str], bool], what: str,
                  *, append: bool = False) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:  # fmt: skip
    """``python -m MODULE --port PORT ARGS`` over ``db_url`` (logging in as ``authenticator``, with the tests' JWT
    secret) on a free port, its output in ``log_path``: yields (its base URL, its process) once ``ready(base)`` is
    true (30 s at most); stopped by SIGTERM on exit (killed if it takes over 10 s)."""
    port = _free_port()
    env = {**os.environ, "PGRST_DB_URI": with_user(db_url, "authenticator"), "PGRST_JWT_SECRET": SECRET}
    with open(log_path, "ab" if append else "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", module, "--port", str(port), *args], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(requests.ConnectionError):
                if ready(base):
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start: " + log_path.read_text()[-2000:])
            time.sleep(0.2)
        yield base, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def serve_gateway(db_url: str, log_path: Path = ROOT / ".pytest-gateway.log", workers: int = 1) -> Iterator[Api]:
    """The gateway over ``db_url`` (logging in as ``authenticator``) on a free port with ``workers`` processes,
    stopped on exit."""
    with serve_service("pycore.gateway", ["--workers", str(workers)], db_url, log_path,
                       lambda base: Api(base, db_url).get("/").status_code == 200, "the gateway") as (base, proc):  # fmt: skip
        client = Api(base, db_url)
        client.proc = proc
        yield client


@pytest.fixture(scope="session")
def api(api_db: str) -> Iterator[Api]:
    external = os.environ.get("PGRST_URL")
    if external:
        yield Api(external, api_db)
        return
    with serve_gateway(api_db) as client:
        yield client


CONFORMANCE = Path(__file__).parent / "conformance"



def _apply(url: str, script: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute((CONFORMANCE / script).read_text())


def _wait_for_fixture(api: Api) -> None:
    deadline = time.monotonic() + 15
    while api.get("/cf_items?limit=0").status_code != 200:
        assert time.monotonic() < deadline, "the server did not see the fixture within 15 s"
        time.sleep(0.05)


@pytest.fixture(scope="session")
def conformance_api(request: pytest.FixtureRequest) -> Iterator[Api]:
    external = os.environ.get("PGRST_URL")
    if external:
        url = os.environ.get("DATABASE_URL")
        if not url:
            pytest.skip("PGRST_URL is set but DATABASE_URL (the scratch database it serves) is not")
        _apply(url, "fixture.sql")
        try:
            api = Api(external, url)
            _wait_for_fixture(api)
            yield api
        finally:
            _apply(url, "fixture_drop.sql")
        return
    server: str = request.getfixturevalue("pg_server")
    template: str = request.getfixturevalue("template_db")
    url = create_db(server, template=dbname_of(template))
    try:
        _apply(url, "fixture.sql")
        with serve_gateway(url) as api:
            _wait_for_fixture(api)
            yield api
    finally:
        drop_database(server, dbname_of(url))


class Workers:
    """Worker processes this test started (python -m pycore.worker), stopped at the end."""

    def __init__(self, db_url: str) -> None:
        self.env = {**os.environ, "PYCORE_DATABASE_URL": with_user(db_url, "pycore_writer")}
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, *extra: str, log: Path | None = None) -> subprocess.Popen[bytes]:
        """``python -m pycore.worker`` (a supervisor and its worker processes); ``log``: where its output goes."""
        args = [sys.executable, "-m", "pycore.worker", "--heartbeat", "0.5", "--stalled-after", "3", *extra]
        if log is None:
            proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            with open(log, "ab") as out:
                proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@pytest.fixture
def workers(api_db: str) -> Iterator[Workers]:
    w = Workers(api_db)
    yield w
    w.stop()


@pytest.fixture(scope="module")
def worker(api_db: str) -> Iterator[subprocess.Popen[bytes]]:
    w = Workers(api_db)
    proc = w.start()
    yield proc
    w.stop()
