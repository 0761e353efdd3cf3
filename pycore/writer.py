"""Drain the core's typed row buffers into ``runtime`` with binary COPY.

Each buffer table maps to one runtime table through a field spec: which buffer
column feeds which database column and how it is encoded. Constants of the run
(run_id, mode, portfolio, strategy) are encoded once per payload, instrument
and enum codes become their text labels, and the encoder (compiled) writes the
COPY payload straight from the C arrays.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from pycore_ext.broker import RunBuffers
from pycore_ext.copybuf import CopyBuffer
from pycore_ext.rowbuf import RowTable, encode
from pycore_ext.simulator import REASONS, SIDES, STATUSES

RUN_TABLES = (
    "runtime.decision_outcomes",
    "runtime.backtest_trades",
    "runtime.executed_actions",
    "runtime.fills",
    "runtime.orders",
    "runtime.positions_snapshots",
    "runtime.backtest_daily_equity",
    "runtime.target_portfolios",
    "runtime.portfolio_risk_reports",
    "runtime.engine_decisions",
    "runtime.instrument_scores",
    "runtime.universe_members",
)


@dataclass
class RunContext:
    run_id: uuid.UUID
    run_seq: int
    strategy_id: str
    portfolio_id: str
    market_id: str
    instruments: Sequence[str]
    mode: str = "BACKTEST"
    universe_id: str | None = None


def table_specs(ctx: RunContext) -> dict[str, tuple[str, list[tuple[str, str, str | None, Any]]]]:
    """buffer table -> (runtime table, [(db column, kind, buffer column, extra)])."""
    run = ("run_id", "const", None, ctx.run_id.bytes)
    mode = ("mode", "const", None, ctx.mode.encode())
    portfolio = ("portfolio_id", "const", None, ctx.portfolio_id.encode())
    inst = tuple(ctx.instruments)
    return {
        # engine decisions first: orders, actions and targets reference them
        "decisions": ("runtime.engine_decisions", [
            ("decision_id", "i64", "decision_id", None), run, mode,
            ("engine_name", "const", None, b"PORTFOLIO"),
            ("strategy_id", "const", None, ctx.strategy_id.encode()),
            ("market_id", "const", None, ctx.market_id.encode()),
            ("as_of_date", "date", "as_of_date", None),
            ("config_id", "const", None, f"{ctx.strategy_id}@{ctx.run_id}".encode()),
            ("input_refs", "jsonb", "input_refs", None),
            ("output_refs", "jsonb", "output_refs", None),
            ("metadata", "jsonb", "metadata", None),
        ]),
        "targets": ("runtime.target_portfolios", [
            ("target_id", "i64", "target_id", None), run, mode,
            ("strategy_id", "const", None, ctx.strategy_id.encode()), portfolio,
            ("as_of_date", "date", "as_of_date", None),
            ("target_positions", "jsonb", "target_positions", None),
            ("metadata", "jsonb", "metadata", None),
            ("decision_id", "i64_null0", "decision_id", None),
        ]),
        "orders": ("runtime.orders", [
            ("order_id", "i64", "order_id", None), run, mode, portfolio,
            ("timestamp", "ts", "ts", None),
            ("trade_date", "date", "trade_date", None),
            ("instrument_id", "enum", "instrument", inst),
            ("side", "enum", "side", SIDES),
            ("order_type", "enum", "order_type", ("MARKET",)),
            ("quantity", "f64", "quantity", None),
            ("filled_quantity", "f64", "filled_quantity", None),
            ("status", "enum", "status", STATUSES),
            ("reason", "enum", "reason", REASONS),
            ("decision_id", "i64_null0", "decision_id", None),
        ]),
        "fills": ("runtime.fills", [
            ("fill_id", "i64", "fill_id", None), run, mode,
            ("order_id", "i64", "order_id", None),
            ("timestamp", "ts", "ts", None),
            ("trade_date", "date", "trade_date", None),
            ("instrument_id", "enum", "instrument", inst),
            ("side", "enum", "side", SIDES),
            ("quantity", "f64", "quantity", None),
            ("price", "f64", "price", None),
            ("commission", "f64", "commission", None),
            ("slippage", "f64", "slippage", None),
        ]),
        "trades": ("runtime.backtest_trades", [
            ("trade_id", "i64", "trade_id", None), run, mode,
            ("trade_date", "date", "trade_date", None),
            ("ticker", "enum", "instrument", inst),
            ("direction", "enum", "direction", SIDES),
            ("size", "f64", "size", None),
            ("price", "f64", "price", None),
            ("realized_pnl", "f64", "realized_pnl", None),
            ("commission", "f64", "commission", None),
            ("fill_id", "i64", "fill_id", None),
            ("decision_id", "i64_null0", "decision_id", None),
        ]),
        "actions": ("runtime.executed_actions", [
            ("action_id", "i64", "action_id", None), run, mode, portfolio,
            ("decision_id", "i64_null0", "decision_id", None),
            ("instrument_id", "enum", "instrument", inst),
            ("trade_date", "date", "trade_date", None),
            ("side", "enum", "side", SIDES),
            ("quantity", "f64", "quantity", None),
            ("price", "f64", "price", None),
            ("slippage", "f64", "slippage", None),
            ("fees", "f64", "fees", None),
        ]),
        "positions": ("runtime.positions_snapshots", [
            ("snapshot_id", "i64", "snapshot_id", None), run, mode, portfolio,
            ("timestamp", "ts", "ts", None),
            ("as_of_date", "date", "as_of_date", None),
            ("instrument_id", "enum", "instrument", inst),
            ("quantity", "f64", "quantity", None),
            ("avg_cost", "f64", "avg_cost", None),
            ("market_value", "f64", "market_value", None),
            ("unrealized_pnl", "f64", "unrealized_pnl", None),
            ("last_price", "f64", "last_price", None),
            ("weight", "f64", "weight", None),
        ]),
        "equity": ("runtime.backtest_daily_equity", [
            run, mode,
            ("date", "date", "date", None),
            ("equity_curve_value", "f64", "equity", None),
            ("cash", "f64", "cash", None),
            ("drawdown", "f64", "drawdown", None),
            ("gross_exposure", "f64", "gross", None),
            ("net_exposure", "f64", "net", None),
            ("daily_return", "f64", "daily_return", None),
            ("exposure_metrics_json", "jsonb", "exposure_json", None),
        ]),
    }


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

    def __init__(self, ctx: RunContext, *, keep_payloads: bool = False) -> None:
        self.ctx = ctx
        self.keep_payloads = keep_payloads
        self.payloads: list[tuple[str, bytes]] = []
        self.specs = table_specs(ctx)
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


def purge_run(conn: psycopg.Connection[Any], run_id: uuid.UUID) -> None:
    """Remove every row a run wrote (children before parents); the run row stays."""
    for table in RUN_TABLES:
        conn.execute(sql.SQL("delete from {} where run_id = %s").format(sql.Identifier(*table.split("."))), (run_id,))
