# Contract of the daily loop: plan_orders, apply_execution_plan, BacktestRunner. The runner trades through a
# BrokerInterface only (broker.pxd): it never needs to know which broker it holds.
from pycore_ext.broker cimport BrokerInterface, RunBuffers
from pycore_ext.simulator cimport MarketSimulator
from pycore_ext.timemachine cimport TimeMachine

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
    cdef int c_day(self, int t) except -1
    cdef int c_record_mark(self, int t) except -1
