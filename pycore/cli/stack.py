"""``python -m pycore.stack up|down|status|summary``: the whole local stack (the main job, :mod:`pycore.dev.stack`)."""

from __future__ import annotations

import psycopg

from pycore.cli.errors import Parser, fail
from pycore.data.load import LoadError
from pycore.data.marketdata import MarketDataError
from pycore.db import database_url
from pycore.dev.cluster import DevDbError, ensure_running
from pycore.dev.deploy import DeployError
from pycore.dev.stack import down, print_summary, status, up
from pycore.run.config import ConfigError
from pycore.run.service import BacktestError
from pycore_ext.pricecsv import CsvRowError


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m pycore.stack", description="Bring the whole local stack up, or down.")
    parser.add_argument("command", choices=["up", "down", "status", "summary"])
    parser.add_argument(
        "--campaign",
        choices=["full", "small", "none"],
        default="full",
        help="up: the campaign to run (full: 6 periods x 3 configs; small: 1 period x 2 configs)",
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            return up(args.campaign)
        if args.command == "down":
            return down()
        if args.command == "status":
            return status()
        print_summary(ensure_running(database_url()))
        return 0
    except CsvRowError as exc:
        return fail(exc, context="load stopped, nothing was loaded")
    except (DevDbError, DeployError, LoadError, BacktestError, ConfigError, MarketDataError, psycopg.Error) as exc:
        return fail(exc)
