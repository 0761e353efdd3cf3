"""``python -m pycore.backtest``: run and inspect backtests.

    python -m pycore.backtest run US_CORE_LONG_EQ 2023-01-01 2024-01-01 US_EQ [--config FILE] [--portfolio-id ID] [--sleeve-id ID]
    python -m pycore.backtest list
    python -m pycore.backtest show RUN_ID
    python -m pycore.backtest report RUN_ID [--out FILE]
    python -m pycore.backtest strategies [--json]
    python -m pycore.backtest strategies register ID CODE [--description TEXT] [--config FILE]
    python -m pycore.backtest strategies sync

``strategies`` lists the registry (built-in, Python and SQL strategies); ``register`` adds a Python strategy whose
CODE is ``module.path:Class``, ``path/to/file.py:Class`` or ``entry_point:NAME``; ``sync`` registers every installed
entry point of the group ``prometheus.strategies`` not registered yet.

Bad input (end before start, dates outside the data, unknown strategy or market, malformed dates, a bad config
field) exits non-zero with one line and writes nothing; an unknown strategy exits 2. A strategy that fails mid-run
(it raised, or returned what cannot be traded) exits 1 naming the date; the run is FAILED and its rows are removed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any, TextIO

import psycopg

from pycore.cli.errors import USAGE, Parser, fail
from pycore.data.marketdata import MarketDataError
from pycore.db import writer_url
from pycore.dev.cluster import DevDbError, ensure_running
from pycore.run.config import ConfigError
from pycore.run.registry import list_strategies, register_python, sync_entry_points
from pycore.run.report import ReportError, format_metrics, write_report
from pycore.run.service import (
    BacktestError,
    ProgressFn,
    RunOptions,
    UnknownStrategyError,
    build_request,
    get_run,
    list_runs,
    run_backtest,
)


def progress_bar(stream: TextIO) -> ProgressFn:
    """A progress callback that draws ``[####....]  42.0%  2023-06-01  105 days  3.2s`` on one line of ``stream``."""
    start = time.perf_counter()

    def show(frac: float, day: dt.date, days: int) -> None:
        width = 30
        filled = round(frac * width)
        stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {frac * 100:5.1f}%  {day}  {days} days  {time.perf_counter() - start:5.1f}s"
        )
        if frac >= 1:
            stream.write("\n")
        stream.flush()

    return show


def _parse_date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s!r} is not a date (YYYY-MM-DD)") from None


def _overrides(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        overrides = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise BacktestError(f"--config {path}: {exc}") from None
    if not isinstance(overrides, dict):
        raise BacktestError(f"--config {path}: must hold a JSON object")
    return overrides


def _run_uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise BacktestError(f"{text!r} is not a run id (a UUID)") from None


def parser() -> Parser:
    p = Parser(prog="python -m pycore.backtest", description="Run and inspect backtests.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
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
    strategies = sub.add_parser("strategies", help="list, register or sync strategies")
    strategies.add_argument("--json", action="store_true", help="one JSON object per line")
    ssub = strategies.add_subparsers(dest="action", parser_class=Parser)
    reg = ssub.add_parser("register", help="register a Python strategy")
    reg.add_argument("strategy_id")
    reg.add_argument("code", help="module.path:Class, path/to/file.py:Class or entry_point:NAME")
    reg.add_argument("--description")
    reg.add_argument("--config", type=Path, help="JSON file of config version 1 (over the defaults)")
    ssub.add_parser("sync", help="register every installed entry point of group prometheus.strategies")
    return p


def strategies_command(args: argparse.Namespace) -> int:
    with psycopg.connect(ensure_running(writer_url())) as conn:
        if args.action == "register":
            code = args.code
            target, _, attr = code.rpartition(":")
            if target.endswith(".py"):  # a file: stored by its absolute path, so every worker finds it
                code = f"{Path(target).expanduser().resolve()}:{attr}"
            spec = register_python(
                conn, args.strategy_id, code, description=args.description, config=_overrides(args.config)
            )
            conn.commit()
            print(f"registered {spec.strategy_id} ({spec.kind}, {spec.code})")
            return 0
        if args.action == "sync":
            added = sync_entry_points(conn)
            conn.commit()
            print("registered: " + (", ".join(added) if added else "nothing new"))
            return 0
        rows = list_strategies(conn)
    if args.json:
        for r in rows:
            print(json.dumps(r, default=str))
        return 0
    print(f"{'strategy':<20} {'kind':<8} {'ver':>3}  {'code':<45} description")
    for r in rows:
        print(f"{r['strategy_id']:<20} {r['kind']:<8} {r['version'] or '-':>3}  {r['code']:<45} {r['description']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "strategies":
            return strategies_command(args)
        if args.command == "run":
            req = build_request(
                args.strategy,
                args.start,
                args.end,
                args.market,
                portfolio_id=args.portfolio_id,
                sleeve_id=args.sleeve_id,
                config_overrides=_overrides(args.config),
            )
            res = run_backtest(
                req,
                RunOptions(url=ensure_running(writer_url()), progress=None if args.quiet else progress_bar(sys.stderr)),
            )
            print(f"run_id: {res.run_id}")
            print(format_metrics(res.metrics))
            return 0
        run_id = None if args.command == "list" else _run_uuid(args.run_id)
        with psycopg.connect(ensure_running(writer_url())) as conn:
            if run_id is None:
                print(
                    f"{'run_id':<36}  {'strategy':<18} {'start':<10} {'end':<10} {'status':<9} {'CAGR':>8} {'Sharpe':>7}"
                )
                for r in list_runs(conn):
                    cagr, sharpe = r.metrics.get("cagr"), r.metrics.get("sharpe_ratio")
                    cagr_s = f"{cagr * 100:.2f}%" if cagr is not None else "-"
                    sharpe_s = f"{sharpe:.2f}" if sharpe is not None else "-"
                    print(
                        f"{r.run_id!s:<36}  {r.strategy_id:<18} {r.start_date!s:<10} {r.end_date!s:<10} {r.status:<9} "
                        f"{cagr_s:>8} {sharpe_s:>7}"
                    )
            elif args.command == "report":
                out = args.out or Path(f"tearsheet-{run_id}.html")
                write_report(conn, run_id, out)
                print(f"tear sheet: {out.resolve()}")
            else:
                r = get_run(conn, run_id)
                print(
                    f"run_id: {run_id}\nstrategy: {r.strategy_id}  {r.start_date} .. {r.end_date}  status: {r.status}"
                )
                if r.error:
                    print(f"error: {r.error}")
                print(format_metrics(r.metrics))
        return 0
    except UnknownStrategyError as exc:
        return fail(exc, code=USAGE)
    except (BacktestError, ConfigError, MarketDataError, DevDbError, ReportError, OSError, psycopg.Error) as exc:
        return fail(exc)
