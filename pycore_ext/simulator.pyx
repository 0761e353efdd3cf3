"""The MarketSimulator: fills, costs, corporate actions, cash and P&L of one book.

Rules are those of docs/SIMULATION.md, which is the contract shared with the
pure-Python reference loop of the tests. Parameters are validated once, at
construction; the per-event methods are C functions with no checks and no
Python objects.
"""

from libc.math cimport floor, fmax, fmin, isnan, NAN
from libc.stdint cimport int32_t

cdef extern from *:
    void __builtin_prefetch(const void* p) noexcept nogil

import numpy as np

from pycore_ext.rowbuf import enum_names
from pycore_ext.timemachine cimport TimeMachine

# label of each code, by code (the enums of simulator.pxd are the one source)
SIDES = enum_names(Side)
ORDER_TYPES = enum_names(OrderType, "OT_")
STATUSES = enum_names(Status, "ST_")
REASONS = enum_names(Reason, "R_")  # R_NONE (-1) has no label: NULL
PRICE_MODELS = enum_names(PriceModel, "PM_", lower=True)
COMMISSION_TYPES = enum_names(CommissionType, "CT_", lower=True)


cdef class MarketSimulator:
    """Position book and execution model over a TimeMachine."""

    def __init__(self, TimeMachine tm, *, double initial_cash, str price_model="close", str commission_type="per_share",
                 double commission_rate=0.005, double commission_min=1.0, double slippage_bps=5.0, double impact_bps=0.0,
                 double volume_cap=0.1, double min_trade_value=0.0):
        if price_model not in PRICE_MODELS:
            raise ValueError(f"price_model must be one of {PRICE_MODELS}, got {price_model!r}")
        if commission_type not in COMMISSION_TYPES:
            raise ValueError(f"commission_type must be one of {COMMISSION_TYPES}, got {commission_type!r}")
        if not initial_cash > 0:
            raise ValueError("initial_cash must be > 0")
        for name, v in (("commission_rate", commission_rate), ("commission_min", commission_min),
                        ("slippage_bps", slippage_bps), ("impact_bps", impact_bps), ("min_trade_value", min_trade_value)):
            if not (v >= 0 and v < 1e12):
                raise ValueError(f"{name} must be a finite number >= 0, got {v}")
        if not (0 < volume_cap <= 1):
            raise ValueError(f"volume_cap must be in (0, 1], got {volume_cap}")
        self.tm = tm
        self.p.price_model = <PriceModel><int>PRICE_MODELS.index(price_model)
        self.p.commission_type = <CommissionType><int>COMMISSION_TYPES.index(commission_type)
        self.p.commission_rate = commission_rate
        self.p.commission_min = commission_min
        self.p.slippage_bps = slippage_bps
        self.p.impact_bps = impact_bps
        self.p.volume_cap = volume_cap
        self.p.min_trade_value = min_trade_value
        self.initial_cash = initial_cash
        self.cash = initial_cash
        self.qty = np.zeros(tm.N)
        self.avg_cost = np.zeros(tm.N)
        self.last_px = np.full(tm.N, np.nan)
        self.held = np.zeros(tm.N, dtype=np.int32)
        self.n_held = 0
        self.held_dirty = False
        self.peak = initial_cash
        self.equity_prev = initial_cash
        self.dividends_received = 0.0
        self.commissions_paid = 0.0

    # ------------------------------------------------------------- costs
    cdef double c_commission(self, double fq, double fp) noexcept:
        if self.p.commission_type == CT_PER_SHARE:
            return fmax(self.p.commission_min, self.p.commission_rate * fq)
        return fmax(self.p.commission_min, self.p.commission_rate / 1e4 * fq * fp)

    cdef double c_fill_price(self, double p, double fq, double vol, Side side, double* slip) noexcept:
        cdef double s = self.p.slippage_bps
        if vol > 0:
            s += self.p.impact_bps * fq / vol
        slip[0] = s
        if side == BUY:
            return p * (1.0 + s / 1e4)
        return p * (1.0 - s / 1e4)

    # ------------------------------------------------------------- events
    cdef int c_refresh_held(self) noexcept:
        cdef int i, n = 0
        for i in range(self.tm.N):
            if self.qty[i] != 0:
                self.held[n] = i
                n += 1
        self.n_held = n
        self.held_dirty = False
        return n

    cdef int c_corporate_actions(self, int t) except -1:
        """Dividends (to holders at the previous close), then splits, of ex-date t."""
        cdef int i, k, n = 0, nh = self.c_held()
        cdef double d, s
        if nh == 0:
            return 0
        cdef const double* div = &self.tm.dividend[t, 0]
        cdef const double* split = &self.tm.split[t, 0]
        for k in range(nh):
            i = self.held[k]
            if self.qty[i] == 0:
                continue
            d = div[i]
            if d > 0:
                self.cash += self.qty[i] * d
                self.dividends_received += self.qty[i] * d
                n += 1
            s = split[i]
            if s != 1.0:
                self.qty[i] *= s
                self.avg_cost[i] /= s
                if not isnan(self.last_px[i]):
                    self.last_px[i] /= s
                if self.qty[i] == 0:
                    self.held_dirty = True
                n += 1
        return n

    cdef Fill c_execute(self, int t, int i, Side side, double quantity) noexcept:
        """Fill a MARKET order for ``quantity`` shares of instrument i on day t."""
        cdef Fill f
        cdef double p, vol, cap, fq, fp, slip, comm, lo, cost
        f.quantity = 0
        f.price = NAN
        f.commission = 0
        f.slippage_bps = 0
        f.realized_pnl = 0
        f.reason = R_NONE
        p = self.tm.close[t, i] if self.p.price_model == PM_CLOSE else self.tm.open_[t, i]
        vol = self.tm.volume[t, i]
        if isnan(p):
            f.status = ST_CANCELLED
            f.reason = R_NO_BAR
            return f
        cap = floor(self.p.volume_cap * vol)
        fq = fmin(quantity, cap)
        if fq < quantity:
            f.reason = R_VOLUME_CAP
        if side == SELL and fq > self.qty[i]:
            fq = self.qty[i]
            if fq <= 0:
                f.status = ST_CANCELLED
                f.reason = R_NO_POSITION
                return f
        if fq <= 0:
            f.status = ST_CANCELLED
            f.reason = R_VOLUME_CAP
            return f
        fp = self.c_fill_price(p, fq, vol, side, &slip)
        comm = self.c_commission(fq, fp)
        if side == BUY and fq * fp + comm > self.cash:
            # Cash floor: the largest whole quantity whose cost, slippage and
            # commission included, fits in the cash (cost grows with fq).
            cap = fq
            fq = fmin(cap, floor(self.cash / fp))
            while fq > 0:
                fp = self.c_fill_price(p, fq, vol, side, &slip)
                comm = self.c_commission(fq, fp)
                if fq * fp + comm <= self.cash:
                    break
                fq -= 1
            while fq + 1 <= cap:
                lo = fq + 1
                cost = lo * self.c_fill_price(p, lo, vol, side, &slip)
                if cost + self.c_commission(lo, cost / lo) > self.cash:
                    break
                fq = lo
            if fq <= 0:
                f.status = ST_REJECTED
                f.reason = R_INSUFFICIENT_CASH
                return f
            fp = self.c_fill_price(p, fq, vol, side, &slip)
            comm = self.c_commission(fq, fp)
            f.reason = R_SCALED_TO_CASH
        self.held_dirty = True
        if side == BUY:
            self.avg_cost[i] = (self.qty[i] * self.avg_cost[i] + fq * fp) / (self.qty[i] + fq)
            self.qty[i] += fq
            self.cash -= fq * fp + comm
            f.realized_pnl = -comm
        else:
            f.realized_pnl = fq * (fp - self.avg_cost[i]) - comm
            self.qty[i] -= fq
            self.cash += fq * fp - comm
            if self.qty[i] == 0:
                self.avg_cost[i] = 0
        self.commissions_paid += comm
        f.quantity = fq
        f.price = fp
        f.commission = comm
        f.slippage_bps = slip
        f.status = ST_FILLED if fq == quantity else ST_PARTIALLY_FILLED
        return f

    cdef Fill c_close_out(self, int i) noexcept:
        """Close a position whose data ended, at its last close, without costs."""
        cdef Fill f
        cdef int lb = self.tm.last_bar[i]
        cdef double px = self.tm.close[lb, i]
        f.quantity = self.qty[i]
        f.price = px
        f.commission = 0
        f.slippage_bps = 0
        f.realized_pnl = self.qty[i] * (px - self.avg_cost[i])
        f.status = ST_FILLED
        f.reason = R_DELISTED
        self.cash += self.qty[i] * px
        self.qty[i] = 0
        self.avg_cost[i] = 0
        self.held_dirty = True
        return f

    cdef double c_ref_price(self, int t, int i) noexcept:
        """The decision price of day t: the previous close (NaN when there is none)."""
        return self.tm.close[t - 1, i]

    cdef double c_equity_estimate(self, int t) noexcept:
        cdef int i, k, nh = self.c_held()
        cdef double e = self.cash, px
        for k in range(nh):
            i = self.held[k]
            if self.qty[i] != 0:
                px = self.tm.close[t - 1, i]
                if isnan(px):
                    px = self.last_px[i]
                e += self.qty[i] * px
        return e

    cdef Mark c_mark(self, int t) noexcept:
        cdef Mark m
        cdef int i, k, nh = self.c_held()
        cdef double px, mv, gross = 0, net = 0
        cdef const double* close = &self.tm.close[t, 0] if nh > 0 else NULL
        cdef bint ahead = t + 1 < self.tm.T
        m.n_positions = 0
        for k in range(nh):
            i = self.held[k]
            if ahead:
                # tomorrow's rows of the held names: the corporate actions and the mark read them next
                __builtin_prefetch(&close[i] + self.tm.N)
                __builtin_prefetch(&self.tm.dividend[t + 1, i])
                __builtin_prefetch(&self.tm.split[t + 1, i])
            px = close[i]
            if not isnan(px):
                self.last_px[i] = px
            if self.qty[i] != 0:
                mv = self.qty[i] * self.last_px[i]
                gross += mv if mv > 0 else -mv
                net += mv
                m.n_positions += 1
        m.cash = self.cash
        m.equity = self.cash + net
        m.gross = gross / m.equity
        m.net = net / m.equity
        m.long_value = net
        if m.equity > self.peak:
            self.peak = m.equity
        m.drawdown = m.equity / self.peak - 1.0
        m.daily_return = m.equity / self.equity_prev - 1.0
        self.equity_prev = m.equity
        return m

    # ------------------------------------------------------------- Python views
    def position(self, int i) -> tuple:
        """(quantity, average cost) of instrument i."""
        return (self.qty[i], self.avg_cost[i])

    def positions(self) -> dict:
        return {self.tm.instruments[i]: (self.qty[i], self.avg_cost[i]) for i in range(self.tm.N) if self.qty[i] != 0}
