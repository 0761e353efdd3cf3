"""Read ``hist`` into the dense arrays of a TimeMachine, with one binary COPY per table.

Rows come out of PostgreSQL as binary COPY tuples of fixed-width, NOT NULL
columns, so every tuple has the same layout and numpy reads the whole payload
in one ``frombuffer`` call: no Python object per value.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from psycopg import sql

from pycore_ext.copybuf import date_to_pg
from pycore_ext.timemachine import TimeMachine

_PG_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_HEADER_LEN = 19  # signature (11) + flags (4) + header extension length (4)


class MarketDataError(ValueError):
    """The requested history cannot be served (unknown market, dates outside the data)."""


def copy_fixed(conn: psycopg.Connection[Any], query: sql.Composable, fields: list[tuple[str, str]]) -> np.ndarray:
    """Run ``COPY (query) TO STDOUT (FORMAT BINARY)`` and view the tuples as a numpy record array.

    ``fields`` are (name, kind) with kind ``i4`` or ``f8``; every column must be NOT NULL.
    """
    dtype: list[tuple[str, str]] = [("_n", ">i2")]
    for name, kind in fields:
        dtype += [(f"_{name}_len", ">i4"), (name, f">{kind}")]
    chunks: list[bytes] = []
    with conn.cursor() as cur, cur.copy(sql.SQL("copy ({}) to stdout (format binary)").format(query)) as copy:
        for block in copy:
            chunks.append(bytes(block))
    payload = b"".join(chunks)
    body = memoryview(payload)[_HEADER_LEN:-2]
    rec = np.frombuffer(body, dtype=np.dtype(dtype))
    if len(rec) and (rec["_n"] != len(fields)).any():
        raise MarketDataError("unexpected COPY layout")
    return rec


@dataclass
class MarketData:
    market_id: str
    instruments: list[str]
    sectors: list[str]
    dates: np.ndarray  # int32 days since 2000-01-01
    start_index: int
    arrays: dict[str, np.ndarray]
    open_us: np.ndarray
    close_us: np.ndarray

    def time_machine(self) -> TimeMachine:
        a = self.arrays
        return TimeMachine(
            self.dates,
            self.instruments,
            a["open"],
            a["high"],
            a["low"],
            a["close"],
            a["adj_close"],
            a["volume"],
            a["dividend"],
            a["split"],
            self.start_index,
            self.open_us,
            self.close_us,
        )

    @property
    def instrument_days(self) -> int:
        return (len(self.dates) - self.start_index) * len(self.instruments)


def session_bounds(conn: psycopg.Connection[Any], calendar: str) -> tuple[dt.date, dt.date]:
    row = conn.execute("select min(trade_date), max(trade_date) from hist.prices_daily").fetchone()
    if row is None or row[0] is None:
        raise MarketDataError("hist.prices_daily is empty: load the market data first (python -m pycore.load)")
    return row[0], row[1]


def load_market_data(
    conn: psycopg.Connection[Any], market_id: str, start: dt.date, end: dt.date, lookback_days: int = 300
) -> MarketData:
    """Dense arrays for every instrument of ``market_id`` with a bar between ``start`` and ``end``,
    plus ``lookback_days`` sessions of history before ``start``."""
    m = conn.execute("select calendar, timezone from hist.markets where market_id = %s", (market_id,)).fetchone()
    if m is None:
        known = [r[0] for r in conn.execute("select market_id from hist.markets order by 1")]
        raise MarketDataError(
            f"unknown market {market_id!r}; known: {', '.join(known) or 'none (load the data first)'}"
        )
    calendar, tz = m
    first, last = session_bounds(conn, calendar)
    if start < first or end > last:
        raise MarketDataError(f"{start} .. {end} is outside the loaded data {first} .. {last}")
    days = [
        r[0]
        for r in conn.execute(
            "select trade_date from hist.trading_days where calendar = %s and trade_date <= %s "
            "and trade_date >= coalesce((select min(d) from (select trade_date as d from hist.trading_days "
            "  where calendar = %s and trade_date < %s order by trade_date desc limit %s) x), %s) order by trade_date",
            (calendar, end, calendar, start, lookback_days, start),
        )
    ]
    sim_days = [d for d in days if d >= start]
    if not sim_days:
        raise MarketDataError(f"no {calendar} session between {start} and {end}")
    start_index = days.index(sim_days[0])
    if start_index == 0:
        raise MarketDataError(f"{start} is the first session of the data: a backtest needs at least one day of history")
    lo, hi = days[0], days[-1]
    inst = conn.execute(
        "select instrument_id, gics_sector from hist.instruments where market_id = %s "
        "and first_date <= %s and last_date >= %s order by instrument_id",
        (market_id, end, start),
    ).fetchall()
    if not inst:
        raise MarketDataError(f"no instrument of {market_id} has prices between {start} and {end}")
    names = [r[0] for r in inst]
    T, N = len(days), len(names)
    day0 = date_to_pg(lo)
    day_index = np.full(date_to_pg(hi) - day0 + 1, -1, dtype=np.int64)
    pg_days = np.array([date_to_pg(d) for d in days], dtype=np.int32)
    day_index[pg_days - day0] = np.arange(T)

    params = {"names": names, "lo": lo, "hi": hi}
    arrays = _read_price_series(conn, names, lo, hi, day_index, day0, T)
    # the corporate actions as four packed columns of one row (all aggregates see the rows in the same order)
    qa = sql.SQL(
        "select coalesce(string_agg(int4send((n.k - 1)::int4), ''::bytea), ''::bytea), "
        "coalesce(string_agg(int4send((c.ex_date - date '2000-01-01')::int4), ''::bytea), ''::bytea), "
        "coalesce(string_agg(float8send(c.dividend), ''::bytea), ''::bytea), "
        "coalesce(string_agg(float8send(c.split_coef), ''::bytea), ''::bytea) "
        "from unnest({names}::text[]) with ordinality as n(instrument_id, k) "
        "join hist.corporate_actions c on c.instrument_id = n.instrument_id and c.ex_date between {lo} and {hi} "
        "join hist.trading_days d on d.calendar = {cal} and d.trade_date = c.ex_date"
    ).format(cal=sql.Literal(calendar), **{k: sql.Literal(v) for k, v in params.items()})
    with conn.cursor(binary=True) as cur:
        packed = cur.execute(qa).fetchone()
    assert packed is not None
    ca = {
        "i": np.frombuffer(packed[0], ">i4"),
        "d": np.frombuffer(packed[1], ">i4"),
        "dividend": np.frombuffer(packed[2], ">f8"),
        "split": np.frombuffer(packed[3], ">f8"),
    }
    dividend = np.zeros((T, N))
    split = np.ones((T, N))
    crow = day_index[ca["d"].astype(np.int64) - day0]
    ccol = ca["i"].astype(np.int64)
    dividend[crow, ccol] = ca["dividend"]
    split[crow, ccol] = ca["split"]
    arrays["dividend"] = dividend
    arrays["split"] = split
    zone = zoneinfo.ZoneInfo(tz)
    open_us = np.array([_us(dt.datetime.combine(d, dt.time(9, 30), zone)) for d in days], dtype=np.int64)
    close_us = np.array([_us(dt.datetime.combine(d, dt.time(16, 0), zone)) for d in days], dtype=np.int64)
    return MarketData(market_id, names, [r[1] for r in inst], pg_days, start_index, arrays, open_us, close_us)


_SERIES_COLUMNS = ("open", "high", "low", "close", "adjusted_close", "volume")
_SERIES = sql.SQL(
    "select n.k::int4 - 1, s.n, substr(p.trade_dates, 4 * s.off + 1, 4 * s.n), {columns} "
    "from unnest({names}::text[]) with ordinality as n(instrument_id, k) "
    "join hist.price_series p on p.instrument_id = n.instrument_id "
    # the byte range of lo .. hi: the feature rows number the packed rows (session_no = index + 1)
    "cross join lateral (select a.session_no - 1 as off, b.session_no - a.session_no + 1 as n "
    "  from (select f.session_no from hist.features_daily f where f.instrument_id = n.instrument_id "
    "        and f.trade_date >= {lo} order by f.trade_date limit 1) a, "
    "       (select f.session_no from hist.features_daily f where f.instrument_id = n.instrument_id "
    "        and f.trade_date <= {hi} order by f.trade_date desc limit 1) b) s "
    "where s.n > 0"
)


def _read_price_series(
    conn: psycopg.Connection[Any], names: list[str], lo: dt.date, hi: dt.date, day_index: np.ndarray, day0: int, T: int
) -> dict[str, np.ndarray]:
    """The bars of ``names`` from ``lo`` to ``hi`` as (sessions x names) arrays: one row per instrument, the byte
    range of each packed column of ``hist.price_series`` (no Python object per bar)."""
    query = _SERIES.format(
        columns=sql.SQL(", ").join(
            sql.SQL("substr(p.{c}, 8 * s.off + 1, 8 * s.n)").format(c=sql.Identifier(c)) for c in _SERIES_COLUMNS
        ),
        names=sql.Literal(names),
        lo=sql.Literal(lo),
        hi=sql.Literal(hi),
    )
    keys = ("open", "high", "low", "close", "adj_close", "volume")
    arrays = {k: np.full((T, len(names)), np.nan) for k in keys}
    with conn.cursor(binary=True) as cur:
        for k, n, dates, *cols in cur.execute(query):
            d = np.frombuffer(dates, ">i4")
            if len(d) != n or (n and (d[0] < date_to_pg(lo) or d[-1] > date_to_pg(hi))):
                raise MarketDataError(
                    f"hist.price_series of {names[k]} is out of step with hist.features_daily: reload the data "
                    "(python -m pycore.load) or run core.refresh_features(true)"
                )
            rows = day_index[d.astype(np.int64) - day0]
            for key, col in zip(keys, cols, strict=True):
                arrays[key][rows, k] = np.frombuffer(col, ">f8")
    return arrays


def _us(ts: dt.datetime) -> int:
    delta = ts - _PG_EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
