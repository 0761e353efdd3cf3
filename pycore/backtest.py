"""``python -m pycore.backtest run|list|show|report``, and the seed's Python entry point.

``run_sleeve_backtest("US_CORE_LONG_EQ", "2023-01-01", "2024-01-01", ["US_EQ"])`` runs a backtest and returns its
run id; like the commands, it starts the embedded cluster first when that is the database and it is down. The run
itself is :mod:`pycore.run.service`, the command :mod:`pycore.cli.backtest`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pycore.cli.backtest import main
from pycore.db import writer_url
from pycore.dev.cluster import ensure_running
from pycore.run.service import BacktestError, RunOptions, build_request, run_backtest

__all__ = ["BacktestError", "main", "run_backtest", "run_sleeve_backtest"]


def run_sleeve_backtest(
    strategy_id: str,
    start_date: dt.date | str,
    end_date: dt.date | str,
    market_ids: list[str] | str,
    config_overrides: dict[str, Any] | None = None,
    portfolio_id: str | None = None,
    sleeve_id: str | None = None,
) -> uuid.UUID:
    """Run a sleeve backtest and return its run id (booked into portfolio MAIN unless a portfolio is named)."""
    req = build_request(
        strategy_id,
        start_date,
        end_date,
        market_ids,
        portfolio_id=portfolio_id,
        sleeve_id=sleeve_id,
        config_overrides=config_overrides,
    )
    return run_backtest(req, RunOptions(url=ensure_running(writer_url()))).run_id


if __name__ == "__main__":
    raise SystemExit(main())
