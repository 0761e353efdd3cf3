"""Drain the core's typed row buffers into ``runtime`` with binary COPY.

Each buffer table maps to one runtime table through a field spec: which buffer
column feeds which database column and how it is encoded. Constants of the run
(run_id, mode, portfolio, strategy, sleeve, the config snapshot) are encoded once
per payload, instrument and enum codes become their text labels, per-position
context (sector, target weight in force) is a small JSON object built from the
C columns, and the encoder (compiled) writes the COPY payload straight from the
C arrays.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from pycore_ext.broker import LAYOUT, RunBuffers
from pycore_ext.copybuf import CopyBuffer
from pycore_ext.rowbuf import RowTable, encode
from pycore_ext.simulator import ORDER_TYPES, REASONS, SIDES, STATUSES

# the buffer columns a field kind may read: their storage kind in the extension's LAYOUT
_STORAGE = {
    "i64": "i64",
    "i64_null0": "i64",
    "ts": "i64",
    "f64": "f64",
    "f64_nullnan": "f64",
    "i32": "i32",
    "date": "i32",
    "enum": "i32",
    "text": "obj",
    "jsonb": "obj",
}


@dataclass
class RowContext:
    """What every row of a run carries: its ids, book, strategy, market, instruments and config snapshot."""

    run_id: uuid.UUID
    run_seq: int
    strategy_id: str
    portfolio_id: str
    market_id: str
    instruments: Sequence[str]
    mode: str = "BACKTEST"
    universe_id: str | None = None
    sleeve_id: str | None = None
    config_json: str = "{}"
    sectors: Sequence[str | None] = ()

    @property
    def sleeve(self) -> str:
        """The sleeve the run books: its own, else the strategy's."""
        return self.sleeve_id or self.strategy_id


def table_specs(ctx: RowContext) -> dict[str, tuple[str, list[tuple[str, str, str | None, Any]]]]:
    """buffer table -> (runtime table, [(db column, kind, buffer column, extra)])."""
    run = ("run_id", "const", None, ctx.run_id.bytes)
    mode = ("mode", "const", None, ctx.mode.encode())
    portfolio = ("portfolio_id", "const", None, ctx.portfolio_id.encode())
    strategy = ("strategy_id", "const", None, ctx.strategy_id.encode())
    inst = tuple(ctx.instruments)
    sectors = tuple(ctx.sectors) if ctx.sectors else (None,) * len(inst)
    if len(sectors) != len(inst):
        raise ValueError(f"{len(sectors)} sectors for {len(inst)} instruments")
    # jsonb's binary COPY format: a version byte, then the JSON text
    config_snapshot = ("config_snapshot", "const", None, b"\x01" + ctx.config_json.encode())
    return {
        # engine decisions first: orders, actions and targets reference them
        "decisions": (
            "runtime.engine_decisions",
            [
                ("decision_id", "i64", "decision_id", None),
                run,
                mode,
                ("engine_name", "const", None, b"PORTFOLIO"),
                strategy,
                ("market_id", "const", None, ctx.market_id.encode()),
                ("as_of_date", "date", "as_of_date", None),
                ("config_id", "const", None, f"{ctx.strategy_id}@{ctx.run_id}".encode()),
                ("input_refs", "jsonb", "input_refs", None),
                ("output_refs", "jsonb", "output_refs", None),
                ("metadata", "jsonb", "metadata", None),
            ],
        ),
        "targets": (
            "runtime.target_portfolios",
            [
                ("target_id", "i64", "target_id", None),
                run,
                mode,
                strategy,
                portfolio,
                ("as_of_date", "date", "as_of_date", None),
                ("target_positions", "jsonb", "target_positions", None),
                ("metadata", "jsonb", "metadata", None),
                ("optimization_params", "jsonb", "optimization_params", None),
                ("decision_id", "i64_null0", "decision_id", None),
            ],
        ),
        "orders": (
            "runtime.orders",
            [
                ("order_id", "i64", "order_id", None),
                run,
                mode,
                portfolio,
                ("timestamp", "ts", "ts", None),
                ("trade_date", "date", "trade_date", None),
                ("instrument_id", "enum", "instrument", inst),
                ("side", "enum", "side", SIDES),
                ("order_type", "enum", "order_type", ORDER_TYPES),
                ("quantity", "f64", "quantity", None),
                ("filled_quantity", "f64", "filled_quantity", None),
                ("status", "enum", "status", STATUSES),
                ("reason", "enum", "reason", REASONS),
                ("decision_id", "i64_null0", "decision_id", None),
            ],
        ),
        "fills": (
            "runtime.fills",
            [
                ("fill_id", "i64", "fill_id", None),
                run,
                mode,
                ("order_id", "i64", "order_id", None),
                ("timestamp", "ts", "ts", None),
                ("trade_date", "date", "trade_date", None),
                ("instrument_id", "enum", "instrument", inst),
                ("side", "enum", "side", SIDES),
                ("quantity", "f64", "quantity", None),
                ("price", "f64", "price", None),
                ("commission", "f64", "commission", None),
                ("slippage", "f64", "slippage", None),
            ],
        ),
        "trades": (
            "runtime.backtest_trades",
            [
                ("trade_id", "i64", "trade_id", None),
                run,
                mode,
                strategy,
                ("sleeve_id", "const", None, ctx.sleeve.encode()),
                ("as_of_date", "date", "as_of_date", None),
                ("instrument_id", "enum", "instrument", inst),
                ("side", "enum", "side", SIDES),
                ("quantity", "f64", "quantity", None),
                ("price", "f64", "price", None),
                ("pnl", "f64", "pnl", None),
                ("commission", "f64", "commission", None),
                ("fill_id", "i64", "fill_id", None),
                ("decision_id", "i64_null0", "decision_id", None),
                config_snapshot,
            ],
        ),
        "actions": (
            "runtime.executed_actions",
            [
                ("action_id", "i64", "action_id", None),
                run,
                mode,
                portfolio,
                ("decision_id", "i64_null0", "decision_id", None),
                ("instrument_id", "enum", "instrument", inst),
                ("trade_date", "date", "trade_date", None),
                ("side", "enum", "side", SIDES),
                ("quantity", "f64", "quantity", None),
                ("price", "f64", "price", None),
                ("slippage", "f64", "slippage", None),
                ("fees", "f64", "fees", None),
            ],
        ),
        "positions": (
            "runtime.positions_snapshots",
            [
                ("snapshot_id", "i64", "snapshot_id", None),
                run,
                mode,
                portfolio,
                ("timestamp", "ts", "ts", None),
                ("as_of_date", "date", "as_of_date", None),
                ("instrument_id", "enum", "instrument", inst),
                ("quantity", "f64", "quantity", None),
                ("avg_cost", "f64", "avg_cost", None),
                ("market_value", "f64", "market_value", None),
                ("unrealized_pnl", "f64", "unrealized_pnl", None),
                ("last_price", "f64", "last_price", None),
                ("weight", "f64", "weight", None),
                (
                    "metadata",
                    "jsonb_obj",
                    None,
                    (
                        ("sector", "enum", "instrument", sectors),
                        ("target_weight", "f64_nullnan", "target_weight", None),
                    ),
                ),
            ],
        ),
        "equity": (
            "runtime.backtest_daily_equity",
            [
                run,
                mode,
                ("as_of_date", "date", "as_of_date", None),
                ("equity", "f64", "equity", None),
                ("cash", "f64", "cash", None),
                ("drawdown", "f64", "drawdown", None),
                ("gross_exposure", "f64", "gross", None),
                ("net_exposure", "f64", "net", None),
                ("daily_return", "f64", "daily_return", None),
                ("exposure_metrics_json", "jsonb", "exposure_json", None),
            ],
        ),
    }


def check_layout(specs: dict[str, tuple[str, list[tuple[str, str, str | None, Any]]]]) -> None:
    """Every buffer column a COPY field list reads is a column of the extension's buffer layout, of the storage its
    field kind reads: a renamed or missing column fails here, before any run, not at the first non-empty drain."""
    for name, (table, fields) in specs.items():
        for db_col, kind, col, extra in fields:
            reads = [(k, c) for _key, k, c, _labels in extra] if kind == "jsonb_obj" else [(kind, col)]
            for k, c in reads:
                storage = _STORAGE.get(k)  # None: a constant, no buffer column
                if storage is not None and c not in LAYOUT[name][storage]:
                    raise ValueError(f"{table}.{db_col}: buffer {name} has no {storage} column {c!r} ({k})")


@dataclass
class WriteStats:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    encode_seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


class RunWriter:
    """Writes a run's buffers to runtime in chunks, in dependency order."""

    def __init__(self, ctx: RowContext, *, keep_payloads: bool = False) -> None:
        self.ctx = ctx
        self.keep_payloads = keep_payloads
        self.payloads: list[tuple[str, bytes]] = []
        self.specs = table_specs(ctx)
        check_layout(self.specs)
        self.stats = WriteStats()
        self._buf = CopyBuffer(1 << 22)
        self._lock = threading.Lock()  # stats and payloads: the pipeline's streams add to them
        self._statements = {
            name: sql.SQL("copy {} ({}) from stdin (format binary)").format(
                sql.Identifier(*table.split(".")), sql.SQL(", ").join(sql.Identifier(f[0]) for f in fields)
            )
            for name, (table, fields) in self.specs.items()
        }

    def encode(self, buffers: RunBuffers) -> list[tuple[str, bytes, int]]:
        """The COPY payloads of what the buffers hold, in dependency order, as (buffer table, payload, rows); the
        buffers are emptied for the next chunk."""
        tables = buffers.tables()
        out: list[tuple[str, bytes, int]] = []
        te = time.perf_counter()
        for name, (_table, fields) in self.specs.items():
            rt: RowTable = tables[name]
            if len(rt) == 0:
                continue
            spec = [(kind, col, extra) for _db, kind, col, extra in fields]
            rows = encode(rt, spec, self._buf)
            out.append((name, self._buf.take(), rows))
            rt.clear()
        self.stats.encode_seconds += time.perf_counter() - te
        return out

    def copy(self, conn: psycopg.Connection[Any], payloads: list[tuple[str, bytes, int]]) -> int:
        """COPY encoded payloads on ``conn`` (in its open transaction); the rows written."""
        n = 0
        for name, payload, rows in payloads:
            with conn.cursor() as cur, cur.copy(self._statements[name]) as copy:
                copy.write(payload)
            n += rows
        with self._lock:
            for name, payload, rows in payloads:
                if self.keep_payloads:
                    self.payloads.append((name, payload))
                table = self.specs[name][0]
                self.stats.rows[table] = self.stats.rows.get(table, 0) + rows
        return n


class ChunkPipeline:
    """Commits a run's chunks of rows from ``streams`` connections at once, each chunk in its own transaction, in
    the order of the chunks.

    A chunk's COPYs run while the chunks before it are still being written (PostgreSQL spends a core per
    connection on a COPY: two streams write a run in a little more than half the time on two cores); its commit
    waits for the commit of the chunk before it, so a watcher sees a run's rows arrive in date order, each chunk
    whole, and its live event (``core.run_chunk_committed``) after the chunk before's. ``streams = 1`` writes on the
    run's connection alone. A failed chunk stops the chunks after it before they commit; :meth:`close` waits for
    every stream, so that nothing commits after the run is failed and its rows removed.
    """

    def __init__(self, conn: psycopg.Connection[Any], writer: RunWriter, run_id: uuid.UUID, streams: int,
                 connect: Callable[[], psycopg.Connection[Any]]) -> None:  # fmt: skip
        self.writer, self.run_id = writer, run_id
        self.conns = [conn] + [connect() for _ in range(max(1, streams) - 1)]
        self._pool = ThreadPoolExecutor(len(self.conns), thread_name_prefix="run-writer")
        self._committed: list[threading.Event] = []
        self._failed = threading.Event()
        self._in_flight: deque[Future[None]] = deque()

    def submit(self, payloads: list[tuple[str, bytes, int]], first: dt.date, last: dt.date, progress: float,
               then: Callable[[], None]) -> None:  # fmt: skip
        """Write a chunk; ``then`` is called once it is committed, before the next chunk may commit (so what it
        looks at holds exactly the chunks up to this one; it runs in the chunk's stream, and what it raises fails the
        run like a failed COPY). Blocks while every stream is busy."""
        k = len(self._committed)
        self._committed.append(threading.Event())
        conn = self.conns[k % len(self.conns)]
        while self._in_flight and (len(self._in_flight) >= len(self.conns) or self._in_flight[0].done()):
            self._collect()
        self._in_flight.append(self._pool.submit(self._write, k, conn, payloads, first, last, progress, then))

    def _collect(self) -> None:
        self._in_flight.popleft().result()

    def _write(self, k: int, conn: psycopg.Connection[Any], payloads: list[tuple[str, bytes, int]], first: dt.date,
               last: dt.date, progress: float, then: Callable[[], None]) -> None:  # fmt: skip
        try:
            self.writer.copy(conn, payloads)
            while k > 0 and not self._committed[k - 1].wait(0.05):
                if self._failed.is_set():
                    raise ChunkAborted(f"chunk {k}: an earlier chunk failed")
            if self._failed.is_set():
                raise ChunkAborted(f"chunk {k}: an earlier chunk failed")
            conn.execute("update runtime.backtest_runs set metrics_json = %s where run_id = %s",
                         (Jsonb({"progress": progress}), self.run_id))  # fmt: skip
            conn.execute("select core.run_chunk_committed(%s, %s, %s)", (self.run_id, first, last))
            conn.commit()
            then()
            self._committed[k].set()
        except BaseException:
            self._failed.set()
            with contextlib.suppress(psycopg.Error):  # a lost connection: the failure to report is the first one
                conn.rollback()
            raise

    @property
    def spare(self) -> psycopg.Connection[Any] | None:
        """A connection of the pipeline other than the run's, when it has one (idle once :meth:`finish` returned;
        open until :meth:`close`)."""
        return self.conns[1] if len(self.conns) > 1 else None

    def finish(self) -> None:
        """Wait for every chunk to commit; raises the first failure."""
        while self._in_flight:
            self._collect()

    def close(self) -> None:
        """Stop: chunks not committed yet roll back; every stream is idle when this returns. Extra connections are
        closed."""
        if self._in_flight:
            self._failed.set()
        self._pool.shutdown(wait=True)
        self._in_flight.clear()
        for extra in self.conns[1:]:
            extra.close()


class ChunkAborted(Exception):
    """A chunk rolled back because a chunk before it failed."""
