"""The C2 console over an EMPTY database (schema deployed; no market data, no runs, no jobs): the
headless GDScript suite of c2/tests/empty_database loads every panel through the real gateway and
checks each shows its "No data yet" state (by label text and node visibility, never zeros, dashes
or an empty chart), with no GDScript runtime error; every panel also renders that state under Xvfb
into a non-blank PNG."""

from __future__ import annotations

import pytest

from tests.c2.conftest import ROOT, godot, render_panels, suite_summary, unreachable_events_url
from tests.http.conftest import Api

SCREENS = ROOT / "out" / "c2-screenshots-empty"
EMPTY_SUITE = "res://tests/empty_database"


@pytest.fixture(scope="module")
def empty_env(empty_api: Api) -> dict[str, str]:
    """The gateway over the empty database; the push service unreachable, so the panels poll as they fall back to."""
    return {"PROMETHEUS_API_URL": empty_api.base, "PROMETHEUS_API_TOKEN": empty_api.operator,
            "PROMETHEUS_EVENTS_URL": unreachable_events_url()}


def test_every_panel_shows_no_data_on_an_empty_database(imported: None, empty_env: dict[str, str]) -> None:
    res = godot("--headless", "--path", ".", "-s", "tests/run.gd", env={**empty_env, "TEST_DIR": EMPTY_SUITE}, timeout=300)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-4000:]
    passed, failed, skipped = suite_summary(out)
    assert (passed, failed, skipped) == (3, 0, 0), out[-2000:]
    for test in ("test_every_read_model_answers_with_nothing", "test_every_panel_shows_no_data",
                 "test_an_unreachable_api_shows_no_values_either"):
        assert f"ok   test_empty_database.gd::{test}" in out, out[-2000:]
    assert "SCRIPT ERROR" not in out, out[-4000:]


def test_every_panel_renders_its_empty_state(imported: None, empty_env: dict[str, str]) -> None:
    out = render_panels({**empty_env, "SCREENSHOT_EXPECT": "empty"}, SCREENS)
    assert out.count("ok   ") == 8, out[-2000:]
