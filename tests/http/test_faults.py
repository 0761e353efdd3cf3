"""Faults: a worker killed mid-run, a cancel mid-run, two workers sharing ten jobs; PostgreSQL restarted mid-run
(retried, or FAILED when no attempt is left), the supervisor replacing a killed worker process, and chaos: a dozen
jobs while worker processes are killed and PostgreSQL restarted, twice each."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import psycopg

from tests.http.conftest import TERMINAL, Api, Workers

T = TypeVar("T")

# The tables of a run are SQL's one list, core.run_tables(); a backtest leaves the market-wide ones empty (the
# market-state engines write those for the whole market, run_id null).
MARKET_WIDE = ("runtime.regimes", "runtime.stability_vectors", "runtime.fragility_measures")
RUN_TABLES_SQL = ("select quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                  "from unnest(core.run_tables()) with ordinality t(oid, i) join pg_catalog.pg_class c on c.oid = t.oid "
                  "join pg_catalog.pg_namespace n on n.oid = c.relnamespace order by t.i")
YEAR: dict[str, Any] = {"strategy_id": "US_CORE_LONG_EQ", "start_date": "2020-01-01", "end_date": "2020-12-31", "market_ids": ["US_EQ"]}
QUARTER: dict[str, Any] = {"strategy_id": "US_CORE_LONG_EQ", "start_date": "2023-01-01", "end_date": "2023-03-31", "market_ids": ["US_EQ"]}
# written after the day loop (core.run_risk_reports): a lock on it holds a run at 85%, every day's rows stored
HOLD_TABLE = "runtime.portfolio_risk_reports"


def rows_of(api: Api, run_id: Any) -> dict[str, int]:
    """Rows of a run in each table a backtest fills: the run tables of SQL's list but the market-wide ones."""
    return all_rows_of(api, run_id, skip=MARKET_WIDE)


def all_rows_of(api: Api, run_id: Any, skip: tuple[str, ...] = ()) -> dict[str, int]:
    """Rows of a run in every table of the one list in SQL (core.run_tables), but ``skip``."""
    tables = [t for (t,) in api.sql(RUN_TABLES_SQL) if t not in skip]
    return {t: api.sql(f"select count(*) from {t} where run_id = %s", run_id)[0][0] for t in tables}


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 30.0, every: float = 0.1) -> T:
    """Poll ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        got = probe()
        if got:
            return got
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(every)


def wait_registered(api: Api, n: int, timeout: float = 30.0) -> None:
    """Until n workers heart-beat in procrastinate's registry."""
    wait_for(f"{n} workers registered",
             lambda: api.sql("select count(*) from public.procrastinate_workers "
                             "where last_heartbeat > now() - interval '2 seconds'")[0][0] >= n, timeout, 0.2)


def children_of(pid: int) -> set[int]:
    """Live processes whose parent is ``pid``."""
    kids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            kids.add(int(entry.name))
    return kids


def pool_of(supervisor: int, n: int) -> set[int] | None:
    """The supervisor's worker processes, once there are ``n`` of them."""
    kids = children_of(supervisor)
    return kids if len(kids) == n else None


@contextlib.contextmanager
def held(api: Api, table: str = HOLD_TABLE) -> Iterator[None]:
    """Hold an ACCESS EXCLUSIVE lock on ``table``: a run that reaches it waits there (until released or the server
    restarts)."""
    conn = psycopg.connect(api.db_url)
    try:
        conn.execute(f"lock table {table} in access exclusive mode")
        yield
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
        conn.close()


def wait_held(api: Api, job_id: int, progress: float = 85) -> dict[str, Any]:
    """Until the job's run has reached ``progress`` (85: every day simulated and stored) and waits on the held lock."""
    job = api.wait_job(job_id, until=lambda j: j["status"] in TERMINAL or (j["status"] == "RUNNING" and j["progress_pct"] >= progress),
                       timeout=120, every=0.1)[-1]
    assert job["status"] == "RUNNING", job
    wait_for("the run waits on the held lock",
             lambda: api.sql("select count(*) from pg_stat_activity where usename = 'pycore_writer' "
                             "and wait_event_type = 'Lock'")[0][0] > 0)
    return job


def worker_pid(job: dict[str, Any]) -> int:
    return int(str(job["worker"]).rsplit(":", 1)[1])


def runs_of(api: Api, portfolio: str) -> list[tuple[str, int]]:
    return [(s, n) for s, n in api.sql("select status, count(*)::int from runtime.backtest_runs where portfolio_id = %s "
                                       "group by 1 order by 1", portfolio)]


def queue_status(api: Api, job_id: int, expect: str | None = None) -> str:
    """procrastinate's status of the job's current queue entry; with ``expect``, once it is that (the worker records
    it in the queue just after the job's own transition, a moment later)."""
    def probe() -> str:
        return str(api.sql("select q.status::text from runtime.jobs j join public.procrastinate_jobs q on q.id = j.queue_job_id "
                           "where j.job_id = %s", job_id)[0][0])
    if expect is None:
        return probe()
    with contextlib.suppress(AssertionError):
        wait_for(f"queue entry of job {job_id} {expect}", lambda: probe() == expect, timeout=10, every=0.05)
    return probe()


def test_killed_worker_job_is_retried_with_one_set_of_rows(api: Api, workers: Workers) -> None:
    first = workers.start()
    with held(api):  # the run stops at the held table with its days stored: killed mid-run, never too late
        job_id = api.submit(**YEAR, portfolio_id="FAULT_KILL")
        killed_run = wait_held(api, job_id)["run_id"]
        written = all_rows_of(api, killed_run, skip=(*MARKET_WIDE, HOLD_TABLE))
        assert killed_run and sum(written.values()) > 0, "the run had written rows when its worker died"
        first.send_signal(signal.SIGKILL)  # the supervisor: its worker process dies with it
        first.wait()
    workers.start()  # another worker notices the dead one (its lease runs out) and retries its job
    job = api.wait_job(job_id, timeout=300)[-1]
    assert job["status"] == "SUCCEEDED", job
    assert job["attempts"] == 2
    assert job["run_id"] != killed_run
    assert sum(rows_of(api, killed_run).values()) == 0, "the dead attempt's rows were removed"
    final = rows_of(api, job["run_id"])
    assert all(n > 0 for t, n in final.items() if t != "runtime.decision_outcomes"), final
    runs = api.sql("select status, count(*) from runtime.backtest_runs where portfolio_id = 'FAULT_KILL' group by 1 order by 1")
    assert runs == [("FAILED", 1), ("SUCCEEDED", 1)], "one stored run; the dead attempt is marked FAILED with no rows"
    days = api.sql("select count(*), count(distinct as_of_date) from runtime.backtest_daily_equity e "
                   "join runtime.backtest_runs b using (run_id) where b.portfolio_id = 'FAULT_KILL'")[0]
    assert days[0] == days[1], "no day is stored twice"
    assert queue_status(api, job_id, "succeeded") == "succeeded", "the queue agrees with the job"


def test_cancel_mid_run(api: Api, workers: Workers) -> None:
    workers.start()
    # the run stops writing its first chunk of days (the equity rows are its last table): mid-run however fast it is
    with held(api, "runtime.backtest_daily_equity"):
        job_id = api.submit(**YEAR, portfolio_id="FAULT_CANCEL")
        running = wait_held(api, job_id, progress=0)
        r = api.rpc("cancel_job", {"job_id": job_id}, token=api.operator)
        assert r.status_code == 200 and r.json() == "CANCEL_REQUESTED"
    t = time.monotonic()  # released: the run stores that chunk, reports progress and learns of the cancel
    job = api.wait_job(job_id, timeout=30)[-1]
    assert job["status"] == "CANCELLED", job
    assert time.monotonic() - t < 5, "a cancel is honoured within a few seconds"
    assert job["progress_pct"] < 100
    assert sum(rows_of(api, running["run_id"]).values()) == 0, "a cancelled run leaves no rows"
    assert queue_status(api, job_id, "aborted") == "aborted", "the queue records the running job's cancel as aborted"
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


def test_postgres_restart_mid_run_is_retried_with_one_set_of_rows(api: Api, workers: Workers,
                                                                   pg_restart: Callable[[], None]) -> None:
    workers.start("--stalled-after", "10", "--retry-backoff", "1", "--poll", "0.5")
    with held(api):
        job_id = api.submit(**YEAR, portfolio_id="FAULT_RESTART")
        first = wait_held(api, job_id)
        stored = all_rows_of(api, first["run_id"], skip=(HOLD_TABLE,))  # the held table cannot be read now
        assert stored["runtime.backtest_daily_equity"] > 200, "the run had stored its days when the server went"
        pg_restart()
    r = api.get(f"/jobs?job_id=eq.{job_id}&select=status")
    assert r.status_code == 200, f"the first request after the restart is answered: {r.status_code} {r.text}"
    job = api.wait_job(job_id, timeout=120)[-1]
    assert job["status"] == "SUCCEEDED" and job["error"] is None, job
    assert job["attempts"] >= 2, "the attempt the restart broke was retried"
    assert job["run_id"] != first["run_id"]
    assert sum(all_rows_of(api, first["run_id"]).values()) == 0, "the broken attempt's rows were removed"
    failed = api.sql("select status, error from runtime.backtest_runs where run_id = %s", first["run_id"])[0]
    assert failed[0] == "FAILED" and "database fault" in failed[1], failed
    assert runs_of(api, "FAULT_RESTART") == [("FAILED", job["attempts"] - 1), ("SUCCEEDED", 1)], "exactly one stored run"
    final = all_rows_of(api, job["run_id"])
    assert all(n > 0 for t, n in final.items() if t not in MARKET_WIDE and t != "runtime.decision_outcomes"), final
    days = api.sql("select count(*), count(distinct as_of_date) from runtime.backtest_daily_equity e "
                   "join runtime.backtest_runs b using (run_id) where b.portfolio_id = 'FAULT_RESTART'")[0]
    assert days[0] == days[1] > 200, "one set of days, none twice"
    assert queue_status(api, job_id, "succeeded") == "succeeded", "the queue agrees with the job"


def test_postgres_restart_with_no_attempt_left_fails_the_job_with_the_reason(api: Api, workers: Workers,
                                                                               pg_restart: Callable[[], None]) -> None:
    workers.start("--stalled-after", "10", "--max-attempts", "1", "--poll", "0.5")
    with held(api):
        job_id = api.submit(**YEAR, portfolio_id="FAULT_RESTART_LAST")
        first = wait_held(api, job_id)
        pg_restart()
    job = api.wait_job(job_id, timeout=60)[-1]
    assert job["status"] == "FAILED" and job["attempts"] == 1, job
    assert "database fault" in job["error"] and "gave up after 1 attempt" in job["error"], job["error"]
    assert sum(all_rows_of(api, first["run_id"]).values()) == 0, "the failed attempt's rows were removed"
    assert runs_of(api, "FAULT_RESTART_LAST") == [("FAILED", 1)]
    assert queue_status(api, job_id, "failed") == "failed", "the queue agrees with the job"


def test_supervisor_replaces_a_killed_worker_process_and_its_job_is_retried(api: Api, workers: Workers, tmp_path: Path) -> None:
    log = tmp_path / "workers.log"
    supervisor = workers.start("--concurrency", "2", "--stalled-after", "4", "--poll", "0.5", log=log)
    wait_registered(api, 2)
    pool = wait_for("two worker processes", lambda: pool_of(supervisor.pid, 2))
    with held(api):
        job_id = api.submit(**YEAR, portfolio_id="FAULT_SUPERVISED")
        first = wait_held(api, job_id)
        victim = worker_pid(first)
        assert victim in pool, "the job runs in one of the supervisor's worker processes"
        os.kill(victim, signal.SIGKILL)
    line = wait_for("the supervisor's log line", lambda: re.search(
        rf"worker process {victim} died \(signal 9\); started (\d+)", log.read_text()), timeout=20)
    replacement = int(line.group(1))
    assert replacement not in pool
    now = wait_for("two live worker processes again", lambda: pool_of(supervisor.pid, 2))
    assert replacement in now and victim not in now, (pool, now)
    assert supervisor.poll() is None, "the supervisor lives on"
    wait_registered(api, 2)
    job = api.wait_job(job_id, timeout=120)[-1]
    assert job["status"] == "SUCCEEDED" and job["attempts"] == 2, job
    assert worker_pid(job) != victim
    assert sum(all_rows_of(api, first["run_id"]).values()) == 0, "the killed attempt's rows were removed"
    assert runs_of(api, "FAULT_SUPERVISED") == [("FAILED", 1), ("SUCCEEDED", 1)]
    assert queue_status(api, job_id, "succeeded") == "succeeded"


def test_chaos_every_job_succeeds_exactly_once(api: Api, workers: Workers, pg_restart: Callable[[], None], tmp_path: Path) -> None:
    log = tmp_path / "workers.log"
    supervisor = workers.start("--concurrency", "2", "--stalled-after", "5", "--retry-backoff", "1", "--poll", "0.5", log=log)
    wait_registered(api, 2)
    started = time.monotonic()
    jobs = [api.submit(**QUARTER, portfolio_id=f"CHAOS_{i}") for i in range(12)]
    ids = ",".join(map(str, jobs))

    def states() -> list[dict[str, Any]]:
        r = api.get(f"/jobs?job_id=in.({ids})&select=job_id,status,progress_pct,worker,attempts,run_id,started_at"
                    "&order=job_id")
        assert r.status_code == 200, r.text
        return list(r.json())

    def ended(now: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        return now if all(j["status"] in TERMINAL for j in now) else None

    def under_way(since: dt.datetime) -> dict[str, Any] | bool:
        """An attempt started after the last fault and now in its run (the next one to hit), or True when no job
        is left to hit: faults come a few seconds apart, each once the system has recovered from the last."""
        now = states()
        busy = [j for j in now if j["status"] == "RUNNING" and j["progress_pct"] >= 5
                and dt.datetime.fromisoformat(j["started_at"]) > since]
        return busy[0] if busy else ended(now) is not None

    killed: list[int] = []
    hit: list[str] = []  # the faults that struck a running attempt
    last_fault = api.sql("select clock_timestamp()")[0][0]
    for fault in ("kill", "restart", "kill", "restart"):
        target = wait_for(f"an attempt under way before the {fault}", lambda since=last_fault: under_way(since), timeout=90, every=0.05)
        if isinstance(target, dict):
            hit.append(fault)
        if fault == "restart":
            pg_restart()
        elif isinstance(target, dict) and worker_pid(target) in children_of(supervisor.pid):
            victim = worker_pid(target)
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
            wait_for("the killed worker process replaced",
                     lambda pid=victim: re.search(rf"worker process {pid} died \(signal 9\); started \d+", log.read_text()), timeout=20)
        last_fault = api.sql("select clock_timestamp()")[0][0]
    final = wait_for("every job ended", lambda: ended(states()), timeout=240, every=0.5)
    elapsed = time.monotonic() - started
    assert [j["status"] for j in final] == ["SUCCEEDED"] * 12, final
    assert "kill" in hit and "restart" in hit and killed, f"faults struck running jobs: {hit}"
    assert sum(j["attempts"] for j in final) > 12, "the faults broke attempts, which were retried"
    assert elapsed < 240

    # exactly once: one SUCCEEDED run per job, the job's own; failed attempts left no rows; nothing is left RUNNING
    for j in final:
        assert runs_of(api, f"CHAOS_{jobs.index(j['job_id'])}")[-1] == ("SUCCEEDED", 1), j
    succeeded = api.sql("select portfolio_id, run_id from runtime.backtest_runs where portfolio_id like 'CHAOS\\_%%' "
                        "and status = 'SUCCEEDED'")
    assert {str(r) for _p, r in succeeded} == {j["run_id"] for j in final}, "the SUCCEEDED runs are the jobs' own"
    leftovers = api.sql("select run_id, status from runtime.backtest_runs where portfolio_id like 'CHAOS\\_%%' "
                        "and status <> 'SUCCEEDED'")
    assert all(status == "FAILED" for _r, status in leftovers), leftovers
    assert all(sum(all_rows_of(api, r).values()) == 0 for r, _s in leftovers), "no rows of a failed attempt remain"

    # one clean set of rows each: every run equals a run that met no fault (one attempt), table by table and day by day
    clean = next(j for j in final if j["attempts"] == 1)
    reference = all_rows_of(api, clean["run_id"])
    curve = "select as_of_date, equity from runtime.backtest_daily_equity where run_id = %s order by as_of_date"
    reference_curve = api.sql(curve, clean["run_id"])
    assert len(reference_curve) > 50
    for j in final:
        assert all_rows_of(api, j["run_id"]) == reference, j
        assert api.sql(curve, j["run_id"]) == reference_curve, j

    # the queue agrees: each job's entry succeeded, and no entry of these jobs is left waiting or running
    assert [queue_status(api, j, "succeeded") for j in jobs] == ["succeeded"] * 12
    assert api.sql("select count(*) from public.procrastinate_jobs where (args ->> 'job_id')::bigint = any(%s) "
                   "and status in ('todo', 'doing')", jobs)[0][0] == 0
    assert supervisor.poll() is None and len(children_of(supervisor.pid)) == 2, "the pool still has two workers"
