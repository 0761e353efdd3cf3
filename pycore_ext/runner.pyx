"""The daily loop: plan orders from target weights, execute them, record the day.

``BacktestRunner.run(until)`` simulates days ``next_day .. until-1`` and returns,
so the Python layer can drain the row buffers with COPY and report progress
between chunks. The strategy is any object with ``target_positions_fn(date)``
returning ``{instrument_id: weight}``; it is called on rebalance days only,
while the TimeMachine shows it nothing dated on or after that date.
"""

import json

import numpy as np

from libc.math cimport fabs, floor, isfinite, isnan
from libc.stdint cimport int32_t, int64_t

from pycore_ext.broker cimport BacktestBroker, BrokerInterface, RunBuffers
from pycore_ext.broker import T_DECISIONS, T_EQUITY, T_POSITIONS, T_TARGETS
from pycore_ext.rowbuf cimport RowTable
from pycore_ext.simulator cimport Mark, MarketSimulator
from pycore_ext.simulator import SIDES
from pycore_ext.timemachine cimport TimeMachine


class StrategyError(ValueError):
    """The strategy returned targets the runner cannot trade."""


def plan_orders(double[::1] current, double[::1] ref_price, double[::1] target_weight, double equity,
                double min_trade_value=0.0):
    """Orders that move ``current`` shares to the target weights.

    ``target_weight[i]`` is NaN for instruments outside the target (their target
    is 0 shares). Target shares are ``floor(w * equity / ref)``; a delta worth less
    than ``min_trade_value`` is dropped unless it closes the position; instruments
    without a reference price are left alone. Returns ``(instrument, side, quantity)``
    arrays with every SELL before every BUY, each group in instrument order.
    """
    cdef Py_ssize_t n = current.shape[0], i, k = 0
    cdef double ref, w, tgt, delta
    if ref_price.shape[0] != n or target_weight.shape[0] != n:
        raise ValueError("current, ref_price and target_weight must have the same length")
    idx = np.empty(n, dtype=np.int32)
    side = np.empty(n, dtype=np.int32)
    qty = np.empty(n, dtype=np.float64)
    cdef int32_t[::1] vi = idx
    cdef int32_t[::1] vs = side
    cdef double[::1] vq = qty
    cdef int pass_
    for pass_ in range(2):  # 0: sells, 1: buys
        for i in range(n):
            ref = ref_price[i]
            if isnan(ref) or ref <= 0:
                continue
            w = target_weight[i]
            tgt = 0.0 if isnan(w) else floor(w * equity / ref)
            delta = tgt - current[i]
            if delta == 0:
                continue
            if (delta < 0) != (pass_ == 0):
                continue
            if fabs(delta) * ref < min_trade_value and tgt != 0:
                continue
            vi[k] = <int32_t>i
            vs[k] = 1 if delta < 0 else 0
            vq[k] = fabs(delta)
            k += 1
    return idx[:k], side[:k], qty[:k]


def apply_execution_plan(BacktestRunner runner, dict targets, int64_t decision_id) -> dict:
    """Current positions from the broker, plan, submit, fill (BACKTEST) and report."""
    cdef TimeMachine tm = runner.tm
    cdef MarketSimulator sim = runner.sim
    cdef int t = tm.t, i
    weights = np.full(tm.N, np.nan)
    for name, w in targets.items():
        weights[runner.index[name]] = w
    current = np.empty(tm.N)
    for i in range(tm.N):
        current[i] = sim.c_qty(i)
    ref = np.array(tm.close[t - 1])
    equity = sim.c_equity_estimate(t)
    idx, side, qty = plan_orders(current, ref, weights, equity, sim.p.min_trade_value)
    names = tm.instruments
    order_ids = [
        runner.broker.submit_order(names[idx[k]], SIDES[side[k]], float(qty[k]), decision_id) for k in range(len(idx))
    ]
    fills = runner.broker.process_fills(tm.current_date)
    return {"equity_estimate": equity, "orders": len(order_ids), "fills": fills,
            "sells": int((side == 1).sum()), "buys": int((side == 0).sum())}


cdef class BacktestRunner:
    """Runs a strategy over the TimeMachine's days through a broker, recording every day."""

    def __init__(self, TimeMachine tm, MarketSimulator sim, BrokerInterface broker, RunBuffers buf, object strategy,
                 rebalance, str config_json="{}"):
        if not callable(getattr(strategy, "target_positions_fn", None)):
            raise TypeError("strategy must have a callable target_positions_fn(date)")
        mask = np.ascontiguousarray(rebalance, dtype=np.uint8)
        if mask.shape[0] != tm.T:
            raise ValueError(f"rebalance mask has {mask.shape[0]} days, the TimeMachine {tm.T}")
        json.loads(config_json)
        self.tm = tm
        self.sim = sim
        self.broker = broker
        self.buf = buf
        self.strategy = strategy
        self.rebalance = mask
        self.index = {name: k for k, name in enumerate(tm.instruments)}
        self.next_day = tm.t0
        self.rebalances = 0
        self.is_backtest = isinstance(broker, BacktestBroker)
        self._config_json = config_json

    cdef int c_record_mark(self, int t) except -1:
        cdef Mark m = self.sim.c_mark(t)
        cdef RowTable e = self.buf.equity
        cdef RowTable p = self.buf.positions
        cdef Py_ssize_t r
        cdef int i
        cdef double q, px
        cdef int32_t day = self.tm.dates[t]
        r = e.c_new_row()
        e.i32[0][r] = day
        e.i32[1][r] = m.n_positions
        e.f64[0][r] = m.equity
        e.f64[1][r] = m.cash
        e.f64[2][r] = m.drawdown
        e.f64[3][r] = m.gross
        e.f64[4][r] = m.net
        e.f64[5][r] = m.daily_return
        e.f64[6][r] = m.long_value
        e.set_obj("exposure_json", r, f'{{"gross": {m.gross!r}, "net": {m.net!r}, "long_value": {m.long_value!r}, "cash": {m.cash!r}, "n_positions": {m.n_positions}}}')
        for i in range(self.tm.N):
            q = self.sim.c_qty(i)
            if q == 0:
                continue
            px = self.sim.c_last_px(i)
            r = p.c_new_row()
            p.i64[0][r] = self.buf.c_next_id(T_POSITIONS)
            p.i64[1][r] = self.tm.close_us[t]
            p.i32[0][r] = i
            p.i32[1][r] = day
            p.f64[0][r] = q
            p.f64[1][r] = self.sim.c_avg_cost(i)
            p.f64[2][r] = q * px
            p.f64[3][r] = q * (px - self.sim.c_avg_cost(i))
            p.f64[4][r] = px
            p.f64[5][r] = q * px / m.equity
        return 0

    def _rebalance(self, int t) -> None:
        cdef RunBuffers buf = self.buf
        cdef Py_ssize_t r
        day = self.tm.current_date
        targets = self.strategy.target_positions_fn(day)
        if not isinstance(targets, dict):
            targets = dict(targets)
        total = 0.0
        for name, w in targets.items():
            if name not in self.index:
                raise StrategyError(f"{day}: target names unknown instrument {name!r}")
            if not (isfinite(w) and w >= 0):
                raise StrategyError(f"{day}: weight of {name} is {w}; weights must be finite and >= 0")
            total += w
        if total > 1.0 + 1e-9:
            raise StrategyError(f"{day}: target weights sum to {total:.6f} > 1 (long-only, no leverage)")
        decision_id = buf.c_next_id(T_DECISIONS)
        report = apply_execution_plan(self, targets, decision_id)
        self.rebalances += 1
        context = getattr(self.strategy, "decision_context", None)
        inputs = context(day) if callable(context) else {}
        target_id = buf.c_next_id(T_TARGETS)
        r = buf.targets.c_new_row()
        buf.targets.i64[0][r] = target_id
        buf.targets.i64[1][r] = decision_id
        buf.targets.i32[0][r] = self.tm.dates[t]
        buf.targets.set_obj("target_positions", r, json.dumps({k: float(v) for k, v in sorted(targets.items())}))
        buf.targets.set_obj("metadata", r, json.dumps({"decision_id": decision_id, **report}))
        r = buf.decisions.c_new_row()
        buf.decisions.i64[0][r] = decision_id
        buf.decisions.i32[0][r] = self.tm.dates[t]
        buf.decisions.set_obj("input_refs", r, json.dumps(inputs, default=str))
        buf.decisions.set_obj("output_refs", r, json.dumps({"target_id": target_id, "n_targets": len(targets), **report}))
        buf.decisions.set_obj("metadata", r, self._config_json)

    cdef int c_day(self, int t) except -1:
        cdef int i
        self.tm.c_set_day(t)
        self.sim.c_corporate_actions(t)
        if self.is_backtest:
            for i in range(self.tm.N):
                if self.sim.c_qty(i) != 0 and t > self.tm.last_bar[i]:
                    (<BacktestBroker>self.broker).c_close_out(t, i)
        if self.rebalance[t]:
            self._rebalance(t)
        self.c_record_mark(t)
        return 0

    def run(self, int until=-1) -> int:
        """Simulate days up to ``until`` (exclusive; -1: to the end); returns the next day index."""
        cdef int t
        if until < 0 or until > self.tm.T:
            until = self.tm.T
        for t in range(self.next_day, until):
            self.c_day(t)
        if until > self.next_day:
            self.next_day = until
        return self.next_day

    @property
    def done(self) -> bool:
        return self.next_day >= self.tm.T
