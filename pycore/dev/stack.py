"""Bring the whole local stack up, or down (``python -m pycore.stack up|down|status|summary``).

``up`` is the main job of the README: start (or reuse) the database, deploy the
schema with sqitch, load the market data, refresh the market-state engines, run
the seed's example backtest, start the job workers, the API gateway and the push service of live updates in the
background with nginx in front of it on port 8000 (the seed's URLs), run a small campaign of backtests through the job queue (so the
meta layer has evidence), check every seed endpoint over HTTP and print the
URLs with a sample curl for each. Every step is idempotent: a second ``up``
reuses the running services and skips the campaign cells already done.

``down`` stops what ``up`` started, by the pids it recorded in ``.run/``: nginx, the push
service, the gateway, the workers (SIGTERM, they finish the job in hand), then the embedded
PostgreSQL. ``status`` names each of :data:`SERVICES` and whether it runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from pycore import project_root
from pycore.data.engines import refresh_market_state
from pycore.data.load import default_data_dir, load
from pycore.db import database_url, with_user, writer_url
from pycore.db.roles import ANALYST, OPERATOR
from pycore.dev.cluster import DevDbError, ensure_running, stop_cluster
from pycore.dev.deploy import deploy
from pycore.dev.proxy import default_prefix, proxy_port
from pycore.dev.proxy import reload as reload_proxy
from pycore.events import events_port
from pycore.gateway.auth import make_token
from pycore.jobs.campaign import DEFAULT_PERIODS, DEFAULT_VARIANTS, Cell, cells, run_campaign
from pycore.run.config import DEFAULT_PORTFOLIO_ID, BacktestRequest
from pycore.run.report import format_metrics
from pycore.run.service import RunOptions, run_backtest

# The seed's example backtest, booked into the seed's portfolio MAIN (what its Step 2 SQL and Step 3 URLs read).
SEED_EXAMPLE = BacktestRequest(
    strategy_id="US_CORE_LONG_EQ",
    start_date=dt.date(2023, 1, 1),
    end_date=dt.date(2024, 1, 1),
    market_ids=("US_EQ",),
    portfolio_id=DEFAULT_PORTFOLIO_ID,
)

SUMMARY_SQL = """
select 'instruments' as what, count(*)::text as n,
       min(first_date)::text || ' .. ' || max(last_date)::text as span from hist.instruments
union all
select 'daily price rows', count(*)::text, min(trade_date)::text || ' .. ' || max(trade_date)::text from hist.prices_daily
union all
select 'corporate actions', count(*)::text, min(ex_date)::text || ' .. ' || max(ex_date)::text from hist.corporate_actions
union all
select 'S&P 500 index levels', count(*)::text, min(trade_date)::text || ' .. ' || max(trade_date)::text from hist.index_levels
union all
select 'VIX bars', count(*)::text, min(trade_date)::text || ' .. ' || max(trade_date)::text from hist.vix_daily
union all
select 'Fama-French factor days', count(*)::text, min(trade_date)::text || ' .. ' || max(trade_date)::text from hist.factor_returns_daily
union all
select 'XNYS sessions', count(*)::text, min(trade_date)::text || ' .. ' || max(trade_date)::text from hist.trading_days
union all
select 'flagged price rows (excluded)', count(*) filter (where exclude_return)::text || ' of ' || count(*)::text, '' from hist.price_anomalies
union all
select 'adjusted-only instruments', count(*)::text, min(adjusted_only_from)::text || ' ..' from hist.instruments where adjusted_only_from is not null
union all
select 'names fully priced in 2023', count(*)::text, '2023-01-03 .. 2023-12-29'
  from (select instrument_id from hist.prices_daily
         where trade_date between '2023-01-01' and '2023-12-31'
         group by instrument_id
        having count(*) = (select count(*) from hist.trading_days
                            where calendar = 'XNYS' and trade_date between '2023-01-01' and '2023-12-31')) t
"""


def summary(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(SUMMARY_SQL).fetchall()


def psql_command(url: str) -> str:
    p = conninfo_to_dict(url)
    parts = ["psql"]
    if p.get("host"):
        parts += ["-h", str(p["host"])]
    if p.get("port"):
        parts += ["-p", str(p["port"])]
    if p.get("user"):
        parts += ["-U", str(p["user"])]
    parts.append(str(p.get("dbname", "")))
    return " ".join(parts)


def print_summary(url: str) -> None:
    rows = summary(url)
    print("\nWhat is in the database")
    for what, n, span in rows:
        print(f"  {what:<32} {n:>12}  {span}")
    print("\nWhere to look")
    print(f"  psql:        {psql_command(url)}")
    print(
        f"  analysts:    {psql_command(with_user(url, ANALYST))}   (read-only; runtime, hist, api on the search path)"
    )
    print(
        "  e.g.        SELECT run_id, strategy_id, start_date, end_date, metrics_json FROM backtest_runs ORDER BY created_at DESC LIMIT 1;"
    )
    print(
        "              select * from hist.prices_daily where instrument_id = 'AAPL' order by trade_date desc limit 5;"
    )
    print("  schema:     \\dt hist.*   \\dt runtime.*   \\dv api.*")


# ---------------------------------------------------------------- background services
SERVICES = ("worker", "gateway", "events", "proxy")
"""The stack's background services in the order ``up`` starts them (``down`` stops them in reverse): the job
workers, the API gateway, the push service of live updates (``pycore.events``), nginx in front of the gateway."""


def run_dir() -> Path:
    path = Path(os.environ.get("PROMETHEUS_RUN_DIR", project_root() / ".run"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def service_pid(name: str) -> int | None:
    """The pid recorded for a service if that process is alive and is ours (a pycore module)."""
    pid_file = run_dir() / f"{name}.pid"
    try:
        pid = int(pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        if not cmdline:  # empty while the process execs another program (pycore.proxy -> nginx), or a zombie
            time.sleep(0.05)
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except (OSError, ValueError):
        return None
    if b"pycore." in cmdline:
        return pid
    # pycore.proxy execs nginx (same pid): its command line names its prefix inside the run dir
    prefix = str((run_dir() / "nginx").resolve()).encode()
    return pid if b"nginx" in cmdline and prefix in cmdline else None


def start_service(name: str, module_args: list[str], env: dict[str, str] | None = None) -> tuple[int, bool]:
    """Start ``python -m <module_args>`` in the background unless it already runs; (pid, started now)."""
    pid = service_pid(name)
    if pid is not None:
        return pid, False
    log = open(run_dir() / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        [sys.executable, "-m", *module_args],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        cwd=project_root(),
        env={**os.environ, **(env or {})},
    )
    (run_dir() / f"{name}.pid").write_text(str(proc.pid))
    return proc.pid, True


def stop_service(name: str, timeout: float = 30.0) -> bool:
    pid = service_pid(name)
    (run_dir() / f"{name}.pid").unlink(missing_ok=True)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        with contextlib.suppress(ChildProcessError):  # reap it if it is our child
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    return True


def api_port() -> int:
    return int(os.environ.get("PROMETHEUS_API_PORT", "3000"))


def http_get(url: str, timeout: float = 10.0) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def wait_for_api(base: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if http_get(base + "/", timeout=2.0)[0] == 200:
                return
        except (OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise DevDbError(
                f"the API gateway did not answer on {base} within {timeout:.0f} s; see {run_dir() / 'gateway.log'}"
            )
        time.sleep(0.3)


def http_call(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 10.0
) -> tuple[int, Any]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def start_proxy(api_port_: int) -> tuple[int, bool, str]:
    """nginx on PROMETHEUS_PROXY_PORT (8000) in front of the gateway, from docker/nginx/routes.conf; (pid, new, base)."""
    port, upstream = proxy_port(), f"127.0.0.1:{api_port_}"
    pid, new = start_service("proxy", ["pycore.proxy", "--port", str(port), "--upstream", upstream])
    if not new:  # reused: the routes, the port or the gateway may have changed since it started
        reload_proxy(pid, default_prefix(), port, upstream)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            if http_get(base + "/api/status/overview", timeout=2.0)[0] == 200:
                return pid, new, base
        except (OSError, ValueError):
            pass
        alive = service_pid("proxy") is not None
        if not alive or time.monotonic() > deadline:
            logs = [run_dir() / "proxy.log", default_prefix() / "error.log"]
            tail = " | ".join(line for f in logs if f.exists() for line in f.read_text().strip().splitlines()[-3:])
            raise DevDbError(f"nginx did not answer on {base} ({'exited' if not alive else 'timeout'}): {tail}")
        time.sleep(0.2)


def check_seed_urls(base: str, shown: str, portfolio_id: str, job_id: int | None, strategy_id: str) -> bool:
    """Every seed URL through nginx, printed with a curl line and checked: reads answer 200 (the job as one object),
    control answers 401 without a token (it reaches the API, which refuses web_anon; nothing is written)."""
    job = job_id if job_id is not None else 0
    submit = json.dumps(
        {"strategy_id": strategy_id, "start_date": "2023-01-01", "end_date": "2024-01-01", "market_ids": ["US_EQ"]}
    )
    reads = [
        ("status overview", "/api/status/overview", 200),
        ("portfolio", f"/api/status/portfolio?portfolio_id={portfolio_id}", 200),
        ("portfolio risk", f"/api/status/portfolio_risk?portfolio_id={portfolio_id}", 200),
        (
            f"job {job}" if job_id is not None else "job (none yet)",
            f"/api/control/jobs/{job}",
            200 if job_id is not None else 406,
        ),
        ("diagnostics", f"/api/intelligence/diagnostics/{strategy_id}", 200),
    ]
    writes = [
        ("run a backtest", "/api/control/run_backtest", submit),
        ("generate", f"/api/intelligence/proposals/generate/{strategy_id}", None),
        ("apply", "/api/intelligence/proposals/<proposal id>/apply", None),
        ("reject", "/api/intelligence/proposals/<proposal id>/reject", None),
    ]
    ok = True
    print(f"\nThe seed's URLs through nginx ({shown}, routes: docker/nginx/routes.conf), checked just now:")
    for what, path, expected in reads:
        status, body = http_get(base + path)
        kind = f"{len(body)} rows" if isinstance(body, list) else "error" if status >= 400 else "object"
        ok &= status == expected
        print(
            f"  {what:<16} {status} {kind:<9} curl '{shown}{path}'"
            + ("" if status == expected else f"   UNEXPECTED (want {expected})")
        )
    for what, path, payload in writes:
        status, _ = http_call(
            "POST",
            base + path.replace("<proposal id>", "0"),
            (payload or "").encode() or None,
            {"Content-Type": "application/json"},
        )
        ok &= status == 401
        data = f" -H 'Content-Type: application/json' -d '{payload}'" if payload else ""
        print(
            f"  {what:<16} {status} {'no token':<9} curl -X POST '{shown}{path}' -H \"Authorization: Bearer $TOKEN\"{data}"
            + ("" if status == 401 else "   UNEXPECTED (want 401 without a token)")
        )
    return ok


def seed_endpoints(portfolio_id: str, job_id: int | None, run_id: Any) -> list[tuple[str, str]]:
    """(what, path) of every seed endpoint as a PostgREST resource."""
    return [
        ("status overview", "/status_overview"),
        ("portfolio", f"/status_portfolio?portfolio_id=eq.{portfolio_id}&order=weight.desc&limit=10"),
        ("portfolio risk", f"/status_portfolio_risk?portfolio_id=eq.{portfolio_id}"),
        ("a job", f"/jobs?job_id=eq.{job_id}" if job_id else "/jobs?order=job_id.desc&limit=5"),
        ("runs", "/backtest_runs?order=created_at.desc&limit=5"),
        ("equity curve", f"/equity_curve?run_id=eq.{run_id}&limit=5"),
        ("regimes", "/regime_history?order=as_of_date.desc&limit=5"),
        ("stability", "/stability_history?order=as_of_date.desc&limit=5"),
        ("fragility", "/fragile_entities?limit=5"),
        ("scores", "/instrument_scores_latest?limit=5"),
        ("diagnostics", "/rpc/diagnostics?strategy_id=US_CORE_LONG_EQ"),
        ("proposals", "/meta_config_proposals?status=eq.PROPOSED"),
    ]


def campaign_grid(size: str) -> list[Cell]:
    if size == "none":
        return []
    if size == "small":
        return cells(DEFAULT_PERIODS[-1:], {k: DEFAULT_VARIANTS[k] for k in ("base", "concentrated")})
    return cells()


def up(campaign: str = "full") -> int:
    url = ensure_running(database_url())
    print(f"database: {psql_command(url)}")
    deploy(url, quiet=True)
    print("schema: deployed with sqitch (sqitch.plan)")
    report = load(url, default_data_dir())
    print("market data:")
    for line in report.lines():
        print("  " + line)
    with psycopg.connect(url) as conn:
        engines = refresh_market_state(conn)
    print(
        "market state engines (regimes, stability, fragility): "
        + (", ".join(f"{fn} {n:,} rows in {sec:.1f} s" for fn, (n, sec) in engines.items()) or "up to date")
    )
    print_summary(url)
    print("\nBacktest: US_CORE_LONG_EQ 2023-01-01 .. 2024-01-01 on US_EQ (the seed's example)")
    res = run_backtest(SEED_EXAMPLE, RunOptions(url=writer_url()))
    print(f"  run_id: {res.run_id}")
    print(format_metrics(res.metrics))
    print(f"  rows written: {sum(res.rows.values()):,} in {res.timings['total']:.1f} s")
    print(f"  psql:  {psql_command(with_user(url, ANALYST))}")
    print(
        f"         SELECT as_of_date, equity, drawdown FROM backtest_daily_equity WHERE run_id = '{res.run_id}' ORDER BY as_of_date;"
    )
    print(f"  cli:   python -m pycore.backtest show {res.run_id}")

    port = api_port()
    base = f"http://127.0.0.1:{port}"
    wpid, wnew = start_service("worker", ["pycore.worker", "--concurrency", os.environ.get("PROMETHEUS_WORKERS", "2")])
    print(f"\nworkers: pid {wpid} ({'started' if wnew else 'already running'}), log {run_dir() / 'worker.log'}")
    gpid, gnew = start_service("gateway", ["pycore.gateway", "--port", str(port)])
    wait_for_api(base)
    print(
        f"API gateway: {base}/ pid {gpid} ({'started' if gnew else 'already running'}), log {run_dir() / 'gateway.log'}"
    )
    eport = events_port()
    epid, enew = start_service("events", ["pycore.events", "--port", str(eport)])
    print(
        f"live updates: ws://127.0.0.1:{eport}/ws and curl -N http://127.0.0.1:{eport}/events  pid {epid} "
        f"({'started' if enew else 'already running'}), log {run_dir() / 'events.log'}; "
        "follow a job: python -m pycore.events watch JOB_ID"
    )
    ppid, pnew, proxy_base = start_proxy(port)
    print(
        f"nginx (the seed's URLs): {proxy_base}/api/ pid {ppid} ({'started' if pnew else 'already running, reloaded'}), "
        f"logs {default_prefix()}"
    )

    print("\nCampaign (evidence for the meta layer), run by the workers through the job queue:")
    counts = run_campaign("US_CORE_LONG_EQ", url=url, grid=campaign_grid(campaign))
    print("  " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    with psycopg.connect(url) as conn:
        last_job = conn.execute("select max(job_id) from runtime.jobs where status = 'SUCCEEDED'").fetchone()
    job_id = last_job[0] if last_job else None

    token = make_token(OPERATOR)
    portfolio = (
        SEED_EXAMPLE.portfolio_id or DEFAULT_PORTFOLIO_ID
    )  # MAIN, the seed's example (campaigns use their own ids)
    print(f"\nThe API (PostgREST grammar; OpenAPI at {base}/); every seed endpoint, checked just now:")
    for what, path in seed_endpoints(portfolio, job_id, res.run_id):
        status, body = http_get(base + path)
        size = f"{len(body)} rows" if isinstance(body, list) else "object"
        print(f"  {what:<16} {status} {size:<9} curl '{base}{path}'")
    print("\nControl (operator JWT; the gateway signs with .run/jwt_secret or PGRST_JWT_SECRET):")
    print(f"  export TOKEN={token}")
    print(
        f"  curl -X POST {base}/rpc/run_backtest -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\"
    )
    print(
        '       -d \'{"strategy_id": "US_CORE_LONG_EQ", "start_date": "2023-01-01", "end_date": "2024-01-01", "market_ids": ["US_EQ"]}\''
    )
    print(f"  curl '{base}/jobs?job_id=eq.<job id>'")
    print(
        f"  curl -X POST {base}/rpc/cancel_job -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d '{{\"job_id\": <job id>}}'"
    )
    print(
        f'  curl -X POST {base}/rpc/generate_proposals -H "Authorization: Bearer $TOKEN" -H \'Content-Type: application/json\' -d \'{{"strategy_id": "US_CORE_LONG_EQ"}}\''
    )
    print(
        f"  curl -X POST {base}/rpc/apply_proposal -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d '{{\"proposal_id\": <proposal id>}}'"
    )
    proxied = check_seed_urls(
        proxy_base, f"http://localhost:{proxy_port()}", portfolio, job_id, SEED_EXAMPLE.strategy_id
    )
    print("\nStop everything: scripts/stop.sh")
    if not proxied:
        print("error: a seed URL through nginx did not answer as expected (see above)", file=sys.stderr)
        return 1
    return 0


def down() -> int:
    for name in reversed(SERVICES):
        print(f"{name}: " + ("stopped" if stop_service(name) else "was not running"))
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: the project started no database, nothing to stop")
        return 0
    print("embedded PostgreSQL stopped" if stop_cluster() else "embedded PostgreSQL was not running")
    return 0


def status() -> int:
    """Print each service of the stack: running (its pid) or not."""
    for name in SERVICES:
        pid = service_pid(name)
        print(f"{name}: " + (f"running, pid {pid}" if pid else "not running"))
    return 0
