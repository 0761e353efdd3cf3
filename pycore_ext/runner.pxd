# Contract of the daily loop: plan_orders, apply_execution_plan, BacktestRunner. The runner trades through a
# BrokerInterface only (broker.pxd): it never needs to know which broker it holds. When it holds exactly a
# BacktestBroker it reaches the broker's C methods directly (the same calls, without Python strings in between).
from libc.stdint cimport int32_t, int64_t

from pycore_ext.broker cimport BrokerInterface, RunBuffers
from pycore_ext.simulator cimport MarketSimulator
from pycore_ext.timemachine cimport TimeMachine

# a growable scratch buffer of ASCII text (the JSON documents of a day's rows are built in it)
cdef struct Text:
    char* buf
    Py_ssize_t n
    Py_ssize_t cap

# the last value formatted for a field and its repr: a value the same as the last one's (bit for bit) is not formatted
# again (cash stays the same on most days; a long-only book's gross and net exposure are the same number)
cdef struct Memo:
    double key
    int n           # 0: nothing yet
    char s[40]

# what apply_execution_plan reports
cdef struct PlanReport:
    double equity_estimate
    int orders
    int fills
    int sells
    int buys

cdef class BacktestRunner:
    cdef readonly TimeMachine tm
    cdef readonly MarketSimulator sim
    cdef readonly BrokerInterface broker
    cdef readonly RunBuffers buf
    cdef readonly object strategy
    cdef unsigned char[::1] rebalance
    cdef dict index
    cdef readonly int next_day
    cdef readonly int rebalances
    cdef double[::1] target_w
    cdef str _config_json
    # the day's planned orders (N slots each), reused every rebalance
    cdef int32_t[::1] plan_i
    cdef int32_t[::1] plan_side
    cdef double[::1] plan_qty
    # instruments in the order of their ids as Python sorts them, and each id as a JSON string (ASCII bytes)
    cdef int32_t[::1] by_name
    cdef list name_json
    cdef Text text
    cdef Memo memo_gross
    cdef Memo memo_long
    cdef Memo memo_cash
    cdef int c_execute_plan(self, int t, double[::1] weights, int64_t decision_id, PlanReport* rep) except -1
    cdef int c_rebalance(self, int t) except -1
    cdef int c_day(self, int t) except -1
    cdef int c_record_mark(self, int t) except -1
