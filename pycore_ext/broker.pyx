"""Brokers: the interface a runner trades through, and its BACKTEST implementation.

``BrokerInterface`` is what ``BacktestRunner`` sees: submit, positions, account,
process fills, cancel. ``BacktestBroker`` keeps the day's orders in memory and
fills them synchronously through the ``MarketSimulator``; PAPER and LIVE brokers
implement the same methods (a Python subclass may override them) without any
change to the runner.

Every order, fill, trade and executed action is appended to the ``RunBuffers``
row tables, which the Python writer drains with binary COPY.
"""

from libc.stdint cimport int32_t, int64_t
from libc.stdlib cimport free, malloc, realloc

import datetime as _dt

from pycore_ext.rowbuf cimport RowTable
from pycore_ext.simulator cimport (BUY, SELL, R_NONE, R_USER_CANCEL, ST_CANCELLED, ST_FILLED, Fill,
                                   MarketSimulator)
from pycore_ext.simulator import SIDES
from pycore_ext.timemachine cimport TimeMachine

# tables of RunBuffers, in id-counter order
T_ORDERS, T_FILLS, T_POSITIONS, T_EQUITY, T_TRADES, T_ACTIONS, T_TARGETS, T_DECISIONS = range(8)
_EPOCH = _dt.date(2000, 1, 1)


cdef class RunBuffers:
    """The typed row tables of one run, and its id counters (ids = run_seq * 2^32 + k)."""

    def __init__(self, int64_t run_seq):
        if not 0 < run_seq < (1 << 31):
            raise ValueError("run_seq must be in 1 .. 2^31-1")
        self.run_seq = run_seq
        for k in range(8):
            self.counters[k] = 0
        self.orders = RowTable("orders", i64=("order_id", "decision_id", "ts"),
                               i32=("instrument", "side", "order_type", "status", "reason", "trade_date"),
                               f64=("quantity", "filled_quantity", "ref_price"))
        self.fills = RowTable("fills", i64=("fill_id", "order_id", "ts"), i32=("instrument", "side", "trade_date"),
                              f64=("quantity", "price", "commission", "slippage", "realized_pnl"))
        self.positions = RowTable("positions", i64=("snapshot_id", "ts"), i32=("instrument", "as_of_date"),
                                  f64=("quantity", "avg_cost", "market_value", "unrealized_pnl", "last_price", "weight"),
                                  capacity=1 << 16)
        self.equity = RowTable("equity", i32=("date", "n_positions"),
                               f64=("equity", "cash", "drawdown", "gross", "net", "daily_return", "long_value"),
                               obj=("exposure_json",))
        self.trades = RowTable("trades", i64=("trade_id", "decision_id", "fill_id"), i32=("instrument", "direction", "trade_date"),
                               f64=("size", "price", "realized_pnl", "commission"))
        self.actions = RowTable("actions", i64=("action_id", "decision_id", "fill_id"), i32=("instrument", "side", "trade_date"),
                                f64=("quantity", "price", "slippage", "fees"))
        self.targets = RowTable("targets", i64=("target_id", "decision_id"), i32=("as_of_date",),
                                obj=("target_positions", "metadata"))
        self.decisions = RowTable("decisions", i64=("decision_id",), i32=("as_of_date",),
                                  obj=("input_refs", "output_refs", "metadata"))

    cdef int64_t c_next_id(self, int table) noexcept:
        self.counters[table] += 1
        return (self.run_seq << 32) + self.counters[table]

    def next_id(self, int table) -> int:
        return self.c_next_id(table)

    def tables(self) -> dict:
        return {t.name: t for t in (self.orders, self.fills, self.positions, self.equity, self.trades,
                                    self.actions, self.targets, self.decisions)}


def _abstract(obj: object, method: str) -> TypeError:
    return TypeError(f"{type(obj).__name__} must implement BrokerInterface.{method}")


cdef class BrokerInterface:
    """What a runner needs from a broker, whatever the mode (an abstract base)."""

    cpdef int64_t submit_order(self, str instrument, str side, double quantity, int64_t decision_id=0) except -1:
        raise _abstract(self, "submit_order")

    cpdef dict get_positions(self):
        raise _abstract(self, "get_positions")

    cpdef dict get_account_state(self):
        raise _abstract(self, "get_account_state")

    cpdef int process_fills(self, object day) except -1:
        raise _abstract(self, "process_fills")

    cpdef bint cancel_order(self, int64_t order_id) except -1:
        raise _abstract(self, "cancel_order")


cdef class BacktestBroker(BrokerInterface):
    """BACKTEST broker: in-memory orders, synchronous fills from the MarketSimulator."""

    def __cinit__(self):
        self.cap_pending = 64
        self.n_pending = 0
        self.p_id = <int64_t*>malloc(self.cap_pending * sizeof(int64_t))
        self.p_i = <int32_t*>malloc(self.cap_pending * sizeof(int32_t))
        self.p_side = <int32_t*>malloc(self.cap_pending * sizeof(int32_t))
        self.p_qty = <double*>malloc(self.cap_pending * sizeof(double))
        self.p_decision = <int64_t*>malloc(self.cap_pending * sizeof(int64_t))
        self.p_live = <char*>malloc(self.cap_pending * sizeof(char))
        if not (self.p_id and self.p_i and self.p_side and self.p_qty and self.p_decision and self.p_live):
            raise MemoryError()

    def __init__(self, MarketSimulator sim, RunBuffers buf):
        self.sim = sim
        self.buf = buf
        self.index = {name: k for k, name in enumerate(sim.tm.instruments)}

    def __dealloc__(self):
        free(self.p_id)
        free(self.p_i)
        free(self.p_side)
        free(self.p_qty)
        free(self.p_decision)
        free(self.p_live)

    cdef int _grow(self) except -1:
        cdef int cap = self.cap_pending * 2
        self.p_id = <int64_t*>realloc(self.p_id, cap * sizeof(int64_t))
        self.p_i = <int32_t*>realloc(self.p_i, cap * sizeof(int32_t))
        self.p_side = <int32_t*>realloc(self.p_side, cap * sizeof(int32_t))
        self.p_qty = <double*>realloc(self.p_qty, cap * sizeof(double))
        self.p_decision = <int64_t*>realloc(self.p_decision, cap * sizeof(int64_t))
        self.p_live = <char*>realloc(self.p_live, cap * sizeof(char))
        if not (self.p_id and self.p_i and self.p_side and self.p_qty and self.p_decision and self.p_live):
            raise MemoryError()
        self.cap_pending = cap
        return 0

    # ------------------------------------------------------------- C path
    cdef int64_t c_submit(self, int i, int side, double quantity, int64_t decision_id) except -1:
        cdef int k
        if self.n_pending == self.cap_pending:
            self._grow()
        k = self.n_pending
        self.p_id[k] = self.buf.c_next_id(T_ORDERS)
        self.p_i[k] = i
        self.p_side[k] = side
        self.p_qty[k] = quantity
        self.p_decision[k] = decision_id
        self.p_live[k] = 1
        self.n_pending += 1
        return self.p_id[k]

    cdef int c_record(self, int t, int64_t order_id, int i, int side, double quantity, int64_t decision_id, Fill f) except -1:
        cdef TimeMachine tm = self.sim.tm
        cdef RowTable o = self.buf.orders
        cdef Py_ssize_t r = o.c_new_row()
        cdef int64_t fill_id, ts
        cdef int32_t day = tm.dates[t]
        ts = tm.close_us[t] if self.sim.p.price_model == 0 else tm.open_us[t]
        o.i64[0][r] = order_id
        o.i64[1][r] = decision_id
        o.i64[2][r] = tm.open_us[t]
        o.i32[0][r] = i
        o.i32[1][r] = side
        o.i32[2][r] = 0
        o.i32[3][r] = f.status
        o.i32[4][r] = f.reason
        o.i32[5][r] = day
        o.f64[0][r] = quantity
        o.f64[1][r] = f.quantity
        o.f64[2][r] = tm.close[t - 1, i]
        if f.quantity <= 0:
            return 0
        fill_id = self.buf.c_next_id(T_FILLS)
        r = self.buf.fills.c_new_row()
        self.buf.fills.i64[0][r] = fill_id
        self.buf.fills.i64[1][r] = order_id
        self.buf.fills.i64[2][r] = ts
        self.buf.fills.i32[0][r] = i
        self.buf.fills.i32[1][r] = side
        self.buf.fills.i32[2][r] = day
        self.buf.fills.f64[0][r] = f.quantity
        self.buf.fills.f64[1][r] = f.price
        self.buf.fills.f64[2][r] = f.commission
        self.buf.fills.f64[3][r] = f.slippage_bps
        self.buf.fills.f64[4][r] = f.realized_pnl
        r = self.buf.trades.c_new_row()
        self.buf.trades.i64[0][r] = self.buf.c_next_id(T_TRADES)
        self.buf.trades.i64[1][r] = decision_id
        self.buf.trades.i64[2][r] = fill_id
        self.buf.trades.i32[0][r] = i
        self.buf.trades.i32[1][r] = side
        self.buf.trades.i32[2][r] = day
        self.buf.trades.f64[0][r] = f.quantity
        self.buf.trades.f64[1][r] = f.price
        self.buf.trades.f64[2][r] = f.realized_pnl
        self.buf.trades.f64[3][r] = f.commission
        r = self.buf.actions.c_new_row()
        self.buf.actions.i64[0][r] = self.buf.c_next_id(T_ACTIONS)
        self.buf.actions.i64[1][r] = decision_id
        self.buf.actions.i64[2][r] = fill_id
        self.buf.actions.i32[0][r] = i
        self.buf.actions.i32[1][r] = side
        self.buf.actions.i32[2][r] = day
        self.buf.actions.f64[0][r] = f.quantity
        self.buf.actions.f64[1][r] = f.price
        self.buf.actions.f64[2][r] = f.slippage_bps
        self.buf.actions.f64[3][r] = f.commission
        return 1

    cdef int c_process_fills(self, int t) except -1:
        cdef int k, n = 0
        cdef Fill f
        for k in range(self.n_pending):
            if not self.p_live[k]:
                continue
            f = self.sim.c_execute(t, self.p_i[k], self.p_side[k], self.p_qty[k])
            n += self.c_record(t, self.p_id[k], self.p_i[k], self.p_side[k], self.p_qty[k], self.p_decision[k], f)
        self.n_pending = 0
        return n

    cdef int c_close_out(self, int t, int i) except -1:
        cdef double q = self.sim.c_qty(i)
        cdef int64_t oid = self.buf.c_next_id(T_ORDERS)
        cdef Fill f = self.sim.c_close_out(i)
        return self.c_record(t, oid, i, SELL, q, 0, f)

    # ------------------------------------------------------------- interface
    cpdef int64_t submit_order(self, str instrument, str side, double quantity, int64_t decision_id=0) except -1:
        """Queue a MARKET order for today's fills; returns its order id."""
        if instrument not in self.index:
            raise KeyError(f"unknown instrument {instrument!r}")
        if side not in SIDES:
            raise ValueError(f"side must be BUY or SELL, got {side!r}")
        if not quantity > 0:
            raise ValueError("quantity must be > 0")
        return self.c_submit(self.index[instrument], SIDES.index(side), quantity, decision_id)

    cpdef dict get_positions(self):
        return self.sim.positions()

    cpdef dict get_account_state(self):
        cdef int t = self.sim.tm.t
        cdef int i
        cdef double mv = 0, gross = 0, px, q
        for i in range(self.sim.tm.N):
            q = self.sim.c_qty(i)
            if q != 0:
                px = self.sim.c_last_px(i)
                if px != px:
                    px = self.sim.c_ref_price(t, i)
                mv += q * px
                gross += abs(q * px)
        equity = self.sim.cash + mv
        return {"equity": equity, "cash": self.sim.cash, "gross_exposure": gross / equity, "net_exposure": mv / equity}

    cpdef int process_fills(self, object day) except -1:
        """Fill every pending order on ``day`` (the TimeMachine's current day)."""
        cdef int t = self.sim.tm.t
        if day is not None and day != self.sim.tm.current_date:
            raise ValueError(f"a backtest broker fills on its current day {self.sim.tm.current_date}, not {day}")
        return self.c_process_fills(t)

    cpdef bint cancel_order(self, int64_t order_id) except -1:
        """Cancel a pending order; False when it is not pending (already filled or unknown)."""
        cdef int k
        cdef Fill f
        for k in range(self.n_pending):
            if self.p_id[k] == order_id and self.p_live[k]:
                self.p_live[k] = 0
                f.quantity = 0
                f.price = 0
                f.commission = 0
                f.slippage_bps = 0
                f.realized_pnl = 0
                f.status = ST_CANCELLED
                f.reason = R_USER_CANCEL
                self.c_record(self.sim.tm.t, order_id, self.p_i[k], self.p_side[k], self.p_qty[k], self.p_decision[k], f)
                return True
        return False

    def pending_count(self) -> int:
        cdef int k, n = 0
        for k in range(self.n_pending):
            n += self.p_live[k]
        return n
