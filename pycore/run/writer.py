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

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

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
        self._statements = {
            name: sql.SQL("copy {} ({}) from stdin (format binary)").format(
                sql.Identifier(*table.split(".")), sql.SQL(", ").join(sql.Identifier(f[0]) for f in fields)
            )
            for name, (table, fields) in self.specs.items()
        }

    def drain(self, conn: psycopg.Connection[Any], buffers: RunBuffers) -> int:
        tables = buffers.tables()
        n = 0
        t0 = time.perf_counter()
        for name, (table, fields) in self.specs.items():
            rt: RowTable = tables[name]
            if len(rt) == 0:
                continue
            te = time.perf_counter()
            spec = [(kind, col, extra) for _db, kind, col, extra in fields]
            rows = encode(rt, spec, self._buf)
            payload = self._buf.take()
            self.stats.encode_seconds += time.perf_counter() - te
            with conn.cursor() as cur, cur.copy(self._statements[name]) as copy:
                copy.write(payload)
            if self.keep_payloads:
                self.payloads.append((name, payload))
            self.stats.rows[table] = self.stats.rows.get(table, 0) + rows
            rt.clear()
            n += rows
        self.stats.seconds += time.perf_counter() - t0
        return n
