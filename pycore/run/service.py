"""Run backtests: ``python -m pycore.backtest run|list|show``, and ``run_sleeve_backtest``.

    python -m pycore.backtest run US_CORE_LONG_EQ 2023-01-01 2024-01-01 US_EQ [--config FILE] [--portfolio-id ID] [--sleeve-id ID]
    python -m pycore.backtest list
    python -m pycore.backtest show RUN_ID
    python -m pycore.backtest report RUN_ID [--out FILE]

A run validates everything first (dates, market, strategy config) and writes
nothing when the input is bad. It then registers the run (in portfolio ``MAIN``
unless the request names another; as the strategy's sleeve unless it names one),
runs the SQL engines,
simulates the days in chunks with the compiled core, COPYs each chunk's rows and
commits (so a watcher sees rows arrive), and finally stores the metrics. A run
that fails has its rows removed and is marked FAILED with the error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from psycopg.types.json import Jsonb
from pydantic import ValidationError

from pycore.run.config import DEFAULT_PORTFOLIO_ID, BacktestRequest, ConfigError, StrategyConfig, config_json, describe, parse_config
from pycore.dev.cluster import DevDbError, writer_url
from pycore.data.marketdata import MarketData, MarketDataError, load_market_data
from pycore.run.metrics import compute_metrics
from pycore.run.report import ReportError, write_report
from pycore.run.strategies import make_strategy
from pycore.run.writer import RunContext, RunWriter, purge_run
from pycore_ext.broker import BacktestBroker, RunBuffers
from pycore_ext.copybuf import pg_to_date
from pycore_ext.runner import BacktestRunner
from pycore_ext.simulator import MarketSimulator

ProgressFn = Callable[[float, dt.date, int], None]


class BacktestError(ValueError):
    """The request cannot be run; nothing was written."""


@dataclass
class RunResult:
    run_id: uuid.UUID
    metrics: dict[str, Any]
    rows: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)
    instrument_days: int = 0
    writer: RunWriter | None = None
    market_data: MarketData | None = None
    strategy: Any = None


def load_strategy_config(conn: psycopg.Connection[Any], strategy_id: str, overrides: dict[str, Any] | None) -> StrategyConfig:
    row = conn.execute(
        "select config_json from runtime.strategy_configs where strategy_id = %s and is_active", (strategy_id,)
    ).fetchone()
    if row is None:
        known = [r[0] for r in conn.execute("select distinct strategy_id from runtime.strategy_configs order by 1")]
        raise BacktestError(f"unknown strategy {strategy_id!r}; configured: {', '.join(known) or 'none'}")
    data = dict(row[0])
    data.setdefault("strategy_id", strategy_id)
    return parse_config(data, overrides)


def rebalance_mask(md: MarketData, cfg: StrategyConfig) -> np.ndarray:
    T = len(md.dates)
    mask = np.zeros(T, dtype=np.uint8)
    t0 = md.start_index
    if cfg.portfolio.rebalance == "EVERY_N_DAYS":
        mask[t0 :: cfg.portfolio.rebalance_every_n_days] = 1
    else:
        mask[t0] = 1
        months = [(d.year, d.month) for d in (pg_to_date(int(x)) for x in md.dates)]
        for t in range(t0 + 1, T):
            if months[t] != months[t - 1]:
                mask[t] = 1
    return mask


def validate_request(req: BacktestRequest) -> None:
    if len(set(req.market_ids)) != len(req.market_ids):
        raise BacktestError("market ids repeat")
    if len(req.market_ids) != 1:
        raise BacktestError("a sleeve backtest trades one market; give exactly one market id")


# Progress of a run as the fraction a watcher sees: market data loaded, engines
# (scores, universe) computed, the day loop (the bulk of the fraction, by day),
# risk reports and decision outcomes written. 1.0 is set when the run is stored.
PHASE_LOADED, PHASE_ENGINES, PHASE_SIMULATED, PHASE_REPORTED = 0.05, 0.25, 0.85, 0.97


def run_backtest(
    req: BacktestRequest,
    *,
    url: str | None = None,
    progress: ProgressFn | None = None,
    chunk_days: int = 252,
    strategy_factory: Callable[..., Any] | None = None,
    keep_payloads: bool = False,
    on_run_started: Callable[[uuid.UUID], None] | None = None,
) -> RunResult:
    """Run a backtest end to end; returns its id, metrics and row counts."""
    validate_request(req)
    timings: dict[str, float] = {}
    t_start = time.perf_counter()
    with psycopg.connect(url or writer_url()) as conn:
        cfg = load_strategy_config(conn, req.strategy_id, req.config_overrides)
        if cfg.market_id != req.market_ids[0]:
            cfg = parse_config(cfg.model_dump(mode="json"), {"market_id": req.market_ids[0]})
        portfolio_id = req.portfolio_id or cfg.portfolio_id or DEFAULT_PORTFOLIO_ID
        sleeve_id = req.sleeve_id or cfg.strategy_id
        lookback = max(cfg.assessment.momentum_lookback_days, cfg.universe.min_history_days, 2) + 5
        t = time.perf_counter()
        md = load_market_data(conn, cfg.market_id, req.start_date, req.end_date, lookback_days=lookback)
        timings["load_market_data"] = time.perf_counter() - t
        conn.commit()
        if progress is not None:
            progress(PHASE_LOADED, req.start_date, 0)
        run_row = conn.execute(
            "insert into runtime.backtest_runs (strategy_id, config_json, start_date, end_date, universe_id, mode, "
            "portfolio_id, sleeve_id, market_ids, status, started_at) "
            "values (%s, %s, %s, %s, %s, 'BACKTEST', %s, %s, %s, 'RUNNING', now()) returning run_id, run_seq",
            (cfg.strategy_id, Jsonb(json.loads(config_json(cfg))), req.start_date, req.end_date,
             f"{cfg.strategy_id}_UNIVERSE", portfolio_id, sleeve_id, list(req.market_ids)),
        ).fetchone()
        assert run_row is not None
        run_id, run_seq = run_row
        conn.commit()
        try:
            if on_run_started is not None:
                on_run_started(run_id)
            result = _simulate(conn, req, cfg, md, run_id, run_seq, portfolio_id, sleeve_id, progress, chunk_days,
                               strategy_factory, timings, keep_payloads)
        except BaseException as exc:
            conn.rollback()
            purge_run(conn, run_id)
            conn.execute(
                "update runtime.backtest_runs set status = 'FAILED', error = %s, finished_at = now() where run_id = %s",
                (f"{type(exc).__name__}: {exc}"[:2000], run_id),
            )
            conn.commit()
            raise
    result.timings["total"] = time.perf_counter() - t_start
    return result


def _simulate(conn: psycopg.Connection[Any], req: BacktestRequest, cfg: StrategyConfig, md: MarketData,
              run_id: uuid.UUID, run_seq: int, portfolio_id: str, sleeve_id: str, progress: ProgressFn | None, chunk_days: int,
              strategy_factory: Callable[..., Any] | None, timings: dict[str, float], keep_payloads: bool) -> RunResult:
    mask = rebalance_mask(md, cfg)
    decision_dates = [pg_to_date(int(md.dates[t])) for t in np.flatnonzero(mask)]
    t = time.perf_counter()
    sectors = dict(zip(md.instruments, md.sectors))
    factory = strategy_factory or make_strategy
    strategy = factory(conn, run_id, cfg, decision_dates, sectors)
    conn.commit()
    timings["engines"] = time.perf_counter() - t
    tm = md.time_machine()
    if progress is not None:
        progress(PHASE_ENGINES, tm.date_at(tm.t0), 0)
    ex = cfg.execution
    sim = MarketSimulator(
        tm, initial_cash=cfg.initial_capital, price_model=ex.price_model, commission_type=ex.commission.type,
        commission_rate=ex.commission.rate, commission_min=ex.commission.minimum, slippage_bps=ex.slippage_bps,
        impact_bps=ex.impact_bps, volume_cap=ex.volume_cap, min_trade_value=ex.min_trade_value,
    )
    buf = RunBuffers(run_seq)
    broker = BacktestBroker(sim, buf)
    snapshot = config_json(cfg)
    runner = BacktestRunner(tm, sim, broker, buf, strategy, mask, snapshot)
    ctx = RunContext(run_id=run_id, run_seq=run_seq, strategy_id=cfg.strategy_id, portfolio_id=portfolio_id,
                     market_id=cfg.market_id, instruments=md.instruments, sleeve_id=sleeve_id, config_json=snapshot,
                     sectors=md.sectors)
    writer = RunWriter(ctx, keep_payloads=keep_payloads)
    sim_seconds = 0.0
    equity_rows: list[tuple[float, float]] = []
    total_days = tm.T - tm.t0
    while not runner.done:
        ts = time.perf_counter()
        runner.run(min(tm.T, runner.next_day + chunk_days))
        sim_seconds += time.perf_counter() - ts
        eq = buf.equity
        equity_rows += list(zip(eq.column("daily_return").tolist(), eq.column("equity").tolist()))
        writer.drain(conn, buf)
        conn.execute(
            "update runtime.backtest_runs set metrics_json = %s where run_id = %s",
            (Jsonb({"progress": (runner.next_day - tm.t0) / total_days}), run_id),
        )
        conn.commit()
        if progress is not None:
            frac = (runner.next_day - tm.t0) / total_days
            progress(PHASE_ENGINES + (PHASE_SIMULATED - PHASE_ENGINES) * frac, tm.date_at(runner.next_day - 1),
                     runner.next_day - tm.t0)
    timings["simulate"] = sim_seconds
    timings["write"] = writer.stats.seconds
    t = time.perf_counter()
    conn.execute("select core.run_risk_reports(%s)", (run_id,))
    conn.execute("select core.run_decision_outcomes(%s, %s)", (run_id, [5, 21, 63]))
    conn.commit()
    timings["risk_and_outcomes"] = time.perf_counter() - t
    if progress is not None:
        progress(PHASE_REPORTED, tm.date_at(tm.T - 1), total_days)
    stats = conn.execute(
        "select coalesce(sum(quantity * price), 0), count(*), count(*) filter (where side = 'SELL'), "
        "count(*) filter (where side = 'SELL' and pnl > 0) from runtime.backtest_trades where run_id = %s",
        (run_id,),
    ).fetchone()
    assert stats is not None
    returns = np.array([r for r, _ in equity_rows])
    mean_equity = float(np.mean([e for _, e in equity_rows])) if equity_rows else None
    metrics = compute_metrics(returns, traded_value=float(stats[0]), mean_equity=mean_equity, trade_count=int(stats[1]),
                              closing_trades=int(stats[2]), winning_trades=int(stats[3]))
    metrics["final_equity"] = equity_rows[-1][1] if equity_rows else cfg.initial_capital
    metrics["initial_capital"] = cfg.initial_capital
    metrics["rebalances"] = runner.rebalances
    conn.execute(
        "update runtime.backtest_runs set metrics_json = %s, status = 'SUCCEEDED', finished_at = now() where run_id = %s",
        (Jsonb(metrics), run_id),
    )
    conn.commit()
    if progress is not None:
        progress(1.0, tm.date_at(tm.T - 1), total_days)
    return RunResult(run_id=run_id, metrics=metrics, rows=dict(writer.stats.rows), timings=timings,
                     instrument_days=md.instrument_days, writer=writer, market_data=md, strategy=strategy)


def run_sleeve_backtest(strategy_id: str, start_date: dt.date | str, end_date: dt.date | str, market_ids: list[str] | str,
                        config_overrides: dict[str, Any] | None = None, portfolio_id: str | None = None,
                        sleeve_id: str | None = None) -> uuid.UUID:
    """The seed's entry point: run a sleeve backtest and return its run id (booked into portfolio MAIN by default)."""
    if isinstance(market_ids, str):
        market_ids = [market_ids]
    try:
        req = BacktestRequest(strategy_id=strategy_id, start_date=start_date, end_date=end_date,  # type: ignore[arg-type]
                              market_ids=tuple(market_ids), portfolio_id=portfolio_id, sleeve_id=sleeve_id,
                              config_overrides=config_overrides or {})
    except ValidationError as exc:
        raise BacktestError(describe(exc)) from None
    return run_backtest(req).run_id


# ---------------------------------------------------------------- CLI
def _progress_bar(stream: Any) -> ProgressFn:
    start = time.perf_counter()

    def show(frac: float, day: dt.date, days: int) -> None:
        width = 30
        filled = int(round(frac * width))
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {frac * 100:5.1f}%  {day}  {days} days  {time.perf_counter() - start:5.1f}s")
        if frac >= 1:
            stream.write("\n")
        stream.flush()

    return show


def format_metrics(metrics: dict[str, Any]) -> str:
    pct = {"cumulative_return", "annualized_return", "annualized_volatility", "max_drawdown", "hit_rate"}
    lines = []
    for key in ("cumulative_return", "annualized_return", "annualized_volatility", "sharpe_ratio", "sortino_ratio",
                "max_drawdown", "calmar_ratio", "annual_turnover", "trade_count", "hit_rate", "final_equity", "days",
                "rebalances"):
        v = metrics.get(key)
        if v is None:
            s = "-"
        elif key in pct:
            s = f"{v * 100:,.2f}%"
        elif isinstance(v, int):
            s = f"{v:,}"
        elif key == "final_equity":
            s = f"{v:,.2f}"
        else:
            s = f"{v:,.3f}"
        lines.append(f"  {key:<20} {s:>16}")
    return "\n".join(lines)


def _parse_date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s!r} is not a date (YYYY-MM-DD)") from None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one readable line, exit 2
        self.exit(2, f"error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m pycore.backtest", description="Run and inspect backtests.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run a backtest")
    run.add_argument("strategy")
    run.add_argument("start", type=_parse_date)
    run.add_argument("end", type=_parse_date)
    run.add_argument("market", nargs="+")
    run.add_argument("--config", type=Path, help="JSON file of config overrides")
    run.add_argument("--portfolio-id", help="portfolio (book) to trade (default: MAIN)")
    run.add_argument("--sleeve-id", help="strategy sleeve of the portfolio the run books (default: the strategy id)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    sub.add_parser("list", help="list runs")
    show = sub.add_parser("show", help="show one run")
    show.add_argument("run_id")
    report = sub.add_parser("report", help="write the analyst tear sheet of a run (HTML)")
    report.add_argument("run_id")
    report.add_argument("--out", type=Path, help="output file (default: tearsheet-RUN_ID.html)")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            overrides: dict[str, Any] = {}
            if args.config:
                try:
                    overrides = json.loads(args.config.read_text())
                except (OSError, json.JSONDecodeError) as exc:
                    raise BacktestError(f"--config {args.config}: {exc}") from None
                if not isinstance(overrides, dict):
                    raise BacktestError(f"--config {args.config}: must hold a JSON object")
            try:
                req = BacktestRequest(strategy_id=args.strategy, start_date=args.start, end_date=args.end,
                                      market_ids=tuple(args.market), portfolio_id=args.portfolio_id,
                                      sleeve_id=args.sleeve_id, config_overrides=overrides)
            except ValidationError as exc:
                raise BacktestError(describe(exc)) from None
            res = run_backtest(req, progress=None if args.quiet else _progress_bar(sys.stderr))
            print(f"run_id: {res.run_id}")
            print(format_metrics(res.metrics))
            return 0
        with psycopg.connect(writer_url()) as conn:
            if args.command == "list":
                rows = conn.execute(
                    "select run_id, strategy_id, start_date, end_date, status, (metrics_json->>'cagr')::float8, "
                    "(metrics_json->>'sharpe_ratio')::float8, created_at from runtime.backtest_runs order by created_at desc"
                ).fetchall()
                print(f"{'run_id':<36}  {'strategy':<18} {'start':<10} {'end':<10} {'status':<9} {'CAGR':>8} {'Sharpe':>7}")
                for r in rows:
                    cagr = f"{r[5] * 100:.2f}%" if r[5] is not None else "-"
                    sharpe = f"{r[6]:.2f}" if r[6] is not None else "-"
                    print(f"{r[0]!s:<36}  {r[1]:<18} {r[2]!s:<10} {r[3]!s:<10} {r[4]:<9} {cagr:>8} {sharpe:>7}")
                return 0
            try:
                run_uuid = uuid.UUID(args.run_id)
            except ValueError:
                raise BacktestError(f"{args.run_id!r} is not a run id (a UUID)") from None
            if args.command == "report":
                out = args.out or Path(f"tearsheet-{run_uuid}.html")
                write_report(conn, run_uuid, out)
                print(f"tear sheet: {out.resolve()}")
                return 0
            row = conn.execute(
                "select strategy_id, start_date, end_date, status, error, metrics_json, config_json "
                "from runtime.backtest_runs where run_id = %s", (run_uuid,)
            ).fetchone()
            if row is None:
                raise BacktestError(f"no run {run_uuid}")
            print(f"run_id: {run_uuid}\nstrategy: {row[0]}  {row[1]} .. {row[2]}  status: {row[3]}")
            if row[4]:
                print(f"error: {row[4]}")
            print(format_metrics(row[5] or {}))
            return 0
    except (BacktestError, ConfigError, MarketDataError, DevDbError, ReportError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: {msg}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
