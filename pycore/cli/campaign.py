"""``python -m pycore.campaign [--strategy ID] [--run-here] [--timeout S]``: a campaign of backtests (:mod:`pycore.jobs.campaign`)."""

from __future__ import annotations

import psycopg

from pycore.cli.errors import USAGE, Parser, fail
from pycore.db import database_url, writer_url
from pycore.dev.cluster import DevDbError, ensure_running
from pycore.jobs.campaign import run_campaign


def main(argv: list[str] | None = None) -> int:
    parser = Parser(
        prog="python -m pycore.campaign", description="A campaign of backtests, so the meta layer has evidence."
    )
    parser.add_argument("--strategy", default="US_CORE_LONG_EQ")
    parser.add_argument("--run-here", action="store_true", help="execute the jobs in this process (no worker needed)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds to wait for the jobs")
    args = parser.parse_args(argv)
    try:
        url = ensure_running(database_url())
        counts = run_campaign(
            args.strategy, url=url, worker_url=writer_url() if args.run_here else None, timeout=args.timeout
        )
    except (
        psycopg.Error
    ) as exc:  # an unknown strategy is api.run_backtest's PT404: a usage error, as in pycore.backtest
        return fail(exc, code=USAGE if exc.sqlstate == "PT404" else 1)
    except (DevDbError, TimeoutError) as exc:
        return fail(exc)
    print("campaign: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0 if counts.get("FAILED", 0) == 0 else 1
