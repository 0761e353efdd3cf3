"""Hand-computed cases for the compiled core on tiny synthetic books (formula tests only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from pycore_ext.broker import BacktestBroker, BrokerInterface, RunBuffers
from pycore_ext.portfolio import build_weights
from pycore_ext.runner import BacktestRunner, StrategyError, plan_orders
from pycore_ext.simulator import MarketSimulator
from pycore_ext.timemachine import LookAheadError, TimeMachine

START = 8036  # 2022-01-01 as days since 2000-01-01 (the dates only need to increase)


def book(close: list[list[float]], *, open_: list[list[float]] | None = None, volume: float | list[list[float]] = 1e6,
         dividend: dict[tuple[int, int], float] | None = None, split: dict[tuple[int, int], float] | None = None,
         start: int = 1) -> TimeMachine:
    c = np.array(close, dtype=float)
    T, N = c.shape
    o = np.array(open_, dtype=float) if open_ is not None else c.copy()
    v = np.full((T, N), float(volume)) if np.isscalar(volume) else np.array(volume, dtype=float)
    v[np.isnan(c)] = np.nan
    d = np.zeros((T, N))
    s = np.ones((T, N))
    for (t, i), x in (dividend or {}).items():
        d[t, i] = x
    for (t, i), x in (split or {}).items():
        s[t, i] = x
    hi = np.fmax(o, c)
    lo = np.fmin(o, c)
    names = [chr(65 + i) for i in range(N)]
    return TimeMachine(np.arange(T) + START, names, o, hi, lo, c, c, v, d, s, start)


class Fixed:
    """Targets by day index."""

    def __init__(self, tm: TimeMachine, targets: dict[int, dict[str, float]]) -> None:
        self.tm = tm
        self.targets = targets

    def target_positions_fn(self, day: dt.date) -> dict[str, float]:
        return self.targets.get(self.tm.current_index, {})


def run(tm: TimeMachine, targets: dict[int, dict[str, float]], **ex: Any) -> tuple[BacktestRunner, RunBuffers, MarketSimulator]:
    params: dict[str, Any] = dict(initial_cash=10_000.0, commission_rate=0.0, commission_min=0.0, slippage_bps=0.0,
                                  impact_bps=0.0, volume_cap=1.0, min_trade_value=0.0)
    params.update(ex)
    sim = MarketSimulator(tm, **params)
    buf = RunBuffers(7)
    mask = np.zeros(tm.T, dtype=np.uint8)
    for t in targets:
        mask[t] = 1
    runner = BacktestRunner(tm, sim, BacktestBroker(sim, buf), buf, Fixed(tm, targets), mask)
    runner.run()
    return runner, buf, sim


def fills(buf: RunBuffers) -> list[tuple[str, float, float, float]]:
    f = buf.fills
    side = ["BUY", "SELL"]
    return [(side[s], q, p, c) for s, q, p, c in zip(f.column("side"), f.column("quantity"), f.column("price"), f.column("commission"), strict=True)]


def test_close_model_fills_at_todays_close_sized_on_yesterdays() -> None:
    tm = book([[10.0], [11.0], [12.0]])
    _, buf, sim = run(tm, {1: {"A": 1.0}})
    # 10,000 / ref 10 = 1,000 shares wanted; at today's close 11 only 909 fit the cash
    assert fills(buf) == [("BUY", 909.0, 11.0, 0.0)]
    assert sim.cash == pytest.approx(10_000 - 909 * 11)
    eq = buf.equity.column("equity")
    assert eq.tolist() == pytest.approx([10_000 - 909 * 11 + 909 * 11, 10_000 - 909 * 11 + 909 * 12])


def test_next_open_model_fills_at_todays_open() -> None:
    tm = book([[10.0], [11.0], [12.0]], open_=[[10.0], [10.5], [12.0]])
    _, buf, _ = run(tm, {1: {"A": 0.5}}, price_model="next_open")
    assert fills(buf) == [("BUY", 500.0, 10.5, 0.0)]


def test_per_share_commission_and_its_minimum() -> None:
    tm = book([[10.0, 10.0], [10.0, 10.0], [10.0, 10.0]])
    _, buf, sim = run(tm, {1: {"A": 0.5, "B": 0.01}}, commission_type="per_share", commission_rate=0.005, commission_min=1.0)
    # A: 500 shares * 0.005 = 2.50; B: 10 shares * 0.005 = 0.05 -> minimum 1.00
    assert [f[3] for f in fills(buf)] == pytest.approx([2.5, 1.0])
    assert sim.cash == pytest.approx(10_000 - 5000 - 2.5 - 100 - 1.0)


def test_bps_commission() -> None:
    tm = book([[20.0], [20.0], [20.0]])
    _, buf, _ = run(tm, {1: {"A": 0.5}}, commission_type="bps", commission_rate=10.0, commission_min=0.0)
    assert fills(buf)[0][3] == pytest.approx(250 * 20 * 10 / 1e4)


def test_fixed_slippage_plus_volume_impact() -> None:
    tm = book([[100.0], [100.0], [100.0]], volume=1000.0)
    _, buf, _ = run(tm, {1: {"A": 0.5}}, slippage_bps=10.0, impact_bps=200.0, volume_cap=1.0)
    # 50 shares of a 1,000-share day: 10 + 200 * 0.05 = 20 bps
    side, qty, price, _ = fills(buf)[0]
    assert (side, qty) == ("BUY", 50.0)
    assert price == pytest.approx(100 * (1 + 20 / 1e4))
    assert buf.fills.column("slippage")[0] == pytest.approx(20.0)


def test_volume_cap_fills_part_and_cancels_the_rest() -> None:
    tm = book([[10.0], [10.0], [10.0]], volume=2000.0)
    _, buf, _ = run(tm, {1: {"A": 0.8}}, volume_cap=0.1)
    assert fills(buf) == [("BUY", 200.0, 10.0, 0.0)]
    o = buf.orders
    assert o.column("quantity").tolist() == [800.0]
    assert o.column("filled_quantity").tolist() == [200.0]
    assert o.column("status").tolist() == [1]  # PARTIALLY_FILLED
    assert o.column("reason").tolist() == [1]  # VOLUME_CAP


def test_split_doubles_quantity_halves_cost_keeps_equity() -> None:
    tm = book([[10.0], [10.0], [5.0], [5.5]], split={(2, 0): 2.0})
    _, buf, sim = run(tm, {1: {"A": 0.5}})
    assert sim.position(0) == (1000.0, 5.0)
    assert buf.equity.column("equity").tolist() == pytest.approx([10_000, 10_000, 10_500])
    p = buf.positions
    assert p.column("quantity").tolist() == [500.0, 1000.0, 1000.0]


def test_dividend_credits_cash_on_the_ex_date() -> None:
    tm = book([[10.0], [10.0], [9.5], [9.5]], dividend={(2, 0): 0.5})
    _, buf, sim = run(tm, {1: {"A": 0.5}})
    assert sim.dividends_received == pytest.approx(250.0)
    assert sim.cash == pytest.approx(5_000 + 250)
    assert buf.equity.column("equity").tolist() == pytest.approx([10_000, 5_250 + 500 * 9.5, 5_250 + 500 * 9.5])


def test_cash_floor_scales_a_buy_and_rejects_when_nothing_fits() -> None:
    tm = book([[10.0, 50.0], [12.0, 60.0], [12.0, 60.0]])
    _, buf, sim = run(tm, {1: {"A": 0.999}}, commission_rate=0.0, commission_min=5.0)
    # wanted 999 shares at 12 + 5 commission: (10,000 - 5) / 12 -> 832 shares
    assert fills(buf) == [("BUY", 832.0, 12.0, 5.0)]
    assert buf.orders.column("reason").tolist() == [3]  # SCALED_TO_CASH
    assert sim.cash >= 0
    tm2 = book([[10.0], [10.0], [10.0]])
    _, buf2, _ = run(tm2, {1: {"A": 0.5}}, commission_min=20_000.0)
    assert buf2.orders.column("status").tolist() == [3]  # REJECTED
    assert buf2.orders.column("reason").tolist() == [2]  # INSUFFICIENT_CASH
    assert len(buf2.fills) == 0


def test_sells_go_before_buys_and_free_cash() -> None:
    tm = book([[10.0, 10.0], [10.0, 10.0], [10.0, 10.0], [10.0, 10.0]])
    _, buf, sim = run(tm, {1: {"A": 1.0}, 2: {"B": 1.0}})
    assert fills(buf) == [("BUY", 1000.0, 10.0, 0.0), ("SELL", 1000.0, 10.0, 0.0), ("BUY", 1000.0, 10.0, 0.0)]
    assert sim.positions() == {"B": (1000.0, 10.0)}


def test_min_trade_value_drops_small_deltas_but_never_a_close() -> None:
    cur = np.array([100.0, 100.0, 0.0])
    ref = np.array([10.0, 10.0, 10.0])
    w = np.array([0.105, np.nan, 0.3])
    idx, side, qty = plan_orders(cur, ref, w, 10_000.0, 500.0)
    # A: 105 wanted, +5 shares = $50 < $500 -> dropped; B: not in target -> close 100; C: buy 300
    assert idx.tolist() == [1, 2]
    assert side.tolist() == [1, 0]
    assert qty.tolist() == [100.0, 300.0]


def test_delisted_position_is_closed_at_its_last_close() -> None:
    nan = float("nan")
    tm = book([[10.0, 10.0], [10.0, 10.0], [12.0, 10.0], [nan, 10.0], [nan, 11.0]])
    _, buf, sim = run(tm, {1: {"A": 0.5}})
    assert sim.positions() == {}
    assert fills(buf)[-1] == ("SELL", 500.0, 12.0, 0.0)
    assert buf.orders.column("reason").tolist()[-1] == 4  # DELISTED
    assert buf.equity.column("equity").tolist()[-1] == pytest.approx(10_000 + 500 * 2)


def test_mark_uses_last_known_close_when_a_bar_is_missing_and_tracks_drawdown() -> None:
    nan = float("nan")
    tm = book([[10.0, 10.0], [10.0, 10.0], [8.0, 10.0], [nan, 10.0], [11.0, 10.0]])
    _, buf, _ = run(tm, {1: {"A": 1.0}})
    eq = buf.equity.column("equity").tolist()
    assert eq == pytest.approx([10_000, 8_000, 8_000, 11_000])
    assert buf.equity.column("drawdown").tolist() == pytest.approx([0, -0.2, -0.2, 0])
    assert buf.equity.column("daily_return").tolist() == pytest.approx([0, -0.2, 0, 11 / 8 - 1])


def test_strategy_cannot_see_the_decision_day() -> None:
    tm = book([[10.0], [11.0], [12.0], [13.0]])
    seen: list[float] = []

    class Peeker:
        def target_positions_fn(self, day: dt.date) -> dict[str, float]:
            h = tm.history("close", 10)
            seen.append(float(h[-1, 0]))
            assert h.shape[0] == tm.current_index  # rows 0 .. t-1 only
            with pytest.raises(LookAheadError):
                tm.bar("A", day)
            assert h.base is None or h.base.shape[0] == h.shape[0]  # a copy, not a window onto the future
            return {}

    sim = MarketSimulator(tm, initial_cash=1000.0)
    buf = RunBuffers(1)
    BacktestRunner(tm, sim, BacktestBroker(sim, buf), buf, Peeker(), np.ones(tm.T, dtype=np.uint8)).run()
    assert seen == [10.0, 11.0, 12.0]  # on day t the newest close seen is t-1's
    tm.advance()


def test_strategy_errors_are_refused() -> None:
    tm = book([[10.0], [10.0], [10.0]])
    for bad in ({"A": 1.5}, {"A": -0.1}, {"Z": 0.1}, {"A": float("nan")}):
        with pytest.raises(StrategyError):
            run(tm, {1: bad})


def test_time_machine_checks_its_data_once() -> None:
    ok = dict(dates=np.arange(3) + START, instruments=["A"], open_=np.ones((3, 1)), high=np.ones((3, 1)), low=np.ones((3, 1)),
              close=np.ones((3, 1)), adj_close=np.ones((3, 1)), volume=np.ones((3, 1)), dividend=np.zeros((3, 1)),
              split=np.ones((3, 1)), start_index=1)
    TimeMachine(**ok)
    for key, value in (("close", -np.ones((3, 1))), ("split", np.zeros((3, 1))), ("dividend", -np.ones((3, 1))),
                       ("dates", np.array([3, 2, 1])), ("start_index", 0), ("open_", np.ones((2, 1)))):
        with pytest.raises(ValueError):
            TimeMachine(**{**ok, key: value})
    with pytest.raises(ValueError):
        MarketSimulator(TimeMachine(**ok), initial_cash=100.0, volume_cap=0.0)
    with pytest.raises(ValueError):
        MarketSimulator(TimeMachine(**ok), initial_cash=100.0, price_model="vwap")


def test_row_ids_are_run_scoped() -> None:
    tm = book([[10.0], [10.0], [10.0]])
    _, buf, _ = run(tm, {1: {"A": 0.5}})
    assert buf.orders.column("order_id").tolist() == [(7 << 32) + 1]
    assert buf.fills.column("order_id").tolist() == [(7 << 32) + 1]


def test_broker_interface_cancel_and_abstract_base() -> None:
    tm = book([[10.0], [10.0], [10.0]])
    sim = MarketSimulator(tm, initial_cash=1000.0)
    buf = RunBuffers(1)
    br = BacktestBroker(sim, buf)
    oid = br.submit_order("A", "BUY", 10)
    assert br.cancel_order(oid) is True
    assert br.cancel_order(oid) is False
    assert br.process_fills(tm.current_date) == 0
    assert buf.orders.column("status").tolist() == [2]  # CANCELLED
    assert br.get_account_state()["equity"] == pytest.approx(1000.0)
    with pytest.raises(TypeError, match="must implement"):
        BrokerInterface().get_positions()


def test_build_weights_caps_names_and_sectors() -> None:
    scores = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    vols = np.array([0.2, 0.2, 0.4, 0.2, 0.2])
    sectors = np.array([0, 0, 0, 1, 2], dtype=np.int32)
    w = build_weights(scores, vols, sectors, 4, "EQUAL", 1.0, 0.5)
    # top 4 equal (0.25 each); sector 0 holds 0.75 > 0.5 -> scaled to 0.5, excess to name 3
    assert w.tolist() == pytest.approx([1 / 6, 1 / 6, 1 / 6, 0.5, 0.0])
    w = build_weights(scores, vols, sectors, 5, "INVERSE_VOL", 0.25, 1.0)
    assert w.max() <= 0.25 + 1e-12 and w.sum() == pytest.approx(1.0)
    w = build_weights(scores, vols, sectors, 2, "EQUAL", 0.3, 1.0)
    assert w.tolist() == pytest.approx([0.3, 0.3, 0, 0, 0])  # nobody left to absorb: 40% cash


# ---------------------------------------------------------------- per-row context
def test_positions_record_the_target_weight_in_force() -> None:
    tm = book([[10.0, 20.0], [10.0, 20.0], [10.0, 20.0], [10.0, 20.0]])
    # day 1 targets A and B; day 2 targets A only, but B cannot be sold (no volume): held outside the target
    tm2 = book([[10.0, 20.0], [10.0, 20.0], [10.0, 20.0], [10.0, 20.0]], volume=[[1e6, 1e6], [1e6, 1e6], [1e6, 0.0], [1e6, 0.0]])
    for t, expect in ((tm, [0.25, 0.5, 0.4, 0.4]), (tm2, [0.25, 0.5, 0.4, float("nan"), 0.4, float("nan")])):
        _, buf, _ = run(t, {1: {"A": 0.25, "B": 0.5}, 2: {"A": 0.4}})
        got = buf.positions.column("target_weight").tolist()
        assert np.allclose(got, expect, equal_nan=True), got


def test_targets_record_the_strategys_optimization_params() -> None:
    tm = book([[10.0], [10.0], [10.0]])

    class WithParams(Fixed):
        def optimization_params(self, day: dt.date) -> dict[str, Any]:
            return {"top_k": 1, "as_of": day}

    sim = MarketSimulator(tm, initial_cash=10_000.0, commission_rate=0.0, commission_min=0.0, slippage_bps=0.0, impact_bps=0.0,
                          volume_cap=1.0, min_trade_value=0.0)
    buf = RunBuffers(7)
    runner = BacktestRunner(tm, sim, BacktestBroker(sim, buf), buf, WithParams(tm, {1: {"A": 1.0}}), np.array([0, 1, 0], dtype=np.uint8))
    runner.run()
    assert buf.targets.column("optimization_params") == ['{"top_k": 1, "as_of": "2022-01-02"}']
    _, plain, _ = run(tm, {1: {"A": 1.0}})
    assert plain.targets.column("optimization_params") == [None], "a strategy without the hook stores null"


def _copy_fields(payload: bytes) -> list[list[bytes | None]]:
    """Rows of a binary COPY payload as raw field bytes (None for NULL)."""
    import struct

    body, rows = payload[19:-2], []
    k = 0
    while k < len(body):
        (n,) = struct.unpack_from(">h", body, k)
        k += 2
        row: list[bytes | None] = []
        for _ in range(n):
            (size,) = struct.unpack_from(">i", body, k)
            k += 4
            row.append(None if size < 0 else body[k : k + size])
            k += max(size, 0)
        rows.append(row)
    return rows


def test_jsonb_obj_fields_are_built_from_the_columns() -> None:
    import json

    from pycore_ext.copybuf import CopyBuffer
    from pycore_ext.rowbuf import encode

    tm = book([[10.0, 20.0], [10.0, 20.0], [10.0, 20.0]], volume=[[1e6, 1e6], [1e6, 1e6], [1e6, 0.0]])  # B cannot be sold on day 2
    _, buf, _ = run(tm, {1: {"A": 0.1, "B": 0.3}, 2: {"A": 0.1}})
    out = CopyBuffer()
    spec = [("enum", "instrument", ("A", "B")),
            ("jsonb_obj", None, (("sector", "enum", "instrument", ("Energy", None)), ("target_weight", "f64_nullnan", "target_weight", None)))]
    assert encode(buf.positions, spec, out) == 4
    rows = _copy_fields(out.take())
    docs = [(r[0], r[1]) for r in rows]
    assert all(d is not None and d[:1] == b"\x01" for _, d in docs), "jsonb binary format: version byte 1"
    assert [(name, json.loads(d[1:])) for name, d in docs if d] == [
        (b"A", {"sector": "Energy", "target_weight": 0.1}), (b"B", {"sector": None, "target_weight": 0.3}),
        (b"A", {"sector": "Energy", "target_weight": 0.1}), (b"B", {"sector": None, "target_weight": None}),
    ]
    assert rows[0][1] == b'\x01{"sector": "Energy", "target_weight": 0.1}', "numbers in their shortest repr"
    with pytest.raises(ValueError, match="jsonb_obj member"):
        encode(buf.positions, [("jsonb_obj", None, (("x", "text", "instrument", None),))], CopyBuffer())
    with pytest.raises(TypeError, match="not f64_nullnan"):
        encode(buf.positions, [("jsonb_obj", None, (("x", "f64_nullnan", "instrument", None),))], CopyBuffer())
