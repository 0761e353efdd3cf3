"""A run's chunks written from two connections at once (pycore.run.writer.ChunkPipeline), and its risk reports
computed in two date ranges at once: the same rows as one connection writes, committed and announced in date order."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import uuid
from typing import Any

import psycopg
import pytest

from pycore.db import with_user
from pycore.run.config import BacktestRequest
from pycore.run.service import RunOptions, run_backtest

REQ = BacktestRequest(strategy_id="US_CORE_LONG_EQ", start_date=dt.date(2022, 1, 1), end_date=dt.date(2023, 1, 1),
                      market_ids=("US_EQ",))  # fmt: skip
# what a run writes, without what differs from run to run (ids, run_id, created_at)
ROWS = {
    "runtime.positions_snapshots": "as_of_date, instrument_id, quantity, avg_cost, market_value, last_price, weight, metadata",
    "runtime.orders": "trade_date, instrument_id, side, order_type, quantity, filled_quantity, status, reason",
    "runtime.fills": "trade_date, instrument_id, side, quantity, price, commission, slippage",
    "runtime.backtest_trades": "as_of_date, instrument_id, side, quantity, price, pnl, commission",
    "runtime.executed_actions": "trade_date, instrument_id, side, quantity, price, slippage, fees",
    "runtime.backtest_daily_equity": "as_of_date, equity, cash, drawdown, gross_exposure, net_exposure, daily_return",
    "runtime.target_portfolios": "as_of_date, target_positions, optimization_params",
}


def rows_of(url: str, run_id: uuid.UUID) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as conn:
        return {table: conn.execute(f"select {cols} from {table} where run_id = %s order by {cols}", (run_id,)).fetchall()
                for table, cols in ROWS.items()}  # fmt: skip


@pytest.fixture(scope="module")
def two_runs(loaded_db: str) -> tuple[uuid.UUID, uuid.UUID, list[dict[str, Any]]]:
    """The same request written by one stream and by two, 20 days a chunk; the live chunk events of the second."""
    writer = with_user(loaded_db, "pycore_writer")
    one = run_backtest(REQ, RunOptions(url=writer, chunk_days=20, write_streams=1))
    with psycopg.connect(loaded_db, autocommit=True) as listener:
        listener.execute("listen prometheus_events")
        two = run_backtest(REQ, RunOptions(url=writer, chunk_days=20, write_streams=2))
        events = [json.loads(n.payload) for n in listener.notifies(timeout=2.0)]
    chunks = [e for e in events if e.get("type") == "chunk" and e.get("run_id") == str(two.run_id)]
    return one.run_id, two.run_id, chunks


def test_two_streams_write_the_rows_one_stream_writes(loaded_db: str, two_runs: tuple[uuid.UUID, uuid.UUID, Any]) -> None:
    one, two, _ = two_runs
    a, b = rows_of(loaded_db, one), rows_of(loaded_db, two)
    assert all(a[t] for t in ROWS), "every table has rows"
    assert a == b


def test_the_chunks_are_committed_and_announced_in_date_order(loaded_db: str,
                                                             two_runs: tuple[uuid.UUID, uuid.UUID, Any]) -> None:  # fmt: skip
    _, two, chunks = two_runs
    with psycopg.connect(loaded_db) as conn:
        days = [d for (d,) in conn.execute("select as_of_date from runtime.backtest_daily_equity where run_id = %s "
                                           "order by as_of_date", (two,))]  # fmt: skip
    spans = [(dt.date.fromisoformat(c["from"]), dt.date.fromisoformat(c["through"])) for c in chunks if c["part"] == 1]
    assert len(spans) == -(-len(days) // 20), "one event (first part) per chunk of 20 days"
    assert spans[0][0] == days[0] and spans[-1][1] == days[-1]
    assert all(prev[1] < nxt[0] for prev, nxt in itertools.pairwise(spans)), "in date order, no overlap"
    progress = [c["progress"] for c in chunks if c["part"] == 1]
    assert progress == sorted(progress) and progress[-1] == 1.0


def test_risk_reports_computed_in_two_halves_at_once_equal_one_call(loaded_db: str,
                                                                  two_runs: tuple[uuid.UUID, uuid.UUID, Any]) -> None:  # fmt: skip
    one, two, _ = two_runs
    q = ("select r.report_id - b.run_seq * 4294967296, r.as_of_date, r.portfolio_value, r.cash, r.net_exposure, "
         "r.gross_exposure, r.leverage, r.risk_metrics, r.scenario_pnl, r.exposures_by_sector, r.exposures_by_factor, "
         "r.metadata from runtime.portfolio_risk_reports r join runtime.backtest_runs b using (run_id) "
         "where r.run_id = %s order by r.as_of_date")  # fmt: skip
    with psycopg.connect(loaded_db) as conn:
        a, b = conn.execute(q, (one,)).fetchall(), conn.execute(q, (two,)).fetchall()
    assert len(a) >= 10 and [r[0] for r in a] == list(range(1, len(a) + 1)), "one report per rebalance date, numbered"
    # the same numbers, up to the order in which a hash aggregate added the holdings' returns (last bits)
    assert len(a) == len(b) and all(map(close, a, b))


def close(x: Any, y: Any) -> bool:
    """Equal, floats within 1e-12 relative, through tuples, lists and JSON objects."""
    if isinstance(x, float) and isinstance(y, float):
        return x == pytest.approx(y, rel=1e-12, abs=1e-15)
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(close(x[k], y[k]) for k in x)
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return len(x) == len(y) and all(map(close, x, y))
    return bool(x == y)
