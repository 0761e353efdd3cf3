"""``python -m pycore.bench [--start DATE] [--end DATE] [--xmom-start DATE] [--xmom-end DATE] [--no-seed]``: the
benchmark, this project against a vectorized peer on the real data (:mod:`pycore.run.bench`)."""

from __future__ import annotations

import datetime as dt

import psycopg

from pycore.cli.errors import Parser, fail
from pycore.data.marketdata import MarketDataError
from pycore.db import writer_url
from pycore.dev.cluster import DevDbError, ensure_running
from pycore.run.bench import FULL_START, XMOM_END, XMOM_START, run_bench
from pycore.run.config import ConfigError
from pycore.run.service import BacktestError


def main(argv: list[str] | None = None) -> int:
    parser = Parser(
        prog="python -m pycore.bench",
        description="Benchmark: (a) the full-history run, (b) XMOM50 (12-1 momentum top 50) raced against vectorbt "
        "when the bench extra is installed, (c) the seed's one-year example.",
    )
    parser.add_argument("--start", type=dt.date.fromisoformat, default=FULL_START, help="(a) first date")
    parser.add_argument("--end", type=dt.date.fromisoformat, default=None, help="(a) last date (default: last loaded)")
    parser.add_argument("--xmom-start", type=dt.date.fromisoformat, default=XMOM_START, help="(b) first date")
    parser.add_argument("--xmom-end", type=dt.date.fromisoformat, default=XMOM_END, help="(b) last date")
    parser.add_argument("--no-seed", action="store_true", help="skip (c)")
    args = parser.parse_args(argv)
    try:
        run_bench(
            ensure_running(writer_url()),
            lambda line: print(line, flush=True),
            start=args.start,
            end=args.end,
            xmom_start=args.xmom_start,
            xmom_end=args.xmom_end,
            seed=not args.no_seed,
        )
    except (DevDbError, BacktestError, ConfigError, MarketDataError, psycopg.Error) as exc:
        return fail(exc)
    return 0
