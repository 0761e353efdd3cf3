"""PostgREST 12 conformance, case by case (tests/http/conformance/cases.yaml over the fixture in fixture.sql).

Against the gateway, the fixture is created in a scratch database of its own. With ``PGRST_URL`` the cases run
against that real PostgREST instead: ``DATABASE_URL`` must name the (scratch) database it serves, deployed; the
fixture is created there for the module and dropped after it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
import yaml

from tests.conftest import create_db, dbname_of
from tests.http.conftest import Api, serve_gateway

HERE = Path(__file__).parent / "conformance"
CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "cases.yaml").read_text())


def _apply(url: str, script: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute((HERE / script).read_text())


def _wait_for_fixture(api: Api) -> None:
    deadline = time.monotonic() + 15
    while api.get("/cf_items?limit=0").status_code != 200:
        assert time.monotonic() < deadline, "the server did not see the fixture within 15 s"
        time.sleep(0.05)


@pytest.fixture(scope="module")
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
        from pycore.dev import cluster as devdb

        devdb.drop_database(server, dbname_of(url))


def send(api: Api, case: dict[str, Any]) -> requests.Response:
    headers = {str(k): str(v) for k, v in (case.get("headers") or {}).items()}
    data: bytes | None = None
    if "json" in case:
        data = json.dumps(case["json"]).encode()
        headers.setdefault("Content-Type", "application/json")
    elif "raw" in case:
        data = str(case["raw"]).encode()
        headers.setdefault("Content-Type", "application/json")
    return api.session.request(case.get("method", "GET"), api.base + case["path"], data=data, headers=headers,
                               timeout=30)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(conformance_api: Api, case: dict[str, Any]) -> None:
    r = send(conformance_api, case)
    assert r.status_code == case["status"], (r.status_code, r.text)
    for name, value in (case.get("headers_out") or {}).items():
        assert r.headers.get(name) == str(value), (name, r.headers.get(name), dict(r.headers))
    for name in case.get("absent") or []:
        assert name not in r.headers, (name, r.headers.get(name))
    if case.get("empty"):
        assert r.content == b""
    if "text" in case:
        assert r.text == case["text"]
    if "body" in case:
        assert r.json() == case["body"], r.text
    if "body_subset" in case:
        body = r.json()
        assert set(body) == {"code", "message", "details", "hint"}, body
        assert {k: body[k] for k in case["body_subset"]} == case["body_subset"], body


def test_every_case_has_a_unique_name() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names))
