"""``python -m pycore.engines [--market US_EQ] [--force] [--full]``: refresh the market-state engines (:mod:`pycore.data.engines`)."""

from __future__ import annotations

import psycopg

from pycore.cli.errors import Parser, fail
from pycore.data.engines import refresh_market_state
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
    args = parser.parse_args(argv)
    try:
        with psycopg.connect(ensure_running(database_url())) as conn:
            res = refresh_market_state(conn, args.market, force=args.force, full=args.full)
    except (DevDbError, psycopg.Error) as exc:
        return fail(exc)
    if not res:
        print("market state is up to date")
    for fn, (n, s) in res.items():
        print(f"core.{fn:<14} {n:>9,} rows  {s:6.2f} s")
    return 0
