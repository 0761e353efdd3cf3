"""The console live: the headless suite of c2/tests/live against the gateway, a worker and the push service — a job
driven from the terminal is followed by its events alone (polling set to an hour) and the equity chart grows; a watch
whose push service goes away falls back to polling."""

from __future__ import annotations

import subprocess

from tests.c2.conftest import events_ws, godot, suite_summary
from tests.http.conftest import Api
from tests.http.events_support import Events


def test_the_console_follows_a_job_live(imported: None, api: Api, worker: subprocess.Popen[bytes],
                                        events: Events) -> None:
    env = {"PROMETHEUS_API_URL": api.base, "PROMETHEUS_API_TOKEN": api.operator,
           "PROMETHEUS_EVENTS_URL": events_ws(events),
           "PROMETHEUS_REFRESH_SECONDS": "3600", "TEST_DIR": "res://tests/live"}
    res = godot("--headless", "--path", ".", "-s", "tests/run.gd", env=env, timeout=600)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-4000:]
    passed, failed, skipped = suite_summary(out)
    assert (passed, failed, skipped) == (2, 0, 0), out[-2000:]
