# Contract of the MarketSimulator: position book, cash, fills, corporate actions, mark to market.
from pycore_ext.timemachine cimport TimeMachine

cdef enum PriceModel:
    PM_CLOSE = 0
    PM_NEXT_OPEN = 1

cdef enum CommissionType:
    CT_PER_SHARE = 0
    CT_BPS = 1

# sides, order statuses and reasons are codes into the label tuples of simulator.pyx
cdef enum Side:
    BUY = 0
    SELL = 1

cdef enum Status:
    ST_FILLED = 0
    ST_PARTIALLY_FILLED = 1
    ST_CANCELLED = 2
    ST_REJECTED = 3
    ST_NEW = 4

cdef enum Reason:
    R_NONE = -1
    R_NO_BAR = 0
    R_VOLUME_CAP = 1
    R_INSUFFICIENT_CASH = 2
    R_SCALED_TO_CASH = 3
    R_DELISTED = 4
    R_USER_CANCEL = 5
    R_NO_POSITION = 6

cdef struct ExecParams:
    int price_model
    int commission_type
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
    int status
    int reason

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
    cdef double peak
    cdef double equity_prev
    cdef readonly double dividends_received
    cdef readonly double commissions_paid

    cdef double c_commission(self, double fq, double fp) noexcept
    cdef double c_fill_price(self, double p, double fq, double vol, int side, double* slip) noexcept
    cdef int c_corporate_actions(self, int t) except -1
    cdef Fill c_execute(self, int t, int i, int side, double quantity) noexcept
    cdef Fill c_close_out(self, int i) noexcept
    cdef double c_ref_price(self, int t, int i) noexcept
    cdef double c_equity_estimate(self, int t) noexcept
    cdef Mark c_mark(self, int t) noexcept
    cdef inline double c_qty(self, int i) noexcept:
        return self.qty[i]
    cdef inline double c_avg_cost(self, int i) noexcept:
        return self.avg_cost[i]
    cdef inline double c_last_px(self, int i) noexcept:
        return self.last_px[i]
