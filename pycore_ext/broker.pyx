"""Brokers: the interface a runner trades through, and its BACKTEST implementation.

``BrokerInterface`` is all ``BacktestRunner`` sees: begin the day, submit,
positions, account, process fills, cancel. ``BacktestBroker`` keeps the day's
orders in memory and fills them synchronously through the ``MarketSimulator``;
PAPER and LIVE brokers implement the same methods (a Python subclass may
override them) without any change to the runner.

Every order, fill, trade and executed action is appended to the ``RunBuffers``
row tables, which the Python writer drains with binary COPY. Their layout is
the enums of ``broker.pxd``: rows are stored through the named column constants,
and ``LAYOUT`` gives the column names to ``RunBuffers`` and to the writer.
"""

from libc.stdint cimport int32_t, int64_t
from libc.stdlib cimport free, malloc, realloc

from pycore_ext.rowbuf cimport RowTable
from pycore_ext.rowbuf import enum_names
from pycore_ext.simulator cimport (OT_MARKET, PM_CLOSE, R_USER_CANCEL, SELL, ST_CANCELLED, Fill, MarketSimulator,
                                   Side)
from pycore_ext.simulator import SIDES
from pycore_ext.timemachine cimport TimeMachine


def _layout(str prefix, i64=None, i32=None, f64=None, obj=None) -> dict:
    return {kind: enum_names(e, prefix, lower=True) if e is not None else ()
            for kind, e in (("i64", i64), ("i32", i32), ("f64", f64), ("obj", obj))}


# buffer table -> storage kind -> column names by index, from the enums of broker.pxd
LAYOUT = {
    "orders": _layout("ORD_", OrdersI64, OrdersI32, OrdersF64),
    "fills": _layout("FILL_", FillsI64, FillsI32, FillsF64),
    "positions": _layout("POS_", PositionsI64, PositionsI32, PositionsF64),
    "equity": _layout("EQ_", None, EquityI32, EquityF64, EquityObj),
    "trades": _layout("TRD_", TradesI64, TradesI32, TradesF64),
    "actions": _layout("ACT_", ActionsI64, ActionsI32, ActionsF64),
    "targets": _layout("TGT_", TargetsI64, TargetsI32, None, TargetsObj),
    "decisions": _layout("DEC_", DecisionsI64, DecisionsI32, None, DecisionsObj),
}


cdef class RunBuffers:
    """The typed row tables of one run, and its id counters (ids = run_seq * 2^32 + k)."""

    def __init__(self, int64_t run_seq):
        if not 0 < run_seq < (1 << 31):
            raise ValueError("run_seq must be in 1 .. 2^31-1")
        self.run_seq = run_seq
        for k in range(N_RUN_TABLES):
            self.counters[k] = 0
        self.orders = RowTable("orders", **LAYOUT["orders"])
        self.fills = RowTable("fills", **LAYOUT["fills"])
        self.positions = RowTable("positions", **LAYOUT["positions"], capacity=1 << 16)
        self.equity = RowTable("equity", **LAYOUT["equity"])
        self.trades = RowTable("trades", **LAYOUT["trades"])
        self.actions = RowTable("actions", **LAYOUT["actions"])
        self.targets = RowTable("targets", **LAYOUT["targets"])
        self.decisions = RowTable("decisions", **LAYOUT["decisions"])

    def next_id(self, int table) -> int:
        if not 0 <= table < N_RUN_TABLES:
            raise ValueError(f"table must be a RunTable (0 .. {N_RUN_TABLES - 1}), got {table}")
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

    cpdef int begin_day(self, int t) except -1:
        """The broker's own events at the start of day ``t``; none unless a broker has some."""
        return 0


cdef class BacktestBroker(BrokerInterface):
    """BACKTEST broker: in-memory orders, synchronous fills from the MarketSimulator."""

    def __cinit__(self):
        cdef int cap = 64
        # NULL first: __dealloc__ runs even when an allocation below fails, and frees only what was allocated
        self.p_id = NULL
        self.p_i = NULL
        self.p_side = NULL
        self.p_qty = NULL
        self.p_decision = NULL
        self.p_live = NULL
        self.n_pending = 0
        self.cap_pending = 0
        self.p_id = <int64_t*>malloc(cap * sizeof(int64_t))
        self.p_i = <int32_t*>malloc(cap * sizeof(int32_t))
        self.p_side = <int32_t*>malloc(cap * sizeof(int32_t))
        self.p_qty = <double*>malloc(cap * sizeof(double))
        self.p_decision = <int64_t*>malloc(cap * sizeof(int64_t))
        self.p_live = <char*>malloc(cap * sizeof(char))
        if not (self.p_id and self.p_i and self.p_side and self.p_qty and self.p_decision and self.p_live):
            raise MemoryError()
        self.cap_pending = cap

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
        """Double the pending-order slots. Each array is replaced only by a successful realloc (a failed one keeps
        its block), and ``cap_pending`` grows only when all did, so a MemoryError leaves the broker consistent."""
        cdef int cap = self.cap_pending * 2
        cdef void* p
        if cap <= self.cap_pending:
            raise MemoryError("too many pending orders")
        p = realloc(self.p_id, cap * sizeof(int64_t))
        if p == NULL:
            raise MemoryError()
        self.p_id = <int64_t*>p
        p = realloc(self.p_i, cap * sizeof(int32_t))
        if p == NULL:
            raise MemoryError()
        self.p_i = <int32_t*>p
        p = realloc(self.p_side, cap * sizeof(int32_t))
        if p == NULL:
            raise MemoryError()
        self.p_side = <int32_t*>p
        p = realloc(self.p_qty, cap * sizeof(double))
        if p == NULL:
            raise MemoryError()
        self.p_qty = <double*>p
        p = realloc(self.p_decision, cap * sizeof(int64_t))
        if p == NULL:
            raise MemoryError()
        self.p_decision = <int64_t*>p
        p = realloc(self.p_live, cap * sizeof(char))
        if p == NULL:
            raise MemoryError()
        self.p_live = <char*>p
        self.cap_pending = cap
        return 0

    # ------------------------------------------------------------- C path
    cdef int64_t c_submit(self, int i, Side side, double quantity, int64_t decision_id) except -1:
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

    cdef int c_record(self, int t, int64_t order_id, int i, Side side, double quantity, int64_t decision_id,
                      Fill f) except -1:
        cdef TimeMachine tm = self.sim.tm
        cdef RowTable o = self.buf.orders
        cdef RowTable fl = self.buf.fills
        cdef RowTable tr = self.buf.trades
        cdef RowTable ac = self.buf.actions
        cdef Py_ssize_t r = o.c_new_row()
        cdef int64_t fill_id, ts
        cdef int32_t day = tm.dates[t]
        ts = tm.close_us[t] if self.sim.p.price_model == PM_CLOSE else tm.open_us[t]
        o.c_i64(ORD_ORDER_ID)[r] = order_id
        o.c_i64(ORD_DECISION_ID)[r] = decision_id
        o.c_i64(ORD_TS)[r] = tm.open_us[t]
        o.c_i32(ORD_INSTRUMENT)[r] = i
        o.c_i32(ORD_SIDE)[r] = side
        o.c_i32(ORD_ORDER_TYPE)[r] = OT_MARKET
        o.c_i32(ORD_STATUS)[r] = f.status
        o.c_i32(ORD_REASON)[r] = f.reason
        o.c_i32(ORD_TRADE_DATE)[r] = day
        o.c_f64(ORD_QUANTITY)[r] = quantity
        o.c_f64(ORD_FILLED_QUANTITY)[r] = f.quantity
        o.c_f64(ORD_REF_PRICE)[r] = tm.close[t - 1, i]
        if f.quantity <= 0:
            return 0
        fill_id = self.buf.c_next_id(T_FILLS)
        r = fl.c_new_row()
        fl.c_i64(FILL_FILL_ID)[r] = fill_id
        fl.c_i64(FILL_ORDER_ID)[r] = order_id
        fl.c_i64(FILL_TS)[r] = ts
        fl.c_i32(FILL_INSTRUMENT)[r] = i
        fl.c_i32(FILL_SIDE)[r] = side
        fl.c_i32(FILL_TRADE_DATE)[r] = day
        fl.c_f64(FILL_QUANTITY)[r] = f.quantity
        fl.c_f64(FILL_PRICE)[r] = f.price
        fl.c_f64(FILL_COMMISSION)[r] = f.commission
        fl.c_f64(FILL_SLIPPAGE)[r] = f.slippage_bps
        fl.c_f64(FILL_REALIZED_PNL)[r] = f.realized_pnl
        r = tr.c_new_row()
        tr.c_i64(TRD_TRADE_ID)[r] = self.buf.c_next_id(T_TRADES)
        tr.c_i64(TRD_DECISION_ID)[r] = decision_id
        tr.c_i64(TRD_FILL_ID)[r] = fill_id
        tr.c_i32(TRD_INSTRUMENT)[r] = i
        tr.c_i32(TRD_SIDE)[r] = side
        tr.c_i32(TRD_AS_OF_DATE)[r] = day
        tr.c_f64(TRD_QUANTITY)[r] = f.quantity
        tr.c_f64(TRD_PRICE)[r] = f.price
        tr.c_f64(TRD_PNL)[r] = f.realized_pnl
        tr.c_f64(TRD_COMMISSION)[r] = f.commission
        r = ac.c_new_row()
        ac.c_i64(ACT_ACTION_ID)[r] = self.buf.c_next_id(T_ACTIONS)
        ac.c_i64(ACT_DECISION_ID)[r] = decision_id
        ac.c_i64(ACT_FILL_ID)[r] = fill_id
        ac.c_i32(ACT_INSTRUMENT)[r] = i
        ac.c_i32(ACT_SIDE)[r] = side
        ac.c_i32(ACT_TRADE_DATE)[r] = day
        ac.c_f64(ACT_QUANTITY)[r] = f.quantity
        ac.c_f64(ACT_PRICE)[r] = f.price
        ac.c_f64(ACT_SLIPPAGE)[r] = f.slippage_bps
        ac.c_f64(ACT_FEES)[r] = f.commission
        return 1

    cdef int c_process_fills(self, int t) except -1:
        cdef int k, n = 0
        cdef Fill f
        cdef Side side
        for k in range(self.n_pending):
            if not self.p_live[k]:
                continue
            side = <Side>self.p_side[k]
            f = self.sim.c_execute(t, self.p_i[k], side, self.p_qty[k])
            n += self.c_record(t, self.p_id[k], self.p_i[k], side, self.p_qty[k], self.p_decision[k], f)
        self.n_pending = 0
        return n

    cdef int c_close_out(self, int t, int i) except -1:
        cdef double q = self.sim.c_qty(i)
        cdef int64_t oid = self.buf.c_next_id(T_ORDERS)
        cdef Fill f = self.sim.c_close_out(i)
        return self.c_record(t, oid, i, SELL, q, 0, f)

    # ------------------------------------------------------------- interface
    cpdef int begin_day(self, int t) except -1:
        """Close, at their last close, the positions whose data ended before day ``t`` (delistings)."""
        cdef TimeMachine tm = self.sim.tm
        cdef MarketSimulator sim = self.sim
        cdef int i, k, n = 0, nh = sim.c_held()
        for k in range(nh):  # the common day: no held name's data has ended
            if t > tm.last_bar[sim.held[k]]:
                break
        else:
            return 0
        for i in range(tm.N):
            if self.sim.c_qty(i) != 0 and t > tm.last_bar[i]:
                self.c_close_out(t, i)
                n += 1
        return n

    cpdef int64_t submit_order(self, str instrument, str side, double quantity, int64_t decision_id=0) except -1:
        """Queue a MARKET order for today's fills; returns its order id."""
        if instrument not in self.index:
            raise KeyError(f"unknown instrument {instrument!r}")
        if side not in SIDES:
            raise ValueError(f"side must be {' or '.join(SIDES)}, got {side!r}")
        if not quantity > 0:
            raise ValueError("quantity must be > 0")
        return self.c_submit(self.index[instrument], <Side><int>SIDES.index(side), quantity, decision_id)

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
                self.c_record(self.sim.tm.t, order_id, self.p_i[k], <Side>self.p_side[k], self.p_qty[k],
                              self.p_decision[k], f)
                return True
        return False

    def pending_count(self) -> int:
        cdef int k, n = 0
        for k in range(self.n_pending):
            n += self.p_live[k]
        return n
