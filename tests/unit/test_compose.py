"""docker-compose.yml (the production stack) agrees with the project's roles, schemas and scripts.

There is no Docker engine here, so the file is checked, not run.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from pycore.dev.proxy import nginx_binary, render_conf, routes_file

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
    assert set(compose["services"]) == {"db", "migrate", "postgrest", "nginx", "worker", "events"}, \
        ("postgres, the deploy step, PostgREST, nginx in front of it, the job workers and the push service of live "
         "updates; no gateway in production")


def test_the_push_service_logs_in_and_signs_as_postgrest_does(compose: dict[str, Any]) -> None:
    ev, pg = compose["services"]["events"], compose["services"]["postgrest"]
    assert ev["command"][:3] == ["python", "-m", "pycore.events"]
    port = ev["command"][ev["command"].index("--port") + 1]
    assert ev["command"][ev["command"].index("--host") + 1] == "0.0.0.0", "reachable from outside its container"
    assert f"{port}:{port}" in ev["ports"]
    e = env(ev)
    assert re.match(r"postgres(ql)?://authenticator:", e["PGRST_DB_URI"]), "it logs in as authenticator, as PostgREST"
    assert e["PGRST_JWT_SECRET"] == env(pg)["PGRST_JWT_SECRET"], "the same JWT secret as the API"
    assert ev["depends_on"]["migrate"]["condition"] == "service_completed_successfully", "it LISTENs once deployed"


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
    assert re.fullmatch(r"nginx:1\.2\d\.\d+(-\w+)?", s["nginx"]["image"]), "nginx 1.2x, pinned to a patch release"


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


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """container path -> host path (relative to the project) of the service's bind mounts."""
    out = {}
    for v in service.get("volumes", []):
        host, target, *_ = v.split(":")
        if host.startswith("./"):
            out[target] = host[2:]
    return out


def test_nginx_serves_the_seed_routes_in_front_of_postgrest(compose: dict[str, Any]) -> None:
    n = compose["services"]["nginx"]
    assert "8000:8000" in n["ports"], "the seed's URLs are on port 8000"
    assert "postgrest" in n["depends_on"]
    m = mounts(n)
    assert m.get("/etc/nginx/conf.d/default.conf") == "docker/nginx/compose.conf", "replaces the image's default server"
    routes_target = next(t for t, h in m.items() if h == "docker/nginx/routes.conf")
    conf = (ROOT / "docker/nginx/compose.conf").read_text()
    assert f"include {routes_target};" in conf, "the compose server includes the mounted route table"
    assert re.search(r"upstream prometheus_api \{\s*server postgrest:3000;", conf), "upstream = the postgrest service"
    assert "3000:3000" in compose["services"]["postgrest"]["ports"], "the PostgREST paths keep working on 3000"
    assert re.search(r"listen 8000;", conf)


def test_development_uses_the_same_route_table() -> None:
    assert routes_file() == ROOT / "docker/nginx/routes.conf"
    dev = render_conf(ROOT, 8000, "127.0.0.1:3000")
    assert f"include {ROOT / 'docker/nginx/routes.conf'};" in dev
    assert re.search(r"upstream prometheus_api \{\s*server 127\.0\.0\.1:3000;", dev)
    routes = (ROOT / "docker/nginx/routes.conf").read_text()
    assert "upstream" not in re.sub(r"#.*", "", routes) and "listen" not in re.sub(r"#.*", "", routes), \
        "the route table names no host or port: each environment defines the upstream and the listener"
    for route in ("= /api/status/overview", "= /api/status/portfolio", "= /api/status/portfolio_risk",
                  "= /api/control/run_backtest", "/api/control/jobs/", "/api/intelligence/diagnostics/",
                  "/api/intelligence/proposals/generate/", "apply|reject", "location /api/ {"):
        assert route in routes, route


def test_compose_nginx_config_is_valid(tmp_path: Path) -> None:
    """nginx -t on the compose configuration as the image would load it (the service name resolved to loopback)."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (scripts/setup.sh installs the Debian package nginx)")
    server = (ROOT / "docker/nginx/compose.conf").read_text().replace("postgrest:3000", "127.0.0.1:3000").replace(
        "/etc/nginx/prometheus/routes.conf", str(ROOT / "docker/nginx/routes.conf"))
    temps = "".join(f" {t}_temp_path {tmp_path}/{t};\n" for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
                    f"http {{\n access_log off;\n{temps}{server}\n}}\n")
    proc = subprocess.run([binary, "-t", "-q", "-p", f"{tmp_path}/", "-c", str(main), "-e", str(tmp_path / "error.log")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
