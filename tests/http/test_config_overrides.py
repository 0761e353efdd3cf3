"""Config overrides are checked when a backtest is submitted over HTTP, by the rules the core applies: a bad one is
400 (22023) naming the field and queues nothing; a good one still gives a job that runs with it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.http.conftest import Api, Workers

WINDOW: dict[str, Any] = {"strategy_id": "US_CORE_LONG_EQ", "start_date": "2022-03-01", "end_date": "2022-04-29", "market_ids": ["US_EQ"]}


def _counts(api: Api) -> tuple[int, int]:
    row = api.sql("select (select count(*) from runtime.jobs), (select count(*) from public.procrastinate_jobs)")[0]
    return int(row[0]), int(row[1])


@pytest.mark.parametrize(("overrides", "field", "reason"), [
    ({"portfolio": {"top_k": -5}}, "portfolio.top_k", "must be >= 1"),
    ({"portfolio": {"top_kk": 5}}, "portfolio.top_kk", "is not a known field"),
    ({"assessment": {"momentum_lookback_days": 40, "momentum_skip_days": 40}}, "assessment.momentum_skip_days", "must be less than"),
    ({"portfolio": {"regime_scaling": {"CRISIS": 2}}}, "portfolio.regime_scaling.CRISIS", "must be <= 1"),
    ({"execution": {"commission": {"type": "flat"}}}, "execution.commission.type", "must be one of per_share, bps"),
    ({"portfolio": {"top_k": "10"}}, "portfolio.top_k", "must be an integer"),
])
def test_a_bad_override_is_400_naming_the_field_and_queues_nothing(api: Api, overrides: dict[str, Any], field: str, reason: str) -> None:
    before = _counts(api)
    r = api.rpc("run_backtest", {**WINDOW, "config_overrides": overrides}, token=api.operator)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] == "22023"
    assert body["message"].startswith(f"invalid strategy config: {field}: {reason}"), body["message"]
    assert _counts(api) == before, "no job in runtime.jobs nor in procrastinate_jobs"
    assert api.sql("select count(*) from runtime.jobs where params -> 'config_overrides' = %s::jsonb",
                   json.dumps(overrides))[0][0] == 0


def test_a_good_override_gives_a_job_that_runs_with_it(api: Api, workers: Workers) -> None:
    before = _counts(api)
    overrides = {"portfolio": {"top_k": 13, "max_weight": 1, "regime_scaling": {"CRISIS": 0.4}}}
    job_id = api.submit(**WINDOW, config_overrides=overrides)
    assert _counts(api) == (before[0] + 1, before[1] + 1)
    workers.start()
    job = api.wait_job(job_id)[-1]
    assert job["status"] == "SUCCEEDED", job
    config = api.sql("select config_json from runtime.backtest_runs where run_id = %s", job["run_id"])[0][0]
    assert config["portfolio"]["top_k"] == 13 and config["portfolio"]["max_weight"] == 1.0
    assert config["portfolio"]["regime_scaling"] == {"CRISIS": 0.4}
