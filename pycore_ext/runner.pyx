"""The daily loop: plan orders from target weights, execute them, record the day.

``BacktestRunner.run(until)`` simulates days ``next_day .. until-1`` and returns,
so the Python layer can drain the row buffers with COPY and report progress
between chunks. The strategy is any object with ``target_positions_fn(date)``
returning ``{instrument_id: weight}``; it is called on rebalance days only,
while the TimeMachine shows it nothing dated on or after that date. Optional
hooks, called after it on the same day: ``decision_context(date)`` (the
decision's inputs) and ``optimization_params(date)`` (the portfolio-construction
parameters behind the target), both JSON-able dicts.

The runner trades only through the ``BrokerInterface`` contract: ``begin_day``
every day (a BACKTEST broker closes delisted positions there), then on
rebalance days ``submit_order`` per planned order and ``process_fills``. Any
broker, a Python subclass included, runs unchanged.
"""

import json

import numpy as np

from libc.math cimport fabs, floor, isfinite, isnan
from libc.stdint cimport int32_t, int64_t

from pycore_ext.broker cimport (DEC_AS_OF_DATE, DEC_DECISION_ID, DEC_INPUT_REFS, DEC_METADATA, DEC_OUTPUT_REFS,
                                EQ_AS_OF_DATE, EQ_CASH, EQ_DAILY_RETURN, EQ_DRAWDOWN, EQ_EQUITY, EQ_EXPOSURE_JSON,
                                EQ_GROSS, EQ_LONG_VALUE, EQ_N_POSITIONS, EQ_NET, POS_AS_OF_DATE, POS_AVG_COST,
                                POS_INSTRUMENT, POS_LAST_PRICE, POS_MARKET_VALUE, POS_QUANTITY, POS_SNAPSHOT_ID,
                                POS_TARGET_WEIGHT, POS_TS, POS_UNREALIZED_PNL, POS_WEIGHT, T_DECISIONS, T_POSITIONS,
                                T_TARGETS, TGT_AS_OF_DATE, TGT_DECISION_ID, TGT_METADATA, TGT_OPTIMIZATION_PARAMS,
                                TGT_TARGET_ID, TGT_TARGET_POSITIONS, BrokerInterface, RunBuffers)
from pycore_ext.rowbuf cimport RowTable
from pycore_ext.simulator cimport BUY, SELL, Mark, MarketSimulator
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
            vs[k] = SELL if delta < 0 else BUY
            vq[k] = fabs(delta)
            k += 1
    return idx[:k], side[:k], qty[:k]


def apply_execution_plan(BacktestRunner runner, dict targets, int64_t decision_id) -> dict:
    """Current positions, plan, submit through the broker, fill and report."""
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
            "sells": int((side == SELL).sum()), "buys": int((side == BUY).sum())}


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
        self.target_w = np.full(tm.N, np.nan)
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
        e.c_i32(EQ_AS_OF_DATE)[r] = day
        e.c_i32(EQ_N_POSITIONS)[r] = m.n_positions
        e.c_f64(EQ_EQUITY)[r] = m.equity
        e.c_f64(EQ_CASH)[r] = m.cash
        e.c_f64(EQ_DRAWDOWN)[r] = m.drawdown
        e.c_f64(EQ_GROSS)[r] = m.gross
        e.c_f64(EQ_NET)[r] = m.net
        e.c_f64(EQ_DAILY_RETURN)[r] = m.daily_return
        e.c_f64(EQ_LONG_VALUE)[r] = m.long_value
        e.c_set_obj(EQ_EXPOSURE_JSON, r, f'{{"gross": {m.gross!r}, "net": {m.net!r}, "long_value": {m.long_value!r}, "cash": {m.cash!r}, "n_positions": {m.n_positions}}}')
        for i in range(self.tm.N):
            q = self.sim.c_qty(i)
            if q == 0:
                continue
            px = self.sim.c_last_px(i)
            r = p.c_new_row()
            p.c_i64(POS_SNAPSHOT_ID)[r] = self.buf.c_next_id(T_POSITIONS)
            p.c_i64(POS_TS)[r] = self.tm.close_us[t]
            p.c_i32(POS_INSTRUMENT)[r] = i
            p.c_i32(POS_AS_OF_DATE)[r] = day
            p.c_f64(POS_QUANTITY)[r] = q
            p.c_f64(POS_AVG_COST)[r] = self.sim.c_avg_cost(i)
            p.c_f64(POS_MARKET_VALUE)[r] = q * px
            p.c_f64(POS_UNREALIZED_PNL)[r] = q * (px - self.sim.c_avg_cost(i))
            p.c_f64(POS_LAST_PRICE)[r] = px
            p.c_f64(POS_WEIGHT)[r] = q * px / m.equity
            p.c_f64(POS_TARGET_WEIGHT)[r] = self.target_w[i]
        return 0

    def _rebalance(self, int t) -> None:
        cdef RunBuffers buf = self.buf
        cdef RowTable tg, dc
        cdef Py_ssize_t r, ti
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
        self.target_w[:] = np.nan
        for name, w in targets.items():
            ti = self.index[name]
            self.target_w[ti] = w
        decision_id = buf.c_next_id(T_DECISIONS)
        report = apply_execution_plan(self, targets, decision_id)
        self.rebalances += 1
        context = getattr(self.strategy, "decision_context", None)
        inputs = context(day) if callable(context) else {}
        construction = getattr(self.strategy, "optimization_params", None)
        params = construction(day) if callable(construction) else None
        target_id = buf.c_next_id(T_TARGETS)
        tg = buf.targets
        r = tg.c_new_row()
        tg.c_i64(TGT_TARGET_ID)[r] = target_id
        tg.c_i64(TGT_DECISION_ID)[r] = decision_id
        tg.c_i32(TGT_AS_OF_DATE)[r] = self.tm.dates[t]
        tg.c_set_obj(TGT_TARGET_POSITIONS, r, json.dumps({k: float(v) for k, v in sorted(targets.items())}))
        tg.c_set_obj(TGT_METADATA, r, json.dumps({"decision_id": decision_id, **report}))
        tg.c_set_obj(TGT_OPTIMIZATION_PARAMS, r, None if params is None else json.dumps(params, default=str))
        dc = buf.decisions
        r = dc.c_new_row()
        dc.c_i64(DEC_DECISION_ID)[r] = decision_id
        dc.c_i32(DEC_AS_OF_DATE)[r] = self.tm.dates[t]
        dc.c_set_obj(DEC_INPUT_REFS, r, json.dumps(inputs, default=str))
        dc.c_set_obj(DEC_OUTPUT_REFS, r, json.dumps({"target_id": target_id, "n_targets": len(targets), **report}))
        dc.c_set_obj(DEC_METADATA, r, self._config_json)

    cdef int c_day(self, int t) except -1:
        self.tm.c_set_day(t)
        self.sim.c_corporate_actions(t)
        self.broker.begin_day(t)
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
