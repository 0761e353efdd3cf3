"""PostgREST 12 conformance, case by case (tests/http/conformance/cases.yaml over the fixture in fixture.sql).

Against the gateway, the fixture is created in a scratch database of its own. With ``PGRST_URL`` the cases run
against that real PostgREST instead: ``DATABASE_URL`` must name the (scratch) database it serves, deployed; the
fixture is created there for the session and dropped after it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import yaml

from tests.http.conftest import CONFORMANCE as HERE
from tests.http.conftest import Api

CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "cases.yaml").read_text())


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
