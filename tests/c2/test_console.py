"""The C2 console (Godot 4): scripts compile, lint and format clean; the headless GDScript suite
passes against the real gateway over a real database with a finished backtest; every panel renders
on real data under Xvfb (software OpenGL) into a non-blank PNG."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.http.conftest import Api

ROOT = Path(__file__).resolve().parents[2]
C2 = ROOT / "c2"
GODOT = C2 / ".tools" / "godot" / "bin" / "godot"
SCREENS = ROOT / "out" / "c2-screenshots"
PANELS = 8


def godot(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    if not GODOT.exists():
        pytest.fail("Godot is not installed: scripts/setup.sh installs it (c2/tools/install-godot.sh)")
    return subprocess.run([str(GODOT), *args], cwd=C2, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, check=False)


@pytest.fixture(scope="module")
def imported() -> None:
    """The project's class cache (class_name registry), as the editor builds it."""
    res = godot("--headless", "--path", ".", "--import", timeout=180)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]


@pytest.fixture(scope="module")
def console_env(api: Api, worker: subprocess.Popen[bytes]) -> dict[str, str]:
    """A finished backtest of the strategy's own portfolio, and the API the console talks to."""
    job = api.submit(strategy_id="US_CORE_LONG_EQ", start_date="2023-01-01", end_date="2023-06-30", market_ids=["US_EQ"])
    assert api.wait_job(job)[-1]["status"] == "SUCCEEDED"
    return {"PROMETHEUS_API_URL": api.base, "PROMETHEUS_API_TOKEN": api.operator}


def scripts() -> list[str]:
    return sorted(str(p.relative_to(C2)) for p in C2.rglob("*.gd") if ".tools" not in p.parts and ".godot" not in p.parts)


def test_every_script_passes_check_only(imported: None) -> None:
    assert len(scripts()) >= 20
    bad = {}
    for script in scripts():
        res = godot("--headless", "--path", ".", "--check-only", "-s", "res://" + script, timeout=60)
        if res.returncode != 0 or "SCRIPT ERROR" in res.stdout + res.stderr:
            bad[script] = (res.stdout + res.stderr)[-600:]
    assert not bad, bad


def test_gdlint_and_gdformat() -> None:
    bin_dir = Path(shutil.which("gdlint") or ROOT / ".venv" / "bin" / "gdlint").parent
    lint = subprocess.run([str(bin_dir / "gdlint"), "src", "tests"], cwd=C2, capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run([str(bin_dir / "gdformat"), "--check", "-l", "120", "src", "tests"], cwd=C2,
                         capture_output=True, text=True, check=False)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_headless_suite_unit_and_integration(imported: None, console_env: dict[str, str]) -> None:
    res = godot("--headless", "--path", ".", "-s", "tests/run.gd", env=console_env, timeout=600)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-4000:]
    summary = [line for line in out.splitlines() if line.endswith("skipped") and " passed, " in line]
    assert summary, out[-2000:]
    passed, failed, skipped = (int(x.split()[0]) for x in summary[-1].split(", "))
    assert failed == 0 and skipped == 0 and passed >= 20, summary[-1]
    assert "ok   test_api_integration.gd::test_terminal_runs_a_backtest_to_success" in out
    assert "ok   test_api_integration.gd::test_error_paths_401_404_and_server_down" in out


def test_headless_runner_counts_runtime_errors_as_failures(imported: None, tmp_path: Path) -> None:
    broken = C2 / "tests" / "test_zz_runner_selfcheck.gd"
    broken.write_text('extends TestCase\n\n\nfunc test_runtime_error() -> void:\n\tvar d := {}\n\tvar x: int = d["missing"]\n'
                      '\tassert_true(x == 0 or true, "reached")\n')
    try:
        res = godot("--headless", "--path", ".", "-s", "tests/run.gd", env={"TEST_FILTER": "test_runtime_error"}, timeout=120)
    finally:
        broken.unlink()
    assert res.returncode != 0
    assert "FAIL test_zz_runner_selfcheck.gd::test_runtime_error" in res.stdout
    assert "0 passed, 1 failed" in res.stdout


def test_every_panel_renders_on_real_data(imported: None, console_env: dict[str, str]) -> None:
    if shutil.which("xvfb-run") is None:
        pytest.fail("xvfb-run is missing: scripts/setup.sh installs it with Godot")
    shutil.rmtree(SCREENS, ignore_errors=True)
    SCREENS.mkdir(parents=True)
    res = subprocess.run(
        ["timeout", "300", "xvfb-run", "-a", "-s", "-screen 0 1440x900x24", str(GODOT), "--path", ".",
         "--rendering-driver", "opengl3", "--display-driver", "x11", "--audio-driver", "Dummy", "-s", "tests/screenshots.gd"],
        cwd=C2, capture_output=True, text=True, env={**os.environ, **console_env, "SCREENSHOT_DIR": str(SCREENS)}, check=False)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-4000:]
    assert f"{PANELS} panels, 0 failed" in out
    pngs = sorted(SCREENS.glob("*.png"))
    assert len(pngs) == PANELS
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000, png
