"""The compiled core's contracts: labels and buffer layouts declared once, a runner that knows only the broker
interface, and allocation failures that raise instead of crashing."""

from __future__ import annotations

import datetime as dt
import gc
import math
import re
import uuid
from enum import IntEnum
from typing import Any

import numpy as np
import pytest

from pycore.run.writer import RowContext, check_layout, table_specs
from pycore_ext import broker, portfolio, simulator
from pycore_ext.broker import LAYOUT, BacktestBroker, BrokerInterface, RunBuffers
from pycore_ext.copybuf import CopyBuffer
from pycore_ext.portfolio import build_weights
from pycore_ext.rowbuf import RowTable, enum_names
from pycore_ext.runner import BacktestRunner
from pycore_ext.simulator import MarketSimulator
from pycore_ext.timemachine import TimeMachine

# (label tuple, its enum, the members' prefix, lower-cased)
LABELS = [
    (simulator.SIDES, simulator.Side, "", False),
    (simulator.ORDER_TYPES, simulator.OrderType, "OT_", False),
    (simulator.STATUSES, simulator.Status, "ST_", False),
    (simulator.REASONS, simulator.Reason, "R_", False),
    (simulator.PRICE_MODELS, simulator.PriceModel, "PM_", True),
    (simulator.COMMISSION_TYPES, simulator.CommissionType, "CT_", True),
    (portfolio.WEIGHTINGS, portfolio.WeightScheme, "WS_", False),
]


# ---------------------------------------------------------------- labels
@pytest.mark.parametrize(("labels", "enum", "prefix", "lower"), LABELS, ids=[e.__name__ for _, e, _, _ in LABELS])
def test_each_label_tuple_is_its_enum_read_in_code_order(labels: tuple[str, ...], enum: type[IntEnum], prefix: str,
                                                         lower: bool) -> None:
    members = sorted((m for m in enum if m >= 0), key=int)
    assert [int(m) for m in members] == list(range(len(labels))), "codes are 0 .. n-1, a label per code"
    for m in members:
        name = m.name.removeprefix(prefix)
        assert labels[m] == (name.lower() if lower else name), f"{enum.__name__}.{m.name} is labelled {labels[m]!r}"


def test_codes_the_core_writes_decode_to_their_labels() -> None:
    s = simulator
    assert (s.SIDES[s.Side.BUY], s.SIDES[s.Side.SELL]) == ("BUY", "SELL")
    assert s.ORDER_TYPES[s.OrderType.OT_MARKET] == "MARKET"
    assert s.STATUSES[s.Status.ST_PARTIALLY_FILLED] == "PARTIALLY_FILLED"
    assert s.REASONS[s.Reason.R_DELISTED] == "DELISTED"
    assert int(s.Reason.R_NONE) == -1, "R_NONE has no label: the writer stores NULL"
    assert (s.PRICE_MODELS[s.PriceModel.PM_CLOSE], s.COMMISSION_TYPES[s.CommissionType.CT_BPS]) == ("close", "bps")
    assert portfolio.WEIGHTINGS[portfolio.WeightScheme.WS_INVERSE_VOL] == "INVERSE_VOL"


def test_enum_names_refuses_gaps_and_missing_prefixes() -> None:
    class Gap(IntEnum):
        G_A = 0
        G_B = 2

    class Prefix(IntEnum):
        P_A = 0
        Q_B = 1

    with pytest.raises(ValueError, match=re.escape("0 .. n-1")):
        enum_names(Gap, "G_")
    with pytest.raises(ValueError, match="prefix"):
        enum_names(Prefix, "P_")


def ctx() -> RowContext:
    return RowContext(uuid.uuid4(), 1, "S", "P", "US_EQ", ["A", "B"], sectors=["Energy", None])


def test_the_writer_takes_its_labels_from_the_extension() -> None:
    extension = {id(t) for t, _, _, _ in LABELS}
    for name, (_table, fields) in table_specs(ctx()).items():
        for db_col, kind, col, extra in fields:
            if kind == "enum" and col != "instrument":
                assert id(extra) in extension, f"{name}.{db_col}: labels {extra} are not one of the extension's tuples"


# ---------------------------------------------------------------- buffer layout
def test_run_buffers_are_built_from_the_layout() -> None:
    tables = RunBuffers(1).tables()
    assert set(tables) == set(LAYOUT)
    dtypes = {"i64": np.int64, "i32": np.int32, "f64": np.float64}
    for name, kinds in LAYOUT.items():
        rt = tables[name]
        assert rt.columns() == [*kinds["i64"], *kinds["f64"], *kinds["i32"], *kinds["obj"]], name
        for kind, cols in kinds.items():
            for c in cols:
                got = rt.column(c)
                if kind == "obj":
                    assert isinstance(got, list), f"{name}.{c}"
                else:
                    assert isinstance(got, np.ndarray) and got.dtype == dtypes[kind], f"{name}.{c}"


def test_layout_names_are_the_column_constants_without_their_prefix() -> None:
    assert int(broker.OrdersF64.ORD_FILLED_QUANTITY) == 1 and LAYOUT["orders"]["f64"][1] == "filled_quantity"
    assert LAYOUT["positions"]["f64"][broker.PositionsF64.POS_TARGET_WEIGHT] == "target_weight"
    assert LAYOUT["equity"]["obj"][broker.EquityObj.EQ_EXPOSURE_JSON] == "exposure_json"
    assert LAYOUT["fills"]["i32"][broker.FillsI32.FILL_SIDE] == "side"
    assert [t.name for t in broker.RunTable] == [f"T_{name.upper()}" for name in LAYOUT], "id counters in table order"


def test_the_writer_refuses_a_column_the_layout_lacks() -> None:
    specs = table_specs(ctx())
    check_layout(specs)  # the real field lists read only columns of the layout
    table, fields = specs["orders"]
    with pytest.raises(ValueError, match="no f64 column 'fill_price'"):
        check_layout({"orders": (table, [*fields, ("price", "f64", "fill_price", None)])})
    with pytest.raises(ValueError, match="no i32 column 'quantity'"):
        check_layout({"orders": (table, [*fields, ("side", "enum", "quantity", simulator.SIDES)])})
    table, fields = specs["positions"]
    with pytest.raises(ValueError, match="no f64 column 'target'"):
        check_layout({"positions": (table, [("metadata", "jsonb_obj", None, (("t", "f64_nullnan", "target", None),))])})


# ---------------------------------------------------------------- the broker seam
START = 8036


def delisting_book() -> TimeMachine:
    """A and B; B's data ends on day 2, so a position in it is closed on day 3."""
    c = np.array([[10.0, 20.0], [10.0, 20.0], [11.0, 21.0], [12.0, np.nan], [13.0, np.nan]])
    v = np.where(np.isnan(c), np.nan, 1e6)
    return TimeMachine(np.arange(5) + START, ["A", "B"], c, c, c, c, c, v, np.zeros_like(c), np.ones_like(c), 1)


class Targets:
    def __init__(self, tm: TimeMachine) -> None:
        self.tm = tm

    def target_positions_fn(self, day: dt.date) -> dict[str, float]:
        return {1: {"A": 0.4, "B": 0.4}, 4: {"A": 0.5}}.get(self.tm.current_index, {})


class Delegating(BrokerInterface):
    """A broker written in Python: it forwards to a BacktestBroker and counts the calls it gets."""

    def __init__(self, inner: BacktestBroker) -> None:
        self.inner = inner
        self.calls: dict[str, int] = {}

    def _count(self, method: str) -> None:
        self.calls[method] = self.calls.get(method, 0) + 1

    def begin_day(self, t: int) -> int:
        self._count("begin_day")
        return self.inner.begin_day(t)

    def submit_order(self, instrument: str, side: str, quantity: float, decision_id: int = 0) -> int:
        self._count("submit_order")
        return self.inner.submit_order(instrument, side, quantity, decision_id)

    def process_fills(self, day: dt.date | None) -> int:
        self._count("process_fills")
        return self.inner.process_fills(day)

    def get_positions(self) -> dict[str, tuple[float, float]]:
        return self.inner.get_positions()

    def get_account_state(self) -> dict[str, float]:
        return self.inner.get_account_state()

    def cancel_order(self, order_id: int) -> bool:
        return self.inner.cancel_order(order_id)


def reasons(buf: RunBuffers) -> list[str | None]:
    """The reason label of each order (None: filled as asked)."""
    return [simulator.REASONS[r] if r >= 0 else None for r in np.asarray(buf.orders.column("reason")).tolist()]


def run_with(make_broker: Any) -> tuple[RunBuffers, Any]:
    tm = delisting_book()
    sim = MarketSimulator(tm, initial_cash=10_000.0, commission_rate=0.0, commission_min=0.0, slippage_bps=0.0,
                          impact_bps=0.0, volume_cap=1.0)
    buf = RunBuffers(3)
    br = make_broker(BacktestBroker(sim, buf))
    mask = np.array([0, 1, 0, 0, 1], dtype=np.uint8)
    BacktestRunner(tm, sim, br, buf, Targets(tm), mask).run()
    return buf, br


def snapshot(buf: RunBuffers) -> dict[str, dict[str, list[Any]]]:
    """Every column of every table (NaN as None, so that equal runs compare equal)."""
    out: dict[str, dict[str, list[Any]]] = {}
    for name, t in buf.tables().items():
        out[name] = {}
        for c in t.columns():
            v = t.column(c)
            values = v if isinstance(v, list) else v.tolist()
            out[name][c] = [None if isinstance(x, float) and math.isnan(x) else x for x in values]
    return out


def test_the_runner_trades_only_through_the_broker_interface() -> None:
    direct, _ = run_with(lambda b: b)
    via, br = run_with(Delegating)
    assert snapshot(via) == snapshot(direct), "a Python broker behind the interface gives the very same rows"
    assert br.calls == {"begin_day": 4, "submit_order": 3, "process_fills": 2}
    assert reasons(direct) == [None, None, "DELISTED", None], "B's close-out came from the broker's begin_day"


def test_a_broker_without_day_events_is_left_alone() -> None:
    class NoDayEvents(Delegating):
        def begin_day(self, t: int) -> int:
            self._count("begin_day")
            return 0

    buf, br = run_with(NoDayEvents)
    assert br.calls["begin_day"] == 4
    assert "DELISTED" not in reasons(buf), "no close-out: the runner did not reach around the interface"


def test_the_interface_base_has_no_day_events_and_abstract_trading() -> None:
    base = BrokerInterface()
    assert base.begin_day(0) == 0
    with pytest.raises(TypeError, match=re.escape("must implement BrokerInterface.submit_order")):
        base.submit_order("A", "BUY", 1.0)


# ---------------------------------------------------------------- portfolio
def test_build_weights_refuses_negative_sector_codes_and_unknown_schemes() -> None:
    scores, vols = np.array([2.0, 1.0]), np.array([0.2, 0.2])
    with pytest.raises(ValueError, match="sector codes must be >= 0"):
        build_weights(scores, vols, np.array([0, -1], dtype=np.int32), 2)
    with pytest.raises(ValueError, match="EQUAL or INVERSE_VOL"):
        build_weights(scores, vols, np.array([0, 1], dtype=np.int32), 2, "RISK_PARITY")
    assert build_weights(scores, vols, np.array([0, -1], dtype=np.int32), 1).tolist() == [1.0, 0.0], \
        "a name not chosen may have any sector code"


# ---------------------------------------------------------------- allocation failures
def test_a_row_table_too_big_for_memory_raises_memory_error_and_frees_what_it_had() -> None:
    # 2^44 rows of int32 are 64 TiB a column: the first column fails, or a later one when the kernel overcommits;
    # either way the constructor raises and the half-built table is freed, its unallocated columns being NULL. Small
    # tables made and dropped in between hand their freed blocks to the big one's column arrays: a constructor that
    # left those arrays uninitialised freed stale pointers here ("double free detected", the process aborted).
    small = []
    for k in range(100):
        small.append(RowTable("small", i64=("a", "b", "c"), capacity=16))
        if k % 3 == 0:
            small.pop(0)
        with pytest.raises(MemoryError):
            RowTable("huge", i32=("a", "b", "c"), capacity=1 << 44)
        with pytest.raises(MemoryError):
            RowTable("huge", i64=("a",), f64=("b",), i32=("c",), obj=("d",), capacity=1 << 45)
    gc.collect()


def test_a_capacity_whose_size_overflows_raises_memory_error() -> None:
    # 2^62 rows * 8 bytes wraps around size_t: refused before any allocation
    with pytest.raises(MemoryError, match="does not fit"):
        RowTable("overflow", i64=("a",), capacity=1 << 62)


def test_a_copy_buffer_too_big_for_memory_raises_memory_error() -> None:
    with pytest.raises(MemoryError):
        CopyBuffer(1 << 50)
    buf = CopyBuffer(64)
    buf.begin_row(1)
    buf.put_int4(7)
    assert buf.rows == 1, "the next buffer works"


def test_tables_still_work_after_a_failed_allocation() -> None:
    with pytest.raises(MemoryError):
        RowTable("huge", f64=("x",), capacity=1 << 45)
    buf, _ = run_with(lambda b: b)
    assert len(buf.orders) == 4
