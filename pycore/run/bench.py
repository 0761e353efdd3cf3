"""Benchmark of the backtest core on the full data (``python -m pycore.bench``).

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

import datetime as dt
import resource
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from pycore.run.config import BacktestRequest
from pycore.run.service import RunOptions, RunResult, run_backtest
from pycore.run.simulation import build_simulation
from pycore.run.writer import RowContext, table_specs


def _last_date(conn: psycopg.Connection[Any]) -> dt.date:
    row = conn.execute("select max(trade_date) from hist.prices_daily").fetchone()
    assert row is not None and row[0] is not None, "load the market data first"
    return row[0]  # type: ignore[no-any-return]


def loop_speed(res: RunResult, repeats: int = 5) -> tuple[float, float]:
    """Best seconds of the pure simulation loop, and instrument-days per second."""
    md, cfg = res.market_data, res.config
    assert md is not None and cfg is not None
    best = float("inf")
    for _ in range(repeats):
        runner = build_simulation(md, cfg, res.strategy, 1).runner
        t0 = time.perf_counter()
        runner.run()
        best = min(best, time.perf_counter() - t0)
    return best, md.instrument_days / best


def plain_copy_seconds(conn: psycopg.Connection[Any], res: RunResult) -> float:
    """COPY the identical payloads into the same tables (rows of the run removed first, untimed); rolled back."""
    assert res.writer is not None
    specs = table_specs(RowContext(res.run_id, 0, "", "", "", []))
    total = 0.0
    with conn.transaction(force_rollback=True):
        conn.execute("select core.purge_run(%s)", (res.run_id,))  # the one list of run tables, in SQL
        for name, payload in res.writer.payloads:
            table, fields = specs[name]
            stmt = sql.SQL("copy {} ({}) from stdin (format binary)").format(
                sql.Identifier(*table.split(".")), sql.SQL(", ").join(sql.Identifier(f[0]) for f in fields)
            )
            t0 = time.perf_counter()
            with conn.cursor() as cur, cur.copy(stmt) as copy:
                copy.write(payload)
            total += time.perf_counter() - t0
    return total


@dataclass(frozen=True)
class BenchReport:
    """The three figures of a benchmark run and what they were measured on."""

    run: RunResult
    start: dt.date
    end: dt.date
    wall_seconds: float
    peak_mib: float
    loop_seconds: float
    instrument_days_per_second: float
    write_seconds: float
    plain_copy_seconds: float

    def lines(self) -> list[str]:
        res, md, writer = self.run, self.run.market_data, self.run.writer
        assert md is not None and writer is not None
        rows, write_s, plain_s = writer.stats.total_rows, self.write_seconds, self.plain_copy_seconds
        out = [
            f"run {res.run_id}: {len(md.instruments)} instruments x {len(md.dates) - md.start_index} sessions "
            f"({self.start} .. {self.end}), {res.metrics.get('rebalances')} rebalances",
            f"(a) simulation loop, no database: {self.loop_seconds * 1000:,.1f} ms for {res.instrument_days:,} instrument-days "
            f"= {self.instrument_days_per_second / 1e6:,.1f} M instrument-days/s  (target >= 5 M)",
            f"(b) rows written: {rows:,} in {write_s:.2f} s = {rows / write_s:,.0f} rows/s (encode {writer.stats.encode_seconds:.2f} s); "
            f"plain binary COPY of the same rows: {plain_s:.2f} s = {rows / plain_s:,.0f} rows/s; "
            f"ratio {plain_s / write_s:.2f}  (target >= 0.7)",
        ]
        out += [f"      {table:<32} {n:>9,}" for table, n in sorted(res.rows.items(), key=lambda kv: -kv[1])]
        out.append(
            f"(c) end to end: {self.wall_seconds:.1f} s  (target < 60 s); peak memory of this process {self.peak_mib:,.0f} MiB"
        )
        out.append("    phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in res.timings.items()))
        return out


def measure(url: str, start: dt.date = dt.date(2005, 1, 3), end: dt.date | None = None) -> BenchReport:
    """Run the benchmark backtest (portfolio BENCH) from ``start`` to ``end`` (default: the last loaded date) and
    measure (a), (b) and (c)."""
    with psycopg.connect(url) as conn:
        end = end or _last_date(conn)
    req = BacktestRequest(
        strategy_id="US_CORE_LONG_EQ", start_date=start, end_date=end, market_ids=("US_EQ",), portfolio_id="BENCH"
    )
    t0 = time.perf_counter()
    res = run_backtest(req, RunOptions(url=url, keep_payloads=True))
    wall = time.perf_counter() - t0
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    loop_s, ids = loop_speed(res)
    assert res.writer is not None
    with psycopg.connect(url) as conn:
        plain_s = plain_copy_seconds(conn, res)
    return BenchReport(
        run=res,
        start=start,
        end=end,
        wall_seconds=wall,
        peak_mib=peak_mib,
        loop_seconds=loop_s,
        instrument_days_per_second=ids,
        write_seconds=res.writer.stats.seconds,
        plain_copy_seconds=plain_s,
    )
