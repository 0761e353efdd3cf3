"""The seed's Step 2 in psql: a real ``analyst`` login runs the six queries verbatim and they answer about the
newest run, booked into portfolio MAIN; the analyst cannot change anything."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from pycore.db import with_user
from pycore.run.config import BacktestRequest
from pycore.run.service import RunOptions, run_backtest
from tests.integration.test_backtest import writer_of

# The seed's "Testing the Flow", Step 2, character for character.
STEP2 = [
    "SELECT run_id, strategy_id, start_date, end_date, metrics_json FROM backtest_runs ORDER BY created_at DESC LIMIT 1;",
    "SELECT as_of_date, equity, drawdown FROM backtest_daily_equity WHERE run_id = (SELECT run_id FROM backtest_runs ORDER BY created_at DESC LIMIT 1) ORDER BY as_of_date;",
    "SELECT as_of_date, instrument_id, side, quantity, price, pnl FROM backtest_trades WHERE run_id = (SELECT run_id FROM backtest_runs ORDER BY created_at DESC LIMIT 1) ORDER BY as_of_date LIMIT 20;",
    "SELECT as_of_date, instrument_id, quantity, market_value FROM positions_snapshots WHERE portfolio_id = 'MAIN' ORDER BY as_of_date DESC, market_value DESC LIMIT 20;",
    "SELECT as_of_date, target_positions FROM target_portfolios WHERE portfolio_id = 'MAIN' ORDER BY as_of_date DESC LIMIT 1;",
    "SELECT as_of_date, portfolio_value, risk_metrics FROM portfolio_risk_reports WHERE portfolio_id = 'MAIN' ORDER BY as_of_date DESC LIMIT 1;",
]
# The seed's example: no portfolio named, so it books into MAIN.
EXAMPLE = BacktestRequest(strategy_id="US_CORE_LONG_EQ", start_date=dt.date(2023, 1, 1), end_date=dt.date(2024, 1, 1),
                          market_ids=("US_EQ",))


@pytest.fixture(scope="module")
def newest(loaded_db: str) -> Any:
    return run_backtest(EXAMPLE, RunOptions(url=writer_of(loaded_db)))


@pytest.fixture
def analyst(loaded_db: str, newest: Any) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    with psycopg.connect(with_user(loaded_db, "analyst")) as c:
        yield c


def answer(conn: psycopg.Connection[Any], k: int) -> list[tuple[Any, ...]]:
    return conn.execute(STEP2[k - 1]).fetchall()  # type: ignore[arg-type]


def test_the_analyst_session_is_read_only_with_the_seed_search_path(analyst: psycopg.Connection[Any]) -> None:
    assert analyst.execute("select current_user, current_setting('search_path'), current_setting('transaction_read_only')"
                           ).fetchone() == ("analyst", "runtime, hist, api, public", "on")


def test_query_1_is_the_newest_run(analyst: psycopg.Connection[Any], newest: Any) -> None:
    rows = answer(analyst, 1)
    assert len(rows) == 1
    run_id, strategy, start, end, metrics = rows[0]
    assert (run_id, strategy, start, end) == (newest.run_id, "US_CORE_LONG_EQ", dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    assert metrics["sharpe_ratio"] == pytest.approx(newest.metrics["sharpe_ratio"])
    assert {"cumulative_return", "annualized_return", "annualized_volatility", "sortino_ratio", "calmar_ratio",
            "max_drawdown"} <= set(metrics)


def test_query_2_is_the_newest_equity_curve(analyst: psycopg.Connection[Any], newest: Any) -> None:
    rows = answer(analyst, 2)
    assert len(rows) == 250 == newest.metrics["days"]
    assert rows[0][0] == dt.date(2023, 1, 3) and rows[-1][0] == dt.date(2023, 12, 29)
    assert rows[-1][1] == pytest.approx(newest.metrics["final_equity"])
    assert all(e > 0 and -1 <= dd <= 0 for _, e, dd in rows)


def test_query_3_is_the_newest_runs_first_trades(analyst: psycopg.Connection[Any], newest: Any, conn: psycopg.Connection[Any]) -> None:
    rows = answer(analyst, 3)
    assert len(rows) == 20
    own = set(conn.execute("select as_of_date, instrument_id, side, quantity, price, pnl from runtime.backtest_trades where run_id = %s",
                           (newest.run_id,)).fetchall())
    assert set(rows) <= own, "every trade answered is the newest run's"
    assert rows[0][0] == dt.date(2023, 1, 3) and {r[2] for r in rows} == {"BUY"}, "the first rebalance buys the book"


def test_query_4_is_mains_latest_positions(analyst: psycopg.Connection[Any], newest: Any, conn: psycopg.Connection[Any]) -> None:
    rows = answer(analyst, 4)
    assert len(rows) == 20
    assert rows[0][0] == dt.date(2023, 12, 29) and [r[3] for r in rows] == sorted((r[3] for r in rows), reverse=True)
    own = set(conn.execute("select as_of_date, instrument_id, quantity, market_value from runtime.positions_snapshots "
                           "where run_id = %s and as_of_date = '2023-12-29'", (newest.run_id,)).fetchall())
    assert set(rows) <= own, "MAIN holds the newest run's positions"


def test_query_5_is_mains_latest_target(analyst: psycopg.Connection[Any], newest: Any, conn: psycopg.Connection[Any]) -> None:
    rows = answer(analyst, 5)
    assert len(rows) == 1
    day, target = rows[0]
    assert day == dt.date(2023, 12, 1) and len(target) == 50
    assert target == conn.execute("select target_positions from runtime.target_portfolios where run_id = %s and as_of_date = %s",
                                  (newest.run_id, day)).fetchone()[0]  # type: ignore[index]


def test_query_6_is_mains_latest_risk_report(analyst: psycopg.Connection[Any], newest: Any, conn: psycopg.Connection[Any]) -> None:
    rows = answer(analyst, 6)
    assert len(rows) == 1
    day, value, risk = rows[0]
    assert day == dt.date(2023, 12, 1) and value > 0
    assert {"volatility", "var_95", "es_95", "max_drawdown", "beta"} <= set(risk)
    assert (value, risk) == conn.execute("select portfolio_value, risk_metrics from runtime.portfolio_risk_reports "
                                         "where run_id = %s and as_of_date = %s", (newest.run_id, day)).fetchone()


@pytest.mark.parametrize("statement", [
    "delete from backtest_trades",
    "update backtest_runs set strategy_id = 'X'",
    "insert into positions_snapshots (snapshot_id) values (1)",
    "create table runtime.scratch (x int)",
    "set transaction read write",
])
def test_the_analyst_changes_nothing(analyst: psycopg.Connection[Any], statement: str) -> None:
    with pytest.raises((psycopg.errors.ReadOnlySqlTransaction, psycopg.errors.InsufficientPrivilege,
                        psycopg.errors.ActiveSqlTransaction)):
        analyst.execute(statement)  # type: ignore[arg-type]
        analyst.execute("delete from backtest_trades")


def test_the_deployed_database_resolves_the_seeds_names_for_every_role(template_db: str) -> None:
    """The database-level search path (set by the deploy): a superuser session runs the seed's SQL unqualified too."""
    with psycopg.connect(template_db) as c:
        assert c.execute("show search_path").fetchone() == ('"$user", runtime, hist, api, public',)
        assert c.execute(STEP2[0]).fetchall() == []
        assert c.execute("select count(*) from procrastinate_jobs").fetchone() == (0,), "procrastinate's tables stay reachable"
