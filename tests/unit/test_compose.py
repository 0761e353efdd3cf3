"""docker-compose.yml (the production stack) agrees with the project's roles, schemas and scripts.

There is no Docker engine here, so the file is checked, not run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def env(service: dict[str, Any]) -> dict[str, str]:
    e = service.get("environment", {})
    return dict(e) if isinstance(e, dict) else dict(x.split("=", 1) for x in e)


def roles_created() -> set[str]:
    return set(re.findall(r"create role (\w+)", (ROOT / "db/schema/roles.sql").read_text()))


def test_services(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"db", "migrate", "postgrest", "worker"}, \
        "postgres, the deploy step, PostgREST and the job workers; no gateway in production"


def test_worker_runs_the_job_queue_as_pycore_writer(compose: dict[str, Any]) -> None:
    w = compose["services"]["worker"]
    assert w["command"][:3] == ["python", "-m", "pycore.worker"]
    assert re.match(r"postgres(ql)?://pycore_writer:", env(w)["PYCORE_DATABASE_URL"]), "workers connect as pycore_writer"
    assert w["stop_signal"] == "SIGTERM", "workers shut down gracefully"
    assert w["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_images_are_pinned(compose: dict[str, Any]) -> None:
    s = compose["services"]
    assert re.fullmatch(r"postgrest/postgrest:v\d+\.\d+\.\d+", s["postgrest"]["image"]), s["postgrest"]["image"]
    assert re.fullmatch(r"postgres:15\.\d+(-\w+)?", s["db"]["image"]), "PostgreSQL 15, pinned to a minor version"


def test_postgrest_settings_match_the_database(compose: dict[str, Any]) -> None:
    e = env(compose["services"]["postgrest"])
    assert e["PGRST_DB_SCHEMAS"] == "api"
    assert e["PGRST_DB_ANON_ROLE"] == "web_anon"
    assert e["PGRST_JWT_SECRET"].startswith("${"), "the JWT secret comes from the environment, never a literal"
    assert re.match(r"postgres(ql)?://authenticator:", e["PGRST_DB_URI"]), "PostgREST logs in as authenticator"
    assert {"authenticator", "web_anon"} <= roles_created()
    assert "create schema api" in (ROOT / "db/schema/schema_api.sql").read_text()


def test_migrate_deploys_and_loads(compose: dict[str, Any]) -> None:
    m = compose["services"]["migrate"]
    script = (ROOT / m["command"][0]).read_text()
    assert "pycore.deploy" in script and "pycore.load" in script
    assert "alter role authenticator password" in script and "alter role pycore_writer password" in script
    assert "sqitch" in (ROOT / "Dockerfile").read_text() and "libdbd-pg-perl" in (ROOT / "Dockerfile").read_text()
    assert m["depends_on"]["db"]["condition"] == "service_healthy"


def test_dependencies_name_existing_services(compose: dict[str, Any]) -> None:
    services = set(compose["services"])
    for name, svc in compose["services"].items():
        for dep in svc.get("depends_on", {}):
            assert dep in services, f"{name} depends on unknown service {dep}"
    assert compose["services"]["postgrest"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_secrets_are_not_literals(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        for key, value in env(svc).items():
            if "PASSWORD" in key or "SECRET" in key:
                assert str(value).startswith("${"), f"{name}.{key} must come from the environment"
