"""Backtests end to end on the loaded history: the seed example, table consistency, failures, CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import empyrical
import numpy as np
import psycopg
import pytest

from pycore.data.marketdata import MarketDataError
from pycore.db import with_user
from pycore.run.config import DEFAULT_STRATEGIES, BacktestRequest, ConfigError, StrategyConfig
from pycore.run.service import BacktestError, RunOptions, run_backtest
from pycore.run.strategies import make_strategy

ROOT = Path(__file__).resolve().parents[2]
SEED = BacktestRequest(strategy_id="US_CORE_LONG_EQ", start_date=dt.date(2023, 1, 1), end_date=dt.date(2024, 1, 1),
                       market_ids=("US_EQ",))
# The tables of a run are SQL's one list, core.run_tables(); a backtest leaves the market-wide ones empty (the
# market-state engines write those for the whole market, run_id null).
MARKET_WIDE = {"runtime.regimes", "runtime.stability_vectors", "runtime.fragility_measures"}
RUN_TABLES_SQL = ("select quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                  "from unnest(core.run_tables()) with ordinality t(oid, i) join pg_catalog.pg_class c on c.oid = t.oid "
                  "join pg_catalog.pg_namespace n on n.oid = c.relnamespace order by t.i")


def run_tables(conn: psycopg.Connection[Any]) -> list[str]:
    """core.run_tables(), schema-qualified whatever the search path."""
    return [str(t) for (t,) in conn.execute(RUN_TABLES_SQL)]


def writer_of(url: str) -> str:
    return with_user(url, "pycore_writer")


@pytest.fixture(scope="module")
def seed_run(loaded_db: str) -> Any:
    res = run_backtest(SEED, RunOptions(url=writer_of(loaded_db), chunk_days=60))
    with psycopg.connect(loaded_db, autocommit=True) as c:
        # fresh statistics for the checks' joins over the run tables (autovacuum gets there only after a minute)
        c.execute("analyze runtime.positions_snapshots, runtime.fills, runtime.backtest_daily_equity, runtime.orders")
    return res


def one(conn: psycopg.Connection[Any], q: str, *args: Any) -> Any:
    row = conn.execute(q, args).fetchone()
    assert row is not None
    return row[0]


def test_seed_example_runs_and_stores_everything(seed_run: Any, conn: psycopg.Connection[Any]) -> None:
    status, metrics = conn.execute("select status, metrics_json from runtime.backtest_runs where run_id = %s",
                                   (seed_run.run_id,)).fetchone()  # type: ignore[misc]
    assert status == "SUCCEEDED"
    for key in ("cumulative_return", "annualized_return", "annualized_volatility", "sharpe_ratio", "sortino_ratio",
                "calmar_ratio", "max_drawdown", "cagr", "annual_volatility", "annual_turnover", "trade_count", "hit_rate"):
        assert key in metrics and metrics[key] is not None, key
    assert not {"sharpe", "sortino", "calmar"} & set(metrics), "the old metric names are renamed, not kept twice"
    assert metrics["annualized_return"] == metrics["cagr"] and metrics["annualized_volatility"] == metrics["annual_volatility"]
    assert metrics["days"] == 250 and metrics["rebalances"] == 12
    tables = [t for t in run_tables(conn) if t not in MARKET_WIDE]
    assert set(seed_run.rows) <= set(tables), "every table the writer fills is a run table"
    for table in tables:
        n = one(conn, f"select count(*) from {table} where run_id = %s", seed_run.run_id)
        assert n > 0, f"{table} is empty"
        if table in seed_run.rows:
            assert n == seed_run.rows[table], f"{table}: database and writer disagree"
    assert one(conn, "select count(*) from runtime.orders where run_id = %s and mode <> 'BACKTEST'", seed_run.run_id) == 0


def test_metrics_follow_empyrical(seed_run: Any, conn: psycopg.Connection[Any]) -> None:
    r = np.array([x[0] for x in conn.execute(
        "select daily_return from runtime.backtest_daily_equity where run_id = %s order by as_of_date", (seed_run.run_id,))])
    m = seed_run.metrics
    assert m["sharpe_ratio"] == pytest.approx(empyrical.sharpe_ratio(r), rel=1e-9)
    assert m["sortino_ratio"] == pytest.approx(empyrical.sortino_ratio(r), rel=1e-9)
    assert m["annualized_volatility"] == pytest.approx(empyrical.annual_volatility(r), rel=1e-9)
    assert m["annualized_return"] == pytest.approx(empyrical.annual_return(r), rel=1e-9)
    assert m["max_drawdown"] == pytest.approx(empyrical.max_drawdown(r), rel=1e-9)
    assert m["calmar_ratio"] == pytest.approx(empyrical.calmar_ratio(r), rel=1e-9)
    assert m["cumulative_return"] == pytest.approx(empyrical.cum_returns_final(r), rel=1e-9)


def test_equity_is_cash_plus_market_value_every_day(seed_run: Any, conn: psycopg.Connection[Any]) -> None:
    worst = one(conn, """
        select max(abs(e.equity - e.cash - coalesce(p.mv, 0)))
          from runtime.backtest_daily_equity e
          left join (select as_of_date, sum(market_value) mv from runtime.positions_snapshots
                      where run_id = %s group by 1) p on p.as_of_date = e.as_of_date
         where e.run_id = %s""", seed_run.run_id, seed_run.run_id)
    assert worst < 1e-6


def test_fills_explain_position_changes(seed_run: Any, conn: psycopg.Connection[Any]) -> None:
    # quantity(t) = quantity(t-1) * split(t) + buys(t) - sells(t), for every instrument and day
    bad = one(conn, """
        with days as (select as_of_date as date, lag(as_of_date) over (order by as_of_date) as prev
                        from runtime.backtest_daily_equity where run_id = %(r)s),
        pos as (select as_of_date, instrument_id, quantity from runtime.positions_snapshots where run_id = %(r)s),
        f as (select trade_date, instrument_id, sum(case side when 'BUY' then quantity else -quantity end) q
                from runtime.fills where run_id = %(r)s group by 1, 2),
        keys as (select d.date, d.prev, k.instrument_id from days d cross join (select distinct instrument_id from pos) k)
        select count(*) from keys
          left join pos p1 on p1.as_of_date = keys.date and p1.instrument_id = keys.instrument_id
          left join pos p0 on p0.as_of_date = keys.prev and p0.instrument_id = keys.instrument_id
          left join f on f.trade_date = keys.date and f.instrument_id = keys.instrument_id
          left join hist.corporate_actions c on c.ex_date = keys.date and c.instrument_id = keys.instrument_id
         where abs(coalesce(p1.quantity, 0) - coalesce(p0.quantity, 0) * coalesce(c.split_coef, 1) - coalesce(f.q, 0)) > 1e-9
    """.replace("%(r)s", "%s"), *([seed_run.run_id] * 3))
    assert bad == 0


def test_orders_fills_trades_actions_agree(seed_run: Any, conn: psycopg.Connection[Any]) -> None:
    r = seed_run.run_id
    mismatched = one(conn, """
        select count(*) from runtime.orders o
          left join (select order_id, sum(quantity) q from runtime.fills group by 1) f using (order_id)
         where o.run_id = %s and coalesce(f.q, 0) <> o.filled_quantity""", r)
    assert mismatched == 0
    n_fills = one(conn, "select count(*) from runtime.fills where run_id = %s", r)
    assert one(conn, "select count(*) from runtime.backtest_trades where run_id = %s", r) == n_fills
    assert one(conn, "select count(*) from runtime.executed_actions where run_id = %s", r) == n_fills
    assert seed_run.metrics["trade_count"] == n_fills
    assert one(conn, "select count(*) from runtime.target_portfolios where run_id = %s", r) == 12
    assert one(conn, "select count(*) from runtime.engine_decisions where run_id = %s", r) == 12
    # the realized P&L of the trades, the costs and the open positions add up to the equity change
    realized = one(conn, "select sum(pnl) from runtime.backtest_trades where run_id = %s", r)
    unrealized = one(conn, """select coalesce(sum(unrealized_pnl), 0) from runtime.positions_snapshots
                               where run_id = %s and as_of_date = (select max(as_of_date) from runtime.backtest_daily_equity where run_id = %s)""", r, r)
    divs = one(conn, """select coalesce(sum(p.quantity * c.dividend), 0) from runtime.positions_snapshots p
                        join hist.corporate_actions c on c.instrument_id = p.instrument_id
                         and c.ex_date = (select min(as_of_date) from runtime.backtest_daily_equity e
                                         where e.run_id = p.run_id and e.as_of_date > p.as_of_date)
                        where p.run_id = %s and c.dividend > 0""", r)
    buy_costs = 0.0  # BUY commissions are in pnl as negatives
    final = seed_run.metrics["final_equity"]
    assert realized + unrealized + divs + buy_costs == pytest.approx(final - 1_000_000.0, abs=1e-4)


def test_the_seed_example_books_into_main_as_its_strategy_sleeve(seed_run: Any, conn: psycopg.Connection[Any]) -> None:
    portfolio, sleeve, strategy = conn.execute("select portfolio_id, sleeve_id, strategy_id from runtime.backtest_runs where run_id = %s",
                                               (seed_run.run_id,)).fetchone()  # type: ignore[misc]
    assert (portfolio, sleeve, strategy) == ("MAIN", "US_CORE_LONG_EQ", "US_CORE_LONG_EQ")
    for table in ("positions_snapshots", "target_portfolios", "portfolio_risk_reports", "orders"):
        assert one(conn, f"select count(distinct portfolio_id) filter (where portfolio_id <> 'MAIN') from runtime.{table} "
                         "where run_id = %s", seed_run.run_id) == 0, table


def test_trades_carry_their_sleeve_strategy_and_config(seed_run: Any, conn: psycopg.Connection[Any]) -> None:
    rows = conn.execute("""select t.strategy_id, t.sleeve_id, t.config_snapshot = b.config_json, count(*)
                             from runtime.backtest_trades t join runtime.backtest_runs b using (run_id)
                            where t.run_id = %s group by 1, 2, 3""", (seed_run.run_id,)).fetchall()
    assert rows == [("US_CORE_LONG_EQ", "US_CORE_LONG_EQ", True, seed_run.metrics["trade_count"])]


def test_positions_carry_their_sector_and_target_weight(seed_run: Any, conn: psycopg.Connection[Any]) -> None:
    r = seed_run.run_id
    # every position names the GICS sector of its instrument
    assert one(conn, """select count(*) from runtime.positions_snapshots p join hist.instruments i using (instrument_id)
                         where p.run_id = %s and p.metadata ->> 'sector' is distinct from i.gics_sector""", r) == 0
    # and the weight the last rebalance on or before that day targeted for it (null when it left the target)
    wrong = one(conn, """
        select count(*) from runtime.positions_snapshots p
          cross join lateral (select t.target_positions from runtime.target_portfolios t
                               where t.run_id = p.run_id and t.as_of_date <= p.as_of_date order by t.as_of_date desc limit 1) t
         where p.run_id = %s and (p.metadata ->> 'target_weight')::float8 is distinct from (t.target_positions ->> p.instrument_id)::float8""", r)
    assert wrong == 0
    assert one(conn, "select count(*) from runtime.positions_snapshots where run_id = %s and metadata ? 'target_weight' "
                     "and metadata ->> 'target_weight' is not null", r) > 0
    assert one(conn, "select max(length(metadata::text)) from runtime.positions_snapshots where run_id = %s", r) < 100


def test_targets_carry_their_optimization_params(seed_run: Any, conn: psycopg.Connection[Any]) -> None:
    rows = conn.execute("""select optimization_params, (select count(*) from jsonb_object_keys(target_positions))
                             from runtime.target_portfolios where run_id = %s order by as_of_date""", (seed_run.run_id,)).fetchall()
    assert len(rows) == 12
    for params, n_targets in rows:
        assert {k: params[k] for k in ("top_k", "weighting", "max_weight", "sector_cap", "rebalance", "regime_scale")} == {
            "top_k": 50, "weighting": "EQUAL", "max_weight": 0.05, "sector_cap": 0.3, "rebalance": "MONTHLY", "regime_scale": 1.0}
        assert params["selected"] == n_targets == 50 and params["candidates"] == 200


def test_regime_scale_applied_is_recorded(loaded_db: str) -> None:
    req = SEED.model_copy(update={"start_date": dt.date(2020, 2, 1), "end_date": dt.date(2020, 4, 30), "portfolio_id": "T.REGIME",
                                  "config_overrides": {"portfolio": {"regime_scaling": {"CRISIS": 0.25}}}})
    res = run_backtest(req, RunOptions(url=writer_of(loaded_db)))
    with psycopg.connect(loaded_db) as c:
        rows = c.execute("""select t.as_of_date, t.optimization_params ->> 'regime', (t.optimization_params ->> 'regime_scale')::float8,
                                   (select sum(value::float8) from jsonb_each_text(t.target_positions))
                              from runtime.target_portfolios t where t.run_id = %s order by 1""", (res.run_id,)).fetchall()
    assert [(r[1], r[2]) for r in rows][-1] == ("CRISIS", 0.25), rows  # April 2020 decides in the COVID crisis
    for _day, _regime, scale, gross in rows:
        assert 0.9 * scale <= gross <= scale + 1e-9, "the scale applied is the one the targets show"


def test_scores_and_universe_are_point_in_time(seed_run: Any, conn: psycopg.Connection[Any]) -> None:
    r = seed_run.run_id
    # the momentum of AAPL for the 2023-02-01 decision uses closes up to 2023-01-31 only
    mom = one(conn, """select (alpha_components ->> 'momentum_12_1')::float8 from runtime.instrument_scores
                        where run_id = %s and instrument_id = 'AAPL' and as_of_date = '2023-02-01'""", r)
    closes = [x[0] for x in conn.execute("""select adjusted_close from hist.prices_daily where instrument_id = 'AAPL'
                                             and trade_date < '2023-02-01' order by trade_date desc limit 253""")]
    assert mom == pytest.approx(closes[21] / closes[252] - 1, rel=1e-12)
    n = one(conn, "select count(*) filter (where included) from runtime.universe_members where run_id = %s and as_of_date = '2023-02-01'", r)
    assert n == 200


def test_rows_arrive_while_the_run_goes_on(loaded_db: str) -> None:
    seen: list[int] = []

    def progress(frac: float, day: dt.date, days: int) -> None:
        with psycopg.connect(loaded_db) as other:
            seen.append(one(other, "select count(*) from runtime.backtest_daily_equity e join runtime.backtest_runs b "
                                   "using (run_id) where b.status = 'RUNNING'"))

    run_backtest(SEED, RunOptions(url=loaded_db, chunk_days=50, progress=progress))
    # phases before the loop see no rows yet; then each chunk of 50 days is visible to another session
    during = [n for n in seen if n > 0]
    assert seen[0] == 0 and during == sorted(during) and sorted(set(during)) == [50, 100, 150, 200, 250]


def test_failed_run_leaves_no_rows(loaded_db: str) -> None:
    class Exploding:
        def __init__(self, inner: Any) -> None:
            self.inner = inner
            self.calls = 0

        def target_positions_fn(self, day: dt.date) -> dict[str, float]:
            self.calls += 1
            if self.calls == 6:
                raise RuntimeError("strategy blew up in June")
            return self.inner.target_positions_fn(day)  # type: ignore[no-any-return]

    def factory(*args: Any) -> Exploding:
        return Exploding(make_strategy(*args))

    with pytest.raises(RuntimeError, match="blew up"):
        run_backtest(SEED, RunOptions(url=loaded_db, chunk_days=40, strategy_factory=factory))
    with psycopg.connect(loaded_db) as conn:
        run_id, status, error = conn.execute("select run_id, status, error from runtime.backtest_runs order by created_at desc limit 1").fetchone()  # type: ignore[misc]
        assert status == "FAILED" and "blew up" in error
        for table in run_tables(conn):
            assert one(conn, f"select count(*) from {table} where run_id = %s", run_id) == 0, table


def test_seed_config_row_is_the_pydantic_default(conn: psycopg.Connection[Any]) -> None:
    row = one(conn, "select config_json from runtime.strategy_configs where strategy_id = 'US_CORE_LONG_EQ' and is_active")
    assert StrategyConfig.model_validate(row).model_dump(mode="json") == DEFAULT_STRATEGIES["US_CORE_LONG_EQ"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["US_CORE_LONG_EQ", "2024-01-01", "2023-01-01", "US_EQ"], "is before start_date"),
        (["US_CORE_LONG_EQ", "1995-01-01", "1996-01-01", "US_EQ"], "outside the loaded data"),
        (["US_CORE_LONG_EQ", "2023-01-01", "2030-01-01", "US_EQ"], "outside the loaded data"),
        (["NOPE", "2023-01-01", "2024-01-01", "US_EQ"], "unknown strategy 'NOPE'"),
        (["US_CORE_LONG_EQ", "2023-01-01", "2024-01-01", "EU_EQ"], "unknown market 'EU_EQ'"),
        (["US_CORE_LONG_EQ", "2023-13-01", "2024-01-01", "US_EQ"], "is not a date"),
        (["US_CORE_LONG_EQ", "yesterday", "2024-01-01", "US_EQ"], "is not a date"),
        (["bad id", "2023-01-01", "2024-01-01", "US_EQ"], "strategy_id"),
    ],
)
def test_cli_bad_input_exits_non_zero_with_one_line_and_writes_nothing(loaded_db: str, args: list[str], message: str) -> None:
    with psycopg.connect(loaded_db) as c:
        before = one(c, "select count(*) from runtime.backtest_runs")
    env = {**os.environ, "DATABASE_URL": loaded_db, "PYCORE_DATABASE_URL": writer_of(loaded_db)}
    res = subprocess.run([sys.executable, "-m", "pycore.backtest", "run", *args, "--quiet"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False)
    assert res.returncode != 0
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ") and message in lines[0], lines[0]
    with psycopg.connect(loaded_db) as c:
        assert one(c, "select count(*) from runtime.backtest_runs") == before


def test_cli_bad_config_names_the_field(loaded_db: str, tmp_path: Path) -> None:
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"portfolio": {"top_k": 0}}))
    env = {**os.environ, "PYCORE_DATABASE_URL": writer_of(loaded_db), "DATABASE_URL": loaded_db}
    res = subprocess.run([sys.executable, "-m", "pycore.backtest", "run", "US_CORE_LONG_EQ", "2023-01-01", "2024-01-01",
                          "US_EQ", "--config", str(cfg), "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert res.returncode == 1
    assert "portfolio.top_k" in res.stderr and res.stderr.count("\n") == 1


def test_cli_run_list_show(seed_run: Any, loaded_db: str) -> None:
    env = {**os.environ, "PYCORE_DATABASE_URL": writer_of(loaded_db), "DATABASE_URL": loaded_db}
    res = subprocess.run([sys.executable, "-m", "pycore.backtest", "run", "US_CORE_LONG_EQ", "2023-06-01", "2023-09-01", "US_EQ"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    run_id = uuid.UUID(res.stdout.splitlines()[0].split()[-1])
    assert "sharpe_ratio" in res.stdout and "100.0%" in res.stderr  # the progress bar reached the end
    listing = subprocess.run([sys.executable, "-m", "pycore.backtest", "list"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert str(run_id) in listing.stdout and str(seed_run.run_id) in listing.stdout
    show = subprocess.run([sys.executable, "-m", "pycore.backtest", "show", str(run_id)], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "SUCCEEDED" in show.stdout and "annualized_return" in show.stdout
    missing = subprocess.run([sys.executable, "-m", "pycore.backtest", "show", str(uuid.uuid4())], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=False)
    assert missing.returncode == 1 and "no run" in missing.stderr


def test_python_api_returns_the_run_id(loaded_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pycore.backtest import run_sleeve_backtest

    monkeypatch.setenv("PYCORE_DATABASE_URL", writer_of(loaded_db))
    run_id = run_sleeve_backtest("US_CORE_LONG_EQ", "2023-01-01", "2023-03-01", ["US_EQ"])
    with psycopg.connect(loaded_db) as c:
        assert one(c, "select status from runtime.backtest_runs where run_id = %s", run_id) == "SUCCEEDED"
    with pytest.raises(BacktestError):
        run_sleeve_backtest("US_CORE_LONG_EQ", "2023-03-01", "2023-01-01", ["US_EQ"])
    with pytest.raises(ConfigError):
        run_sleeve_backtest("US_CORE_LONG_EQ", "2023-01-01", "2023-03-01", ["US_EQ"], config_overrides={"execution": {"volume_cap": 2}})
    with pytest.raises(MarketDataError):
        run_sleeve_backtest("US_CORE_LONG_EQ", "1980-01-01", "1981-03-01", ["US_EQ"])
