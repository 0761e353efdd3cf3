"""Bring the whole local stack up, or down: ``python -m pycore.stack up|down|summary``.

``up`` is the main job of the README: start (or reuse) the database, deploy the
schema with sqitch, load the market data, and print what is in the database and
how to look at it. Every step is idempotent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from pycore.backtest import BacktestError, format_metrics, run_backtest
from pycore.config import BacktestRequest, ConfigError
from pycore.deploy import DeployError, deploy
from pycore.devdb import DevDbError, database_url, stop_cluster, writer_url
from pycore.engines import refresh_market_state
from pycore.marketdata import MarketDataError
from pycore.load import LoadError, default_data_dir, load
from pycore_ext.pricecsv import CsvRowError

SEED_EXAMPLE = BacktestRequest(strategy_id="US_CORE_LONG_EQ", start_date=dt.date(2023, 1, 1), end_date=dt.date(2024, 1, 1),
                               market_ids=("US_EQ",))

SUMMARY_SQL = """
select 'instruments' as what, count(*)::text as n,
       min(first_date)::text || ' .. ' || max(last_date)::text as span from hist.instruments
union all
select 'daily price rows', count(*)::text, min(trade_date)::text || ' .. ' || max(trade_date)::text from hist.prices_daily
union all
select 'corporate actions', count(*)::text, min(ex_date)::text || ' .. ' || max(ex_date)::text from hist.corporate_actions
union all
select 'S&P 500 index levels', count(*)::text, min(trade_date)::text || ' .. ' || max(trade_date)::text from hist.index_levels
union all
select 'VIX bars', count(*)::text, min(trade_date)::text || ' .. ' || max(trade_date)::text from hist.vix_daily
union all
select 'Fama-French factor days', count(*)::text, min(trade_date)::text || ' .. ' || max(trade_date)::text from hist.factor_returns_daily
union all
select 'XNYS sessions', count(*)::text, min(trade_date)::text || ' .. ' || max(trade_date)::text from hist.trading_days
union all
select 'flagged price rows (excluded)', count(*) filter (where exclude_return)::text || ' of ' || count(*)::text, '' from hist.price_anomalies
union all
select 'adjusted-only instruments', count(*)::text, min(adjusted_only_from)::text || ' ..' from hist.instruments where adjusted_only_from is not null
union all
select 'names fully priced in 2023', count(*)::text, '2023-01-03 .. 2023-12-29'
  from (select instrument_id from hist.prices_daily
         where trade_date between '2023-01-01' and '2023-12-31'
         group by instrument_id
        having count(*) = (select count(*) from hist.trading_days
                            where calendar = 'XNYS' and trade_date between '2023-01-01' and '2023-12-31')) t
"""


def summary(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(SUMMARY_SQL).fetchall()


def psql_command(url: str) -> str:
    p = conninfo_to_dict(url)
    parts = ["psql"]
    if p.get("host"):
        parts += ["-h", str(p["host"])]
    if p.get("port"):
        parts += ["-p", str(p["port"])]
    if p.get("user"):
        parts += ["-U", str(p["user"])]
    parts.append(str(p.get("dbname", "")))
    return " ".join(parts)


def print_summary(url: str) -> None:
    rows = summary(url)
    print("\nWhat is in the database")
    for what, n, span in rows:
        print(f"  {what:<32} {n:>12}  {span}")
    print("\nWhere to look")
    print(f"  psql:        {psql_command(url)}")
    print("  e.g.        select * from hist.prices_daily where instrument_id = 'AAPL' order by trade_date desc limit 5;")
    print("  schema:     \\dt hist.*   \\dt runtime.*   \\dv api.*")


def up() -> int:
    url = database_url()
    print(f"database: {psql_command(url)}")
    deploy(url, quiet=True)
    print("schema: deployed with sqitch (sqitch.plan)")
    report = load(url, default_data_dir())
    print("market data:")
    for line in report.lines():
        print("  " + line)
    with psycopg.connect(url) as conn:
        engines = refresh_market_state(conn)
    print("market state engines (regimes, stability, fragility): " + (
        ", ".join(f"{fn} {n:,} rows in {sec:.1f} s" for fn, (n, sec) in engines.items()) or "up to date"))
    print_summary(url)
    print("\nBacktest: US_CORE_LONG_EQ 2023-01-01 .. 2024-01-01 on US_EQ (the seed's example)")
    res = run_backtest(SEED_EXAMPLE, url=writer_url())
    print(f"  run_id: {res.run_id}")
    print(format_metrics(res.metrics))
    print(f"  rows written: {sum(res.rows.values()):,} in {res.timings['total']:.1f} s")
    print(f"  psql:  select date, equity_curve_value, drawdown from runtime.backtest_daily_equity where run_id = '{res.run_id}' order by date;")
    print(f"  cli:   python -m pycore.backtest show {res.run_id}")
    return 0


def down() -> int:
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: the project started no database, nothing to stop")
        return 0
    print("embedded PostgreSQL stopped" if stop_cluster() else "embedded PostgreSQL was not running")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pycore.stack", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down", "summary"])
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            return up()
        if args.command == "down":
            return down()
        print_summary(database_url())
        return 0
    except CsvRowError as exc:
        print(f"error: load stopped, nothing was loaded: {exc}", file=sys.stderr)
    except (DevDbError, DeployError, LoadError, BacktestError, ConfigError, MarketDataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except psycopg.Error as exc:
        print(f"error: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())

