# Contract of the broker layer: the run's row buffers and their layout, BrokerInterface (mode-independent) and
# BacktestBroker (BACKTEST).
from libc.stdint cimport int32_t, int64_t

from pycore_ext.rowbuf cimport RowTable
from pycore_ext.simulator cimport Fill, MarketSimulator, Side

# The tables of RunBuffers, in id-counter order.
cpdef enum RunTable:
    T_ORDERS = 0
    T_FILLS = 1
    T_POSITIONS = 2
    T_EQUITY = 3
    T_TRADES = 4
    T_ACTIONS = 5
    T_TARGETS = 6
    T_DECISIONS = 7

cdef enum:
    N_RUN_TABLES = 8

# The layout of each RunBuffers table: one enum per table and storage kind (int64, int32, float64, Python object).
# A member's value is its column index in that storage, and its name without the table's prefix, lower-cased, is the
# column's name (``ORD_FILLED_QUANTITY`` is column 1 of ``orders.f64``, "filled_quantity"): the row writers store
# through these constants (``o.c_f64(ORD_FILLED_QUANTITY)[r] = q``), and broker.LAYOUT, RunBuffers and the Python
# writer's COPY field lists read the names.

# orders (ORD_)
cpdef enum OrdersI64:
    ORD_ORDER_ID = 0
    ORD_DECISION_ID = 1
    ORD_TS = 2

cpdef enum OrdersI32:
    ORD_INSTRUMENT = 0
    ORD_SIDE = 1
    ORD_ORDER_TYPE = 2
    ORD_STATUS = 3
    ORD_REASON = 4
    ORD_TRADE_DATE = 5

cpdef enum OrdersF64:
    ORD_QUANTITY = 0
    ORD_FILLED_QUANTITY = 1
    ORD_REF_PRICE = 2

# fills (FILL_)
cpdef enum FillsI64:
    FILL_FILL_ID = 0
    FILL_ORDER_ID = 1
    FILL_TS = 2

cpdef enum FillsI32:
    FILL_INSTRUMENT = 0
    FILL_SIDE = 1
    FILL_TRADE_DATE = 2

cpdef enum FillsF64:
    FILL_QUANTITY = 0
    FILL_PRICE = 1
    FILL_COMMISSION = 2
    FILL_SLIPPAGE = 3
    FILL_REALIZED_PNL = 4

# positions (POS_); target_weight: the weight the last rebalance targeted for the name (NaN when not in the target)
cpdef enum PositionsI64:
    POS_SNAPSHOT_ID = 0
    POS_TS = 1

cpdef enum PositionsI32:
    POS_INSTRUMENT = 0
    POS_AS_OF_DATE = 1

cpdef enum PositionsF64:
    POS_QUANTITY = 0
    POS_AVG_COST = 1
    POS_MARKET_VALUE = 2
    POS_UNREALIZED_PNL = 3
    POS_LAST_PRICE = 4
    POS_WEIGHT = 5
    POS_TARGET_WEIGHT = 6

# equity (EQ_)
cpdef enum EquityI32:
    EQ_AS_OF_DATE = 0
    EQ_N_POSITIONS = 1

cpdef enum EquityF64:
    EQ_EQUITY = 0
    EQ_CASH = 1
    EQ_DRAWDOWN = 2
    EQ_GROSS = 3
    EQ_NET = 4
    EQ_DAILY_RETURN = 5
    EQ_LONG_VALUE = 6

cpdef enum EquityObj:
    EQ_EXPOSURE_JSON = 0

# trades (TRD_)
cpdef enum TradesI64:
    TRD_TRADE_ID = 0
    TRD_DECISION_ID = 1
    TRD_FILL_ID = 2

cpdef enum TradesI32:
    TRD_INSTRUMENT = 0
    TRD_SIDE = 1
    TRD_AS_OF_DATE = 2

cpdef enum TradesF64:
    TRD_QUANTITY = 0
    TRD_PRICE = 1
    TRD_PNL = 2
    TRD_COMMISSION = 3

# actions (ACT_)
cpdef enum ActionsI64:
    ACT_ACTION_ID = 0
    ACT_DECISION_ID = 1
    ACT_FILL_ID = 2

cpdef enum ActionsI32:
    ACT_INSTRUMENT = 0
    ACT_SIDE = 1
    ACT_TRADE_DATE = 2

cpdef enum ActionsF64:
    ACT_QUANTITY = 0
    ACT_PRICE = 1
    ACT_SLIPPAGE = 2
    ACT_FEES = 3

# targets (TGT_)
cpdef enum TargetsI64:
    TGT_TARGET_ID = 0
    TGT_DECISION_ID = 1

cpdef enum TargetsI32:
    TGT_AS_OF_DATE = 0

cpdef enum TargetsObj:
    TGT_TARGET_POSITIONS = 0
    TGT_METADATA = 1
    TGT_OPTIMIZATION_PARAMS = 2

# decisions (DEC_)
cpdef enum DecisionsI64:
    DEC_DECISION_ID = 0

cpdef enum DecisionsI32:
    DEC_AS_OF_DATE = 0

cpdef enum DecisionsObj:
    DEC_INPUT_REFS = 0
    DEC_OUTPUT_REFS = 1
    DEC_METADATA = 2

cdef class RunBuffers:
    cdef readonly int64_t run_seq
    cdef int64_t counters[N_RUN_TABLES]
    cdef readonly RowTable orders
    cdef readonly RowTable fills
    cdef readonly RowTable positions
    cdef readonly RowTable equity
    cdef readonly RowTable trades
    cdef readonly RowTable actions
    cdef readonly RowTable targets
    cdef readonly RowTable decisions
    cdef inline int64_t c_next_id(self, int table) noexcept:  # table: a RunTable
        self.counters[table] += 1
        return (self.run_seq << 32) + self.counters[table]
    cdef inline int64_t c_next_ids(self, int table, int64_t k) noexcept:
        """The first of ``k`` new ids of ``table`` (they are consecutive)."""
        self.counters[table] += k
        return (self.run_seq << 32) + self.counters[table] - k + 1

# What a runner needs from a broker, whatever the mode. The runner holds a BrokerInterface and calls only these; a
# Python subclass may override every one (cpdef), and the runner's calls reach the override.
cdef class BrokerInterface:
    cpdef int64_t submit_order(self, str instrument, str side, double quantity, int64_t decision_id=*) except -1
    cpdef dict get_positions(self)
    cpdef dict get_account_state(self)
    cpdef int process_fills(self, object day) except -1
    cpdef bint cancel_order(self, int64_t order_id) except -1
    # start of day t (the runner's TimeMachine index), after corporate actions and before any decision: a broker's
    # own events of the day; returns how many orders they made. Called every day: the hot path is C in BACKTEST.
    cpdef int begin_day(self, int t) except -1

cdef class BacktestBroker(BrokerInterface):
    cdef readonly MarketSimulator sim
    cdef readonly RunBuffers buf
    cdef dict index
    # today's pending orders, parallel arrays of cap_pending slots (NULL until __cinit__ allocates them)
    cdef int64_t* p_id
    cdef int32_t* p_i
    cdef int32_t* p_side
    cdef double* p_qty
    cdef int64_t* p_decision
    cdef char* p_live
    cdef int n_pending
    cdef int cap_pending
    cdef int _grow(self) except -1
    cdef int64_t c_submit(self, int i, Side side, double quantity, int64_t decision_id) except -1
    cdef int c_process_fills(self, int t) except -1
    cdef int c_record(self, int t, int64_t order_id, int i, Side side, double quantity, int64_t decision_id,
                      Fill f) except -1
    cdef int c_close_out(self, int t, int i) except -1
