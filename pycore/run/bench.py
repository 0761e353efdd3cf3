"""Benchmark of the backtest core on the full data: ``python -m pycore.bench``.

Runs US_CORE_LONG_EQ over every loaded name from 2005-01-03 to the last loaded
date (rebalance checked daily, taken monthly) and prints:

(a) the simulation loop's speed with no database: instrument-days per second of
    TimeMachine + MarketSimulator + BacktestBroker + BacktestRunner over the dense
    arrays (best of several runs; the strategy serves precomputed targets);
(b) rows per second written to runtime, and its ratio to a plain binary COPY of
    the very same rows into the same tables, measured in the same run (inside a
    transaction that is rolled back);
(c) the end-to-end wall time of the run, all tables written, and peak memory.

Targets (issue 3): (a) >= 5M instrument-days/s, (b) ratio >= 0.7, (c) < 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from typing import Any

import psycopg
from psycopg import sql

from pycore.run.service import RunResult, rebalance_mask, run_backtest
from pycore.run.config import BacktestRequest, config_json
from pycore.dev.cluster import writer_url
from pycore.run.writer import RunContext, table_specs
from pycore_ext.broker import BacktestBroker, RunBuffers
from pycore_ext.runner import BacktestRunner
from pycore_ext.simulator import MarketSimulator


def _last_date(conn: psycopg.Connection[Any]) -> dt.date:
    row = conn.execute("select max(trade_date) from hist.prices_daily").fetchone()
    assert row is not None and row[0] is not None, "load the market data first"
    return row[0]  # type: ignore[no-any-return]


def loop_speed(res: RunResult, repeats: int = 5) -> tuple[float, float]:
    """Best seconds of the pure simulation loop, and instrument-days per second."""
    md = res.market_data
    assert md is not None
    best = float("inf")
    for _ in range(repeats):
        tm = md.time_machine()
        strat = res.strategy
        ex = strat.cfg.execution
        sim = MarketSimulator(tm, initial_cash=strat.cfg.initial_capital, price_model=ex.price_model,
                              commission_type=ex.commission.type, commission_rate=ex.commission.rate,
                              commission_min=ex.commission.minimum, slippage_bps=ex.slippage_bps,
                              impact_bps=ex.impact_bps, volume_cap=ex.volume_cap, min_trade_value=ex.min_trade_value)
        buf = RunBuffers(1)
        runner = BacktestRunner(tm, sim, BacktestBroker(sim, buf), buf, strat, rebalance_mask(md, strat.cfg),
                                config_json(strat.cfg))
        t0 = time.perf_counter()
        runner.run()
        best = min(best, time.perf_counter() - t0)
    return best, md.instrument_days / best


def plain_copy_seconds(conn: psycopg.Connection[Any], res: RunResult) -> float:
    """COPY the identical payloads into the same tables (rows of the run removed first, untimed); rolled back."""
    assert res.writer is not None
    specs = table_specs(RunContext(res.run_id, 0, "", "", "", []))
    total = 0.0
    with conn.transaction(force_rollback=True):
        for table in ("runtime.backtest_trades", "runtime.executed_actions", "runtime.fills", "runtime.orders",
                      "runtime.positions_snapshots", "runtime.backtest_daily_equity", "runtime.target_portfolios",
                      "runtime.engine_decisions"):
            conn.execute(sql.SQL("delete from {} where run_id = %s").format(sql.Identifier(*table.split("."))), (res.run_id,))
        for name, payload in res.writer.payloads:
            table, fields = specs[name]
            stmt = sql.SQL("copy {} ({}) from stdin (format binary)").format(
                sql.Identifier(*table.split(".")), sql.SQL(", ").join(sql.Identifier(f[0]) for f in fields))
            t0 = time.perf_counter()
            with conn.cursor() as cur, cur.copy(stmt) as copy:
                copy.write(payload)
            total += time.perf_counter() - t0
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pycore.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2005, 1, 3))
    parser.add_argument("--end", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    url = writer_url()
    with psycopg.connect(url) as conn:
        end = args.end or _last_date(conn)
    req = BacktestRequest(strategy_id="US_CORE_LONG_EQ", start_date=args.start, end_date=end, market_ids=("US_EQ",),
                          portfolio_id="BENCH")
    t0 = time.perf_counter()
    res = run_backtest(req, url=url, keep_payloads=True)
    wall = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    loop_s, ids = loop_speed(res)
    assert res.writer is not None
    rows = res.writer.stats.total_rows
    write_s = res.writer.stats.seconds
    with psycopg.connect(url) as conn:
        plain_s = plain_copy_seconds(conn, res)
    md = res.market_data
    assert md is not None
    print(f"run {res.run_id}: {len(md.instruments)} instruments x {len(md.dates) - md.start_index} sessions "
          f"({args.start} .. {end}), {res.metrics.get('rebalances')} rebalances")
    print(f"(a) simulation loop, no database: {loop_s * 1000:,.1f} ms for {res.instrument_days:,} instrument-days "
          f"= {ids / 1e6:,.1f} M instrument-days/s  (target >= 5 M)")
    print(f"(b) rows written: {rows:,} in {write_s:.2f} s = {rows / write_s:,.0f} rows/s (encode {res.writer.stats.encode_seconds:.2f} s); "
          f"plain binary COPY of the same rows: {plain_s:.2f} s = {rows / plain_s:,.0f} rows/s; "
          f"ratio {plain_s / write_s:.2f}  (target >= 0.7)")
    for table, n in sorted(res.rows.items(), key=lambda kv: -kv[1]):
        print(f"      {table:<32} {n:>9,}")
    print(f"(c) end to end: {wall:.1f} s  (target < 60 s); peak memory of this process {peak_mb:,.0f} MiB")
    print("    phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in res.timings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
