"""The seed's "Testing the Flow", over HTTP: submit a backtest as operator, watch the job
reach SUCCEEDED with progress rising, then read overview, portfolio, risk and diagnostics;
then give the meta layer evidence, generate proposals and apply one."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from tests.http.conftest import Api

PORTFOLIO = "HTTP_FLOW"


@pytest.fixture(scope="module")
def finished_job(api: Api, worker: subprocess.Popen[bytes]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    job_id = api.submit(strategy_id="US_CORE_LONG_EQ", start_date="2023-01-01", end_date="2024-01-01",
                        market_ids=["US_EQ"], portfolio_id=PORTFOLIO)
    seen = api.wait_job(job_id)
    return seen[-1], seen


def test_job_runs_to_success_with_progress_rising(finished_job: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    job, seen = finished_job
    assert job["status"] == "SUCCEEDED", job
    assert job["run_id"] and job["progress_pct"] == 100 and job["error"] is None
    assert job["started_at"] and job["finished_at"] and job["duration_seconds"] > 0
    assert job["submitted_by"] == "http-tests", "the JWT subject is recorded"
    progress = [s["progress_pct"] for s in seen]
    assert progress == sorted(progress), "progress never goes back"
    assert len({p for p in progress if 0 < p < 100}) >= 2, f"progress rises through intermediate values: {progress}"
    dates = [s["progress_date"] for s in seen if s["progress_date"]]
    assert dates == sorted(dates) and dates[-1] >= "2023-12-01"


def test_overview_portfolio_and_risk_of_the_run(api: Api, finished_job: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    job, _ = finished_job
    overview = api.get(f"/status_overview?portfolio_id=eq.{PORTFOLIO}").json()
    assert len(overview) == 1
    o = overview[0]
    assert o["run_id"] == job["run_id"] and o["as_of_date"] == "2023-12-29"
    assert o["equity"] > 0 and o["pnl_since_inception"] != 0 and o["regime"]
    assert 0 <= o["global_stability"] <= 1 and 0 < o["gross_exposure"] <= 1.01
    positions = api.get(f"/status_portfolio?portfolio_id=eq.{PORTFOLIO}&order=weight.desc").json()
    assert len(positions) >= 20
    assert all(p["quantity"] > 0 and p["market_value"] > 0 and p["sector"] for p in positions)
    assert abs(sum(p["weight"] for p in positions) - o["gross_exposure"]) < 0.02
    assert any(p["target_weight"] is not None for p in positions)
    risk = api.get(f"/status_portfolio_risk?portfolio_id=eq.{PORTFOLIO}").json()
    assert len(risk) == 1
    r = risk[0]
    assert r["var_95"] < 0 and r["es_95"] <= r["var_95"] and r["volatility"] > 0
    assert r["scenario_pnl"] and r["exposures_by_sector"]
    curve = api.get(f"/equity_curve?run_id=eq.{job['run_id']}", headers={"Prefer": "count=exact"})
    assert curve.headers["Content-Range"].endswith("/250")


def test_diagnostics_generate_and_apply(api: Api, finished_job: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    # evidence: a small campaign over HTTP (a bear year and a bull year, two configs)
    jobs = [api.submit(strategy_id="US_CORE_LONG_EQ", start_date=start, end_date=end, market_ids=["US_EQ"],
                       portfolio_id=f"HTTP_FLOW.{name}", config_overrides=overrides)
            for start, end in (("2022-01-01", "2022-12-31"), ("2021-01-01", "2021-12-31"))
            for name, overrides in (("base", {}), ("top20", {"portfolio": {"top_k": 20}}))]
    for job_id in jobs:
        assert api.wait_job(job_id)[-1]["status"] == "SUCCEEDED"
    diag = api.rpc("diagnostics", {"strategy_id": "US_CORE_LONG_EQ"})
    assert diag.status_code == 200
    d = diag.json()
    assert d["enough_evidence"] is True and d["runs"] >= 5
    assert {"regime", "days", "sharpe_ratio", "annual_return", "hit_rate", "flagged"} <= set(d["by_regime"][0])
    assert len(d["by_config"]) >= 2, "runs are grouped by config"
    assert any(r["flagged"] for r in d["by_regime"]), "2022's bear market is where the long-only sleeve loses"

    gen = api.rpc("generate_proposals", {"strategy_id": "US_CORE_LONG_EQ"}, token=api.operator)
    assert gen.status_code == 200, gen.text
    open_ = api.get("/meta_config_proposals?strategy_id=eq.US_CORE_LONG_EQ&status=eq.PROPOSED&order=confidence_score.desc").json()
    assert open_, "the evidence yields at least one proposal"
    p = open_[0]
    assert p["target_component"] and p["proposed_value"] is not None and 0 <= p["confidence_score"] <= 1 and p["rationale"]

    before = api.get("/strategy_configs?strategy_id=eq.US_CORE_LONG_EQ&is_active=is.true").json()[0]
    try:
        check_apply(api, p, before)
    finally:  # the rest of the suite runs the strategy's original config
        api.sql("update runtime.strategy_configs set is_active = false where strategy_id = 'US_CORE_LONG_EQ' returning version")
        api.sql("update runtime.strategy_configs set is_active = true where strategy_id = 'US_CORE_LONG_EQ' and version = %s "
                "returning version", before["version"])


def check_apply(api: Api, p: dict[str, Any], before: dict[str, Any]) -> None:
    assert api.rpc("apply_proposal", {"proposal_id": p["proposal_id"]}).status_code == 401, "web_anon may not apply"
    # the next version of the strategy's config: one more than the newest stored (another test may have applied one)
    newest = api.get("/strategy_configs?strategy_id=eq.US_CORE_LONG_EQ&select=version&order=version.desc&limit=1").json()
    applied = api.rpc("apply_proposal", {"proposal_id": p["proposal_id"]}, token=api.operator)
    assert applied.status_code == 200, applied.text
    after = api.get("/strategy_configs?strategy_id=eq.US_CORE_LONG_EQ&is_active=is.true").json()
    assert len(after) == 1 and after[0]["version"] == newest[0]["version"] + 1 > before["version"]
    assert after[0]["source_proposal_id"] == p["proposal_id"]
    state = api.get(f"/meta_config_proposals?proposal_id=eq.{p['proposal_id']}").json()[0]
    assert state["status"] == "APPLIED"
    again = api.rpc("apply_proposal", {"proposal_id": p["proposal_id"]}, token=api.operator)
    assert again.status_code == 409 and again.json()["code"] == "PT409"
