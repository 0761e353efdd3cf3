# Contract of the MarketSimulator: position book, cash, fills, corporate actions, mark to market.
from libc.stdint cimport int32_t

from pycore_ext.timemachine cimport TimeMachine

# The enums of the core. Each is a ``cpdef enum``: C code uses the constants, and the module's label tuple
# (SIDES, STATUSES, ...) is derived from the members, code order, so a code and its label are declared once, here.
# A label is the member's name without its prefix; price models and commission types are lower case, as configs
# spell them. The labels are the values the SQL CHECK constraints (and the config schema) allow; a test ties them.

cpdef enum PriceModel:          # PRICE_MODELS; config execution.price_model
    PM_CLOSE = 0
    PM_NEXT_OPEN = 1

cpdef enum CommissionType:      # COMMISSION_TYPES; config execution.commission.type
    CT_PER_SHARE = 0
    CT_BPS = 1

cpdef enum Side:                # SIDES; orders, fills, executed_actions, backtest_trades .side
    BUY = 0
    SELL = 1

cpdef enum OrderType:           # ORDER_TYPES; orders.order_type (the backtest broker sends MARKET orders)
    OT_MARKET = 0
    OT_LIMIT = 1
    OT_STOP = 2
    OT_MOC = 3
    OT_MOO = 4

cpdef enum Status:              # STATUSES; orders.status (a backtest order ends FILLED .. REJECTED)
    ST_FILLED = 0
    ST_PARTIALLY_FILLED = 1
    ST_CANCELLED = 2
    ST_REJECTED = 3
    ST_NEW = 4
    ST_SUBMITTED = 5

cpdef enum Reason:              # REASONS; orders.reason (R_NONE: filled as asked, NULL)
    R_NONE = -1
    R_NO_BAR = 0
    R_VOLUME_CAP = 1
    R_INSUFFICIENT_CASH = 2
    R_SCALED_TO_CASH = 3
    R_DELISTED = 4
    R_USER_CANCEL = 5
    R_NO_POSITION = 6

cdef struct ExecParams:
    PriceModel price_model
    CommissionType commission_type
    double commission_rate
    double commission_min
    double slippage_bps
    double impact_bps
    double volume_cap
    double min_trade_value

cdef struct Fill:
    double quantity          # filled quantity (0 when nothing filled)
    double price
    double commission
    double slippage_bps
    double realized_pnl
    Status status
    Reason reason

cdef struct Mark:
    double cash
    double equity
    double gross
    double net
    double long_value
    double drawdown
    double daily_return
    int n_positions

cdef class MarketSimulator:
    cdef TimeMachine tm
    cdef ExecParams p
    cdef readonly double initial_cash
    cdef readonly double cash
    cdef double[::1] qty
    cdef double[::1] avg_cost
    cdef double[::1] last_px
    # the held instruments (qty != 0) in ascending index order: the per-day work (corporate actions, delistings,
    # marks, snapshots) walks these, not all N. Valid while not held_dirty; a fill or close-out marks it dirty and
    # c_held() rebuilds it (once per trading day with fills). last_px is kept for held instruments only: a name's
    # price is set by the mark of the day it is bought (a fill needs that day's bar), so no reader sees the difference.
    cdef int32_t[::1] held
    cdef int n_held
    cdef bint held_dirty
    cdef double peak
    cdef double equity_prev
    cdef readonly double dividends_received
    cdef readonly double commissions_paid

    cdef double c_commission(self, double fq, double fp) noexcept
    cdef double c_fill_price(self, double p, double fq, double vol, Side side, double* slip) noexcept
    cdef int c_corporate_actions(self, int t) except -1
    cdef Fill c_execute(self, int t, int i, Side side, double quantity) noexcept
    cdef Fill c_close_out(self, int i) noexcept
    cdef double c_ref_price(self, int t, int i) noexcept
    cdef double c_equity_estimate(self, int t) noexcept
    cdef Mark c_mark(self, int t) noexcept
    cdef int c_refresh_held(self) noexcept
    cdef inline int c_held(self) noexcept:
        """How many instruments are held; their indices are held[0 .. n-1], ascending."""
        if self.held_dirty:
            return self.c_refresh_held()
        return self.n_held
    cdef inline double c_qty(self, int i) noexcept:
        return self.qty[i]
    cdef inline double c_avg_cost(self, int i) noexcept:
        return self.avg_cost[i]
    cdef inline double c_last_px(self, int i) noexcept:
        return self.last_px[i]
