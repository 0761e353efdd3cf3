"""The C2 console (Godot 4): scripts compile, lint and format clean; the headless GDScript suite
passes against the real gateway over a real database with a finished backtest; every panel renders
on real data under Xvfb (software OpenGL) into a non-blank PNG."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.c2.conftest import C2, ROOT, events_ws, godot, render_panels, suite_summary
from tests.http.conftest import Api
from tests.http.events_support import Events

SCREENS = ROOT / "out" / "c2-screenshots"


@pytest.fixture(scope="module")
def console_env(api: Api, worker: subprocess.Popen[bytes], events: Events) -> dict[str, str]:
    """A finished backtest booked into the seed's portfolio MAIN (the console's default), the API, and the push
    service: the console runs live, as beside the main job (tests/c2/test_console_empty.py covers it unreachable)."""
    job = api.submit(strategy_id="US_CORE_LONG_EQ", start_date="2023-01-01", end_date="2023-06-30", market_ids=["US_EQ"],
                     portfolio_id="MAIN")
    assert api.wait_job(job)[-1]["status"] == "SUCCEEDED"
    return {"PROMETHEUS_API_URL": api.base, "PROMETHEUS_API_TOKEN": api.operator, "PROMETHEUS_EVENTS_URL": events_ws(events)}


def scripts() -> list[str]:
    return sorted(str(p.relative_to(C2)) for p in C2.rglob("*.gd") if ".tools" not in p.parts and ".godot" not in p.parts)


def test_every_script_passes_check_only(imported: None) -> None:
    assert len(scripts()) >= 20
    assert "tests/empty_database/test_empty_database.gd" in scripts()
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
    passed, failed, skipped = suite_summary(out)
    assert failed == 0 and skipped == 0 and passed >= 20, out[-2000:]
    assert "ok   test_api_integration.gd::test_terminal_runs_a_backtest_to_success" in out
    assert "ok   test_api_integration.gd::test_error_paths_401_404_and_server_down" in out
    assert "ok   test_api_integration.gd::test_every_panel_loads_real_data" in out
    assert "ok   test_api_integration.gd::test_strategies_in_the_terminal_and_the_backtests_picker" in out


def test_the_empty_database_suite_fails_on_real_data(imported: None, console_env: dict[str, str]) -> None:
    """The empty-database suite (tests/c2/test_console_empty.py) is not vacuous: on data, its panel checks fail."""
    res = godot("--headless", "--path", ".", "-s", "tests/run.gd",
                env={**console_env, "TEST_DIR": "res://tests/empty_database", "TEST_FILTER": "test_every_panel"}, timeout=300)
    out = res.stdout + res.stderr
    assert res.returncode != 0, out[-2000:]
    assert "FAIL test_empty_database.gd::test_every_panel_shows_no_data" in out
    assert "Overview has no data" in out and "Backtests shows its empty state" in out, out[-3000:]


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
    render_panels(console_env, SCREENS)
