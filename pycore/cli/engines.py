"""``python -m pycore.engines [--market US_EQ] [--force] [--full]``: refresh the market-state engines (:mod:`pycore.data.engines`)."""

from __future__ import annotations

import psycopg

from pycore.cli.errors import Parser, fail
from pycore.data.engines import measure, refresh_market_state
from pycore.db import database_url
from pycore.dev.cluster import DevDbError, ensure_running


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m pycore.engines", description="Refresh the market-state engines (SQL).")
    parser.add_argument("--market", default="US_EQ")
    parser.add_argument(
        "--force", action="store_true", help="run them even when they are newer than the last data load"
    )
    parser.add_argument(
        "--full", action="store_true", help="recompute the whole history (default: only the sessions not computed yet)"
    )
    parser.add_argument(
        "--measure",
        action="store_true",
        help="print seconds per engine over the full history (rows written) and after one new session (simulated"
        " in a transaction that is rolled back: the newest session taken out and loaded again)",
    )
    args = parser.parse_args(argv)
    try:
        with psycopg.connect(ensure_running(database_url())) as conn:
            if args.measure:
                return _print_measure(measure(conn, args.market))
            res = refresh_market_state(conn, args.market, force=args.force, full=args.full)
    except (DevDbError, psycopg.Error) as exc:
        return fail(exc)
    if not res:
        print("market state is up to date")
    for fn, (n, s) in res.items():
        print(f"core.{fn:<14} {n:>9,} rows  {s:6.2f} s")
    return 0


def _print_measure(figures: dict[str, dict[str, float]]) -> int:
    for phase, per in figures.items():
        engines = {k: v for k, v in per.items() if k != "features"}
        parts = [f"{k.removeprefix('run_')} {v:.2f} s" for k, v in per.items()]
        print(f"{phase:<12} {', '.join(parts)}; engines together {sum(engines.values()):.2f} s")
    return 0
