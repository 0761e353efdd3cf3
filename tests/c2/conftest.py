"""The console's tests: Godot itself, the project's class cache, and the API the console talks to
(the HTTP suite's gateway over the loaded test database with a worker, or a gateway over an empty
copy of the deployed template database)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pycore.dev import cluster as devdb
from tests.conftest import create_db, dbname_of
from tests.conftest import _free_port
from tests.http.conftest import Api, api, api_db, serve_gateway, worker  # noqa: F401  (pytest fixtures)
from tests.http.events_support import Events, serve_events

ROOT = Path(__file__).resolve().parents[2]
C2 = ROOT / "c2"
GODOT = C2 / ".tools" / "godot" / "bin" / "godot"
PANELS = 8


def godot(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    if not GODOT.exists():
        pytest.fail("Godot is not installed: scripts/setup.sh installs it (c2/tools/install-godot.sh)")
    return subprocess.run([str(GODOT), *args], cwd=C2, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, check=False)


def suite_summary(out: str) -> tuple[int, int, int]:
    """(passed, failed, skipped) from the headless runner's last line."""
    summary = [line for line in out.splitlines() if line.endswith("skipped") and " passed, " in line]
    assert summary, out[-2000:]
    passed, failed, skipped = (int(x.split()[0]) for x in summary[-1].split(", "))
    return passed, failed, skipped


def render_panels(env: dict[str, str], out_dir: Path) -> str:
    """Renders every panel under Xvfb (software OpenGL) into out_dir with tests/screenshots.gd; returns its output
    after checking it passed, wrote one PNG per panel, none blank or tiny, and logged no script error."""
    if shutil.which("xvfb-run") is None:
        pytest.fail("xvfb-run is missing: scripts/setup.sh installs it with Godot")
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    res = subprocess.run(
        ["timeout", "300", "xvfb-run", "-a", "-s", "-screen 0 1440x900x24", str(GODOT), "--path", ".",
         "--rendering-driver", "opengl3", "--display-driver", "x11", "--audio-driver", "Dummy", "-s", "tests/screenshots.gd"],
        cwd=C2, capture_output=True, text=True, env={**os.environ, **env, "SCREENSHOT_DIR": str(out_dir)}, check=False)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-4000:]
    assert f"{PANELS} panels, 0 failed" in out
    assert "SCRIPT ERROR" not in out, out[-4000:]
    pngs = sorted(out_dir.glob("*.png"))
    assert len(pngs) == PANELS
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000, png
    return out


@pytest.fixture(scope="session")
def imported() -> None:
    """The project's class cache (class_name registry), as the editor builds it."""
    res = godot("--headless", "--path", ".", "--import", timeout=180)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]


@pytest.fixture(scope="module")
def empty_db(pg_server: str, template_db: str) -> Iterator[str]:
    """A copy of the deployed template: the schema and its reference rows, no market data, no runs, no jobs."""
    url = create_db(pg_server, template=dbname_of(template_db))
    with psycopg.connect(url) as conn:
        for schema, table in (("hist", "prices_daily"), ("runtime", "regimes"), ("runtime", "backtest_runs"),
                              ("runtime", "jobs")):
            count = conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(schema, table))).fetchone()
            assert count == (0,), f"{schema}.{table} is not empty"
    yield url
    devdb.drop_database(pg_server, dbname_of(url))


@pytest.fixture(scope="module")
def empty_api(empty_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The gateway over the empty database (logging in as authenticator)."""
    with serve_gateway(empty_db, tmp_path_factory.mktemp("gateway-empty") / "gateway.log") as client:
        yield client


@pytest.fixture(scope="module")
def events(api_db: str) -> Iterator[Events]:
    """The push service over the HTTP suite's database, as the main job runs it beside the API."""
    with serve_events(api_db) as ev:
        yield ev


def events_ws(events: Events) -> str:
    """The console's PROMETHEUS_EVENTS_URL for a push service the tests started."""
    return events.base.replace("http://", "ws://") + "/ws"


def unreachable_events_url() -> str:
    """A push-service URL where nothing listens (a free loopback port): the console must fall back to polling."""
    return f"ws://127.0.0.1:{_free_port()}/ws"
