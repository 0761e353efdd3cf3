"""Load the shipped market data (``data/``) into ``hist`` with binary COPY (``python -m pycore.load [--data-dir DIR]``).

- Every row is validated before it reaches the database; the first bad row stops
  the load with ``file:line: reason`` and the whole load rolls back, so the
  tables stay as they were.
- Idempotent: each file is recorded in ``hist.load_batches`` with its SHA-256 and
  skipped when it comes again; a file that changed after it was loaded is refused.
- The big price files are parsed and encoded by the compiled
  :mod:`pycore_ext.pricecsv`; the small ones by Python's csv module.
- Prints rows and rows/s per table.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import hashlib
import io
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pycore import project_root
from pycore_ext.copybuf import date_to_pg, pg_to_date
from pycore_ext.pricecsv import CsvRowError, parse_prices

CALENDAR_START = dt.date(1990, 1, 1)
# A fixed end keeps the load deterministic (exchange-calendars' default end moves with today).
CALENDAR_END = dt.date(2026, 12, 31)

# Markets the instrument file may name, with what the file does not say.
MARKETS: dict[str, dict[str, str]] = {
    "US_EQ": {"name": "US equities (S&P 500 names)", "region": "US", "timezone": "America/New_York"},
}

MAIN_PRICES = "us_eq_prices_daily.csv.gz"
EXT_PRICES = "extension_2021_2026/us_eq_prices_daily_2021_plus.csv.gz"
EXT_ADJONLY = "extension_2021_2026/us_eq_prices_daily_2021_plus_adjonly.csv.gz"


class LoadError(RuntimeError):
    """The data set cannot be loaded as it is; nothing was changed."""


@dataclass
class TableStat:
    table: str
    rows: int = 0
    seconds: float = 0.0
    files: int = 0
    skipped: int = 0


@dataclass
class LoadReport:
    stats: dict[str, TableStat]
    seconds: float

    def lines(self) -> list[str]:
        out = [f"{'table':<28} {'files':>5} {'skipped':>7} {'rows':>11} {'seconds':>8} {'rows/s':>11}"]
        for st in self.stats.values():
            rate = f"{st.rows / st.seconds:,.0f}" if st.seconds > 0 and st.rows else "-"
            out.append(f"{st.table:<28} {st.files:>5} {st.skipped:>7} {st.rows:>11,} {st.seconds:>8.2f} {rate:>11}")
        out.append(f"total {self.seconds:.1f} s")
        return out

    @property
    def rows_loaded(self) -> int:
        return sum(s.rows for s in self.stats.values())


# ---------------------------------------------------------------- validation
def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                return fh.read()
        return path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise LoadError(f"{path.name}: cannot read: {exc}") from exc


class Row:
    """Field access with validation errors that name the file and line."""

    __slots__ = ("file", "line", "values")

    def __init__(self, file: str, line: int, values: dict[str, str]) -> None:
        self.file = file
        self.line = line
        self.values = values

    def fail(self, reason: str) -> CsvRowError:
        return CsvRowError(self.file, self.line, reason)

    def text(self, key: str, *, required: bool = True) -> str | None:
        v = self.values[key].strip()
        if not v:
            if required:
                raise self.fail(f"{key} is empty")
            return None
        return v

    def date(self, key: str) -> dt.date:
        v = self.values[key]
        try:
            if len(v) != 10:
                raise ValueError
            return dt.date.fromisoformat(v)
        except ValueError:
            raise self.fail(f"{key} {v!r} is not a YYYY-MM-DD date") from None

    def number(
        self, key: str, *, minimum: float | None = None, positive: bool = False, required: bool = True
    ) -> float | None:
        v = self.values[key].strip()
        if not v:
            if required:
                raise self.fail(f"{key} is empty")
            return None
        try:
            x = float(v)
        except ValueError:
            raise self.fail(f"{key} {v!r} is not a number") from None
        if not math.isfinite(x):
            raise self.fail(f"{key} is not finite")
        if positive and x <= 0:
            raise self.fail(f"{key} must be greater than zero, got {v}")
        if minimum is not None and x < minimum:
            raise self.fail(f"{key} must be at least {minimum}, got {v}")
        return x


def read_csv(path: Path, name: str, columns: Sequence[str]) -> Iterator[Row]:
    try:
        with _open_text(path) as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None or [h.strip() for h in header] != list(columns):
                raise CsvRowError(name, 1, f"header is {header}, expected {list(columns)}")
            for values in reader:
                line = reader.line_num
                if not values:
                    raise CsvRowError(name, line, "empty line")
                if len(values) != len(columns):
                    raise CsvRowError(name, line, f"expected {len(columns)} fields, found {len(values)}")
                yield Row(name, line, dict(zip(columns, values, strict=True)))
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError, csv.Error) as exc:
        raise LoadError(f"{name}: cannot read: {exc}") from exc


# ---------------------------------------------------------------- batches
def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Loader:
    def __init__(self, conn: psycopg.Connection[Any], data_dir: Path) -> None:
        self.conn = conn
        self.data_dir = data_dir
        self.stats: dict[str, TableStat] = {}
        self.sessions: set[dt.date] = set()
        self.instruments: set[str] = set()
        self.known_bad = self._known_bad_rows()
        self.skipped_rows: list[tuple[str, str, dt.date, str]] = []
        # first day (a pycore_ext.copybuf date) of the price rows loaded now, per instrument
        self.new_price_first: dict[str, int] = {}

    def _known_bad_rows(self) -> dict[str, set[tuple[str, int]]]:
        """Source rows known to be broken (data/known_bad_rows.csv): left out, never repaired."""
        name = "known_bad_rows.csv"
        out: dict[str, set[tuple[str, int]]] = {}
        if not (self.data_dir / name).is_file():
            return out
        for r in read_csv(self.data_dir / name, name, ["file", "ticker", "date", "reason"]):
            out.setdefault(r.text("file") or "", set()).add((r.text("ticker") or "", date_to_pg(r.date("date"))))
        return out

    def stat(self, table: str) -> TableStat:
        return self.stats.setdefault(table, TableStat(table))

    def path(self, name: str) -> Path:
        p = self.data_dir / name
        if not p.is_file():
            raise LoadError(f"{name}: missing from {self.data_dir}")
        return p

    def is_new(self, name: str) -> bool:
        """Whether no version of the file has been loaded yet."""
        row = self.conn.execute("select 1 from hist.load_batches where file_name = %s", (name,)).fetchone()
        return row is None

    def pending(self, name: str, table: str) -> str | None:
        """SHA-256 of the file when it still has to be loaded, None when it was loaded already."""
        digest = sha256_of(self.path(name))
        rows = self.conn.execute("select sha256 from hist.load_batches where file_name = %s", (name,)).fetchall()
        st = self.stat(table)
        if any(r[0] == digest for r in rows):
            st.skipped += 1
            return None
        if rows:
            raise LoadError(
                f"{name}: the file changed since it was loaded (sha256 {rows[0][0][:12]}…, now {digest[:12]}…); "
                "hist is append-only: restore the file or load into a fresh database"
            )
        return digest

    def record(self, name: str, digest: str, table: str, rows: int, seconds: float) -> None:
        self.conn.execute(
            "insert into hist.load_batches (file_name, sha256, target, row_count) values (%s, %s, %s, %s)",
            (name, digest, table, rows),
        )
        st = self.stat(table)
        st.rows += rows
        st.seconds += seconds
        st.files += 1

    def copy_rows(self, table: str, columns: Sequence[str], types: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        schema, name = table.split(".")
        stmt = sql.SQL("copy {}.{} ({}) from stdin (format binary)").format(
            sql.Identifier(schema), sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        n = 0
        with self.conn.cursor() as cur, cur.copy(stmt) as copy:
            copy.set_types(list(types))
            for r in rows:
                copy.write_row(r)
                n += 1
        return n

    def load_small(
        self,
        name: str,
        table: str,
        header: Sequence[str],
        columns: Sequence[str],
        types: Sequence[str],
        convert: Callable[[Row], Sequence[Any]],
    ) -> None:
        digest = self.pending(name, table)
        if digest is None:
            return
        t0 = time.perf_counter()
        rows = [convert(r) for r in read_csv(self.path(name), name, header)]
        n = self.copy_rows(table, columns, types, rows)
        self.record(name, digest, table, n, time.perf_counter() - t0)

    # ------------------------------------------------------------ tables
    def load_markets(self, instrument_rows: list[Row]) -> None:
        t0 = time.perf_counter()
        seen: dict[str, tuple[str, str]] = {}
        for r in instrument_rows:
            market = r.text("market") or ""
            if market not in MARKETS:
                raise r.fail(f"market {market} is not one of {sorted(MARKETS)}")
            seen.setdefault(market, (r.text("exchange_calendar") or "", r.text("currency") or ""))
        n = 0
        for market, (calendar, currency) in seen.items():
            meta = MARKETS[market]
            cur = self.conn.execute(
                "insert into hist.markets (market_id, name, region, timezone, calendar, currency) "
                "values (%s, %s, %s, %s, %s, %s) on conflict (market_id) do nothing",
                (market, meta["name"], meta["region"], meta["timezone"], calendar, currency),
            )
            n += cur.rowcount
        st = self.stat("hist.markets")
        st.rows += n
        st.seconds += time.perf_counter() - t0

    def load_trading_days(self) -> None:
        import exchange_calendars as xcals  # imported here: slow to import, only the loader needs it

        t0 = time.perf_counter()
        calendars = [r[0] for r in self.conn.execute("select distinct calendar from hist.markets")]
        n = 0
        for code in calendars:
            cal = xcals.get_calendar(code, start=CALENDAR_START.isoformat(), end=CALENDAR_END.isoformat())
            days = [d.date() for d in cal.sessions]
            cur = self.conn.execute(
                "insert into hist.trading_days (calendar, trade_date) "
                "select %s, d from unnest(%s::date[]) as d on conflict do nothing",
                (code, days),
            )
            n += cur.rowcount
        st = self.stat("hist.trading_days")
        st.rows += n
        st.seconds += time.perf_counter() - t0
        self.sessions = {
            r[0] for r in self.conn.execute("select trade_date from hist.trading_days where calendar = 'XNYS'")
        }

    def session_bitmap(self) -> tuple[bytes, int]:
        start = date_to_pg(min(self.sessions))
        end = date_to_pg(max(self.sessions))
        bits = bytearray(end - start + 1)
        for d in self.sessions:
            bits[date_to_pg(d) - start] = 1
        return bytes(bits), start

    def check_session(self, r: Row, d: dt.date) -> dt.date:
        if d >= CALENDAR_START and d not in self.sessions:
            raise r.fail(f"date {d} is not a trading session of XNYS")
        return d

    def load_instruments(self) -> None:
        name = "us_eq_instruments.csv"
        header = [
            "ticker",
            "name",
            "gics_sector",
            "market",
            "exchange_calendar",
            "currency",
            "first_date",
            "last_date",
            "n_days",
            "gics_sector_2026",
            "gics_sub_industry_2026",
            "cik",
        ]
        rows = list(read_csv(self.path(name), name, header))
        self.load_markets(rows)
        digest = self.pending(name, "hist.instruments")
        if digest is not None:
            t0 = time.perf_counter()
            tickers: set[str] = set()
            out = []
            for r in rows:
                ticker = r.text("ticker") or ""
                if ticker in tickers:
                    raise r.fail(f"ticker {ticker} appears twice")
                tickers.add(ticker)
                cik = r.text("cik", required=False)
                if cik is not None and not cik.isdigit():
                    raise r.fail(f"cik {cik!r} is not a whole number")
                out.append(
                    (
                        ticker,
                        r.text("market"),
                        ticker,
                        r.text("name"),
                        r.text("gics_sector"),
                        r.text("gics_sector_2026", required=False),
                        r.text("gics_sub_industry_2026", required=False),
                        int(cik) if cik else None,
                        r.text("currency"),
                        r.text("exchange_calendar"),
                    )
                )
            cols = [
                "instrument_id",
                "market_id",
                "ticker",
                "name",
                "gics_sector",
                "gics_sector_2026",
                "gics_sub_industry_2026",
                "cik",
                "currency",
                "exchange_calendar",
            ]
            types = ["text"] * 7 + ["int8", "text", "text"]
            n = self.copy_rows("hist.instruments", cols, types, out)
            self.record(name, digest, "hist.instruments", n, time.perf_counter() - t0)
        self.instruments = {r[0] for r in self.conn.execute("select instrument_id from hist.instruments")}

    def load_prices(self, name: str, *, adjusted_only: bool = False) -> dict[str, tuple[int, int, int]]:
        table = "hist.prices_daily"
        digest = self.pending(name, table)
        if digest is None:
            return {}
        t0 = time.perf_counter()
        bitmap, start = self.session_bitmap()
        buf, stats, skipped = parse_prices(
            _read_bytes(self.path(name)),
            name,
            self.instruments,
            bitmap,
            start,
            adjusted_only,
            skip_rows=self.known_bad.get(name, set()),
        )
        self.skipped_rows += [(name, tk, pg_to_date(day), reason) for _line, tk, day, reason in skipped]
        for tk, (first, _last, _n) in stats.items():
            self.new_price_first[tk] = min(first, self.new_price_first.get(tk, first))
        rows = buf.rows
        cols = ["instrument_id", "trade_date", "open", "high", "low", "close", "adjusted_close", "volume"]
        stmt = sql.SQL("copy hist.prices_daily ({}) from stdin (format binary)").format(
            sql.SQL(", ").join(map(sql.Identifier, cols))
        )
        payload = buf.take()
        with self.conn.cursor() as cur, cur.copy(stmt) as copy:
            view = memoryview(payload)
            for i in range(0, len(view), 8 << 20):
                copy.write(view[i : i + (8 << 20)])
        self.record(name, digest, table, rows, time.perf_counter() - t0)
        return stats

    def load_corporate_actions(self, name: str) -> None:
        def convert(r: Row) -> tuple[Any, ...]:
            ticker = r.text("ticker")
            if ticker not in self.instruments:
                raise r.fail(f"ticker {ticker} is not in the instrument list")
            dividend = r.number("dividend", minimum=0.0)
            split = r.number("split_coef", positive=True)
            if dividend == 0 and split == 1:
                raise r.fail("row has neither a dividend nor a split")
            return (ticker, self.check_session(r, r.date("date")), dividend, split)

        self.load_small(
            name,
            "hist.corporate_actions",
            ["date", "ticker", "dividend", "split_coef"],
            ["instrument_id", "ex_date", "dividend", "split_coef"],
            ["text", "date", "float8", "float8"],
            convert,
        )

    def load_anomalies(self) -> None:
        header = [
            "ticker",
            "date",
            "prev_close",
            "close",
            "adj_close",
            "dividend",
            "split_coef",
            "adj_ret",
            "raw_total_ret",
            "rule",
            "verdict",
        ]

        def convert(r: Row) -> tuple[Any, ...]:
            ticker = r.text("ticker")
            if ticker not in self.instruments:
                raise r.fail(f"ticker {ticker} is not in the instrument list")
            text = r.text("verdict") or ""
            verdict = text.split(":", 1)[0].split(" ", 1)[0].strip()
            if verdict not in ("ok", "bad", "suspect", "review"):
                raise r.fail(f"verdict {text!r} does not start with ok, bad, suspect or review")
            nums = [r.number(k, required=False) for k in header[2:9]]
            return (ticker, r.date("date"), *nums, r.text("rule"), verdict, text)

        self.load_small(
            "us_eq_qa_anomalies.csv",
            "hist.price_anomalies",
            header,
            ["instrument_id", "trade_date", "prev_close", "close", "adjusted_close", *header[5:11], "verdict_text"],
            ["text", "date"] + ["float8"] * 7 + ["text", "text", "text"],
            convert,
        )
        for file, ticker, day, reason in self.skipped_rows:
            self.conn.execute(
                "insert into hist.price_anomalies (instrument_id, trade_date, rule, verdict, verdict_text) "
                "values (%s, %s, %s, 'bad', %s)",
                (ticker, day, f"LOADER_SOURCE_ROW_REJECTED({file})", f"bad: not loaded: {reason}"),
            )
            self.stat("hist.price_anomalies").rows += 1

    def load_index(self, name: str) -> None:
        def convert(r: Row) -> tuple[Any, ...]:
            return ("SPX", self.check_session(r, r.date("date")), r.number("close", positive=True))

        self.load_small(
            name,
            "hist.index_levels",
            ["date", "close"],
            ["index_id", "trade_date", "close"],
            ["text", "date", "float8"],
            convert,
        )

    def load_vix(self) -> None:
        def convert(r: Row) -> tuple[Any, ...]:
            o, h, low, c = (r.number(k, positive=True) for k in ("open", "high", "low", "close"))
            assert h is not None and low is not None
            if h < low:
                raise r.fail(f"high {h} is below low {low}")
            return (self.check_session(r, r.date("date")), o, h, low, c)

        self.load_small(
            "vix_daily.csv.gz",
            "hist.vix_daily",
            ["date", "open", "high", "low", "close"],
            ["trade_date", "open", "high", "low", "close"],
            ["date"] + ["float8"] * 4,
            convert,
        )

    def load_factors(self, name: str, model: str) -> None:
        factors = ["mkt_rf", "smb", "hml", "rmw", "cma", "rf"] if model == "FF5" else ["mkt_rf", "smb", "hml", "rf"]

        def convert(r: Row) -> tuple[Any, ...]:
            vals: dict[str, float | None] = {"rmw": None, "cma": None}
            for f in factors:
                x = r.number(f)
                assert x is not None
                if abs(x) >= 100:
                    raise r.fail(f"{f} = {x} percent is not a daily return")
                vals[f] = x / 100.0  # the source is in percent
            return (
                model,
                r.date("date"),
                vals["mkt_rf"],
                vals["smb"],
                vals["hml"],
                vals["rmw"],
                vals["cma"],
                vals["rf"],
            )

        self.load_small(
            name,
            "hist.factor_returns_daily",
            ["date", *factors],
            ["model", "trade_date", "mkt_rf", "smb", "hml", "rmw", "cma", "rf"],
            ["text", "date"] + ["float8"] * 6,
            convert,
        )

    def refresh_features(self) -> None:
        """Extend the feature store (``core.refresh_features``) by the sessions just loaded, or build it.

        A full rebuild when a load can have changed rows already computed: flagged anomalies came in, or a price
        file brought a row dated on or before an instrument's last stored feature row.
        """
        t0 = time.perf_counter()
        tickers = sorted(self.new_price_first)
        full = bool(self.stat("hist.price_anomalies").files) or bool(
            tickers
            and self.conn.execute(
                "select exists (select from unnest(%s::text[], %s::date[]) n (instrument_id, first_new)"
                " cross join lateral (select max(f.trade_date) as last_done from hist.features_daily f"
                "                      where f.instrument_id = n.instrument_id) f"
                " where n.first_new <= f.last_done)",
                (tickers, [pg_to_date(self.new_price_first[t]) for t in tickers]),
            ).fetchone()[0]  # type: ignore[index]
        )
        row = self.conn.execute("select core.refresh_features(%s)", (full,)).fetchone()
        st = self.stat("hist.features_daily")
        st.rows, st.seconds = (int(row[0]) if row else 0), time.perf_counter() - t0

    def finish_instruments(self, adjonly: dict[str, tuple[int, int, int]]) -> None:
        """Derive first/last dates from the prices, and mark the adjusted-only names."""
        if self.stat("hist.prices_daily").files == 0:
            return
        self.conn.execute(
            "update hist.instruments i set first_date = p.first_date, last_date = p.last_date "
            "from (select instrument_id, min(trade_date) as first_date, max(trade_date) as last_date "
            "      from hist.prices_daily group by instrument_id) p "
            "where p.instrument_id = i.instrument_id "
            "  and (i.first_date, i.last_date) is distinct from (p.first_date, p.last_date)"
        )
        for ticker, (first, _last, _rows) in adjonly.items():
            self.conn.execute(
                "update hist.instruments set adjusted_only_from = %s where instrument_id = %s",
                (pg_to_date(first), ticker),
            )


@contextlib.contextmanager
def bulk_load_mode(conn: psycopg.Connection[Any], table: str) -> Iterator[None]:
    """Drop a table's foreign keys and secondary indexes for a bulk COPY, then re-create them.

    PostgreSQL's own advice for populating a database: one set-based FK validation
    and one index build are far cheaper than a trigger call and an index insertion
    per row. Runs inside the caller's transaction, so a failure restores everything;
    re-adding the foreign keys re-validates every row, so no bad reference survives.
    """
    schema, name = table.split(".")
    fks = conn.execute(
        "select conname, pg_get_constraintdef(c.oid) from pg_constraint c "
        "where conrelid = %s::regclass and contype = 'f'",
        (table,),
    ).fetchall()
    idx = conn.execute(
        "select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) from pg_index i "
        "where i.indrelid = %s::regclass and not i.indisprimary and not i.indisunique",
        (table,),
    ).fetchall()
    tbl = sql.Identifier(schema, name)
    for conname, _ in fks:
        conn.execute(sql.SQL("alter table {} drop constraint {}").format(tbl, sql.Identifier(conname)))
    for iname, _ in idx:
        conn.execute(sql.SQL("drop index {}").format(sql.Identifier(*iname.split("."))))
    yield
    for _, idef in idx:
        conn.execute(idef)
    for conname, cdef in fks:
        conn.execute(sql.SQL("alter table {} add constraint {} {}").format(tbl, sql.Identifier(conname), sql.SQL(cdef)))


@contextlib.contextmanager
def _no_bulk_mode(conn: psycopg.Connection[Any], table: str) -> Iterator[None]:
    yield


def load(url: str, data_dir: Path) -> LoadReport:
    """Load every file of ``data_dir`` not loaded yet, in one transaction."""
    t0 = time.perf_counter()
    with psycopg.connect(url) as conn:
        loader = Loader(conn, data_dir)
        with conn.transaction():
            loader.load_instruments()
            loader.load_trading_days()
            prices = [MAIN_PRICES, EXT_PRICES, EXT_ADJONLY]
            bulk = bulk_load_mode if any(loader.is_new(p) for p in prices) else _no_bulk_mode
            with bulk(conn, "hist.prices_daily"):
                loader.load_prices(MAIN_PRICES)
                loader.load_prices(EXT_PRICES)
                adjonly = loader.load_prices(EXT_ADJONLY, adjusted_only=True)
            loader.finish_instruments(adjonly)
            loader.load_corporate_actions("us_eq_corporate_actions.csv.gz")
            loader.load_corporate_actions("extension_2021_2026/us_eq_corporate_actions_2021_plus.csv.gz")
            loader.load_anomalies()
            loader.load_index("sp500_index_daily.csv.gz")
            loader.load_index("extension_2021_2026/sp500_index_daily_2022_plus.csv.gz")
            loader.load_vix()
            loader.load_factors("ff3_factors_daily.csv.gz", "FF3")
            loader.load_factors("ff5_factors_daily.csv.gz", "FF5")
            loader.refresh_features()
        conn.autocommit = True
        # Statistics now, not when autovacuum wakes up: a table loaded in one transaction has none, and the
        # engines' plans go wrong without them (core.run_universe took minutes instead of seconds over a
        # hist.instruments never analyzed).
        written = [t for t, st in loader.stats.items() if st.rows]
        if any(st.files for st in loader.stats.values()):
            written.append("hist.load_batches")
        if loader.stat("hist.features_daily").rows:
            written.append("hist.price_series")  # packed with the feature store (core.refresh_price_series)
        if written:
            conn.execute(
                sql.SQL("analyze {}").format(sql.SQL(", ").join(sql.Identifier(*t.split(".")) for t in written))
            )
    return LoadReport(loader.stats, time.perf_counter() - t0)


def default_data_dir() -> Path:
    return Path(os.environ.get("PROMETHEUS_DATA_DIR", project_root() / "data"))
