"""Faults: a worker killed mid-run, a cancel mid-run, two workers sharing ten jobs."""

from __future__ import annotations

import signal
import time
from typing import Any

from tests.http.conftest import Api, Workers

RUN_TABLES = ("orders", "fills", "positions_snapshots", "executed_actions", "backtest_trades", "backtest_daily_equity",
              "target_portfolios", "engine_decisions", "portfolio_risk_reports", "decision_outcomes")
LONG = {"strategy_id": "US_CORE_LONG_EQ", "start_date": "2006-01-01", "end_date": "2020-12-31", "market_ids": ["US_EQ"]}


def rows_of(api: Api, run_id: Any) -> dict[str, int]:
    return {t: api.sql(f"select count(*) from runtime.{t} where run_id = %s", run_id)[0][0] for t in RUN_TABLES}


def wait_registered(api: Api, n: int, timeout: float = 30.0) -> None:
    """Until n workers heart-beat in procrastinate's registry."""
    deadline = time.monotonic() + timeout
    while api.sql("select count(*) from public.procrastinate_workers where last_heartbeat > now() - interval '2 seconds'")[0][0] < n:
        assert time.monotonic() < deadline, f"{n} workers did not register"
        time.sleep(0.2)


def test_killed_worker_job_is_retried_with_one_set_of_rows(api: Api, workers: Workers) -> None:
    first = workers.start()
    job_id = api.submit(**LONG, portfolio_id="FAULT_KILL")
    seen = api.wait_job(job_id, until=lambda j: j["status"] == "RUNNING" and j["progress_pct"] >= 40, every=0.05)
    killed_run = seen[-1]["run_id"]
    assert killed_run and sum(rows_of(api, killed_run).values()) > 0, "the run had written rows when its worker died"
    first.send_signal(signal.SIGKILL)
    first.wait()
    workers.start()  # another worker notices the dead one (no heartbeat) and retries its job
    job = api.wait_job(job_id, timeout=300)[-1]
    assert job["status"] == "SUCCEEDED", job
    assert job["attempts"] == 2
    assert job["run_id"] != killed_run
    assert sum(rows_of(api, killed_run).values()) == 0, "the dead attempt's rows were removed"
    final = rows_of(api, job["run_id"])
    assert all(n > 0 for t, n in final.items() if t != "decision_outcomes"), final
    runs = api.sql("select status, count(*) from runtime.backtest_runs where portfolio_id = 'FAULT_KILL' group by 1 order by 1")
    assert runs == [("FAILED", 1), ("SUCCEEDED", 1)], "one stored run; the dead attempt is marked FAILED with no rows"
    days = api.sql("select count(*), count(distinct date) from runtime.backtest_daily_equity e "
                   "join runtime.backtest_runs b using (run_id) where b.portfolio_id = 'FAULT_KILL'")[0]
    assert days[0] == days[1], "no day is stored twice"


def test_cancel_mid_run(api: Api, workers: Workers) -> None:
    workers.start()
    job_id = api.submit(**LONG, portfolio_id="FAULT_CANCEL")
    running = api.wait_job(job_id, until=lambda j: j["status"] == "RUNNING" and j["progress_pct"] >= 30, every=0.05)[-1]
    r = api.rpc("cancel_job", {"job_id": job_id}, token=api.operator)
    assert r.status_code == 200 and r.json() == "CANCEL_REQUESTED"
    t = time.monotonic()
    job = api.wait_job(job_id, timeout=30)[-1]
    assert job["status"] == "CANCELLED", job
    assert time.monotonic() - t < 5, "a cancel is honoured within a few seconds"
    assert job["progress_pct"] < 100
    assert sum(rows_of(api, running["run_id"]).values()) == 0, "a cancelled run leaves no rows"
    again = api.rpc("cancel_job", {"job_id": job_id}, token=api.operator)
    assert again.status_code == 409


def test_cancel_pending_job_never_runs(api: Api) -> None:
    job_id = api.submit(strategy_id="US_CORE_LONG_EQ", start_date="2019-01-01", end_date="2019-06-30", market_ids=["US_EQ"],
                        portfolio_id="FAULT_PENDING")
    r = api.rpc("cancel_job", {"job_id": job_id}, token=api.operator)
    assert r.status_code == 200 and r.json() == "CANCELLED"
    job = api.job(job_id)
    assert job["status"] == "CANCELLED" and job["run_id"] is None and job["attempts"] == 0


def test_two_workers_ten_jobs_each_runs_once(api: Api, workers: Workers) -> None:
    workers.start()
    workers.start()
    wait_registered(api, 2)
    jobs = [api.submit(strategy_id="US_CORE_LONG_EQ", start_date="2023-01-01", end_date="2023-03-31", market_ids=["US_EQ"],
                       portfolio_id=f"FAULT_TEN_{i}") for i in range(10)]
    final = [api.wait_job(j, timeout=300)[-1] for j in jobs]
    assert [j["status"] for j in final] == ["SUCCEEDED"] * 10
    assert all(j["attempts"] == 1 for j in final), "no job was started twice"
    assert len({j["run_id"] for j in final}) == 10
    assert len({j["worker"] for j in final}) == 2, "both workers took jobs"
    runs = api.sql("select count(*) from runtime.backtest_runs where portfolio_id like 'FAULT\\_TEN\\_%%'")[0][0]
    assert runs == 10, "exactly one run per job"
    started = api.sql("select count(*) from public.procrastinate_events e join runtime.jobs j on j.queue_job_id = e.job_id "
                      "where e.type = 'started' and j.job_id = any(%s)", jobs)[0][0]
    assert started == 10, "the queue started each job exactly once"
