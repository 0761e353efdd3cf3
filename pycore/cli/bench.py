"""``python -m pycore.bench [--start DATE] [--end DATE]``: the benchmark of the backtest core (:mod:`pycore.run.bench`)."""

from __future__ import annotations

import datetime as dt

import psycopg

from pycore.cli.errors import Parser, fail
from pycore.data.marketdata import MarketDataError
from pycore.db import writer_url
from pycore.dev.cluster import DevDbError, ensure_running
from pycore.run.bench import measure
from pycore.run.config import ConfigError
from pycore.run.service import BacktestError


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m pycore.bench", description="Benchmark of the backtest core on the full data.")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2005, 1, 3))
    parser.add_argument("--end", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    try:
        report = measure(ensure_running(writer_url()), args.start, args.end)
    except (DevDbError, BacktestError, ConfigError, MarketDataError, psycopg.Error) as exc:
        return fail(exc)
    print("\n".join(report.lines()))
    return 0
