# Contract of the broker layer: BrokerInterface (mode-independent) and BacktestBroker (BACKTEST).
from libc.stdint cimport int32_t, int64_t

from pycore_ext.rowbuf cimport RowTable
from pycore_ext.simulator cimport Fill, MarketSimulator

cdef class RunBuffers:
    cdef readonly int64_t run_seq
    cdef int64_t counters[8]
    cdef readonly RowTable orders
    cdef readonly RowTable fills
    cdef readonly RowTable positions
    cdef readonly RowTable equity
    cdef readonly RowTable trades
    cdef readonly RowTable actions
    cdef readonly RowTable targets
    cdef readonly RowTable decisions
    cdef int64_t c_next_id(self, int table) noexcept

cdef class BrokerInterface:
    cpdef int64_t submit_order(self, str instrument, str side, double quantity, int64_t decision_id=*) except -1
    cpdef dict get_positions(self)
    cpdef dict get_account_state(self)
    cpdef int process_fills(self, object day) except -1
    cpdef bint cancel_order(self, int64_t order_id) except -1

cdef class BacktestBroker(BrokerInterface):
    cdef readonly MarketSimulator sim
    cdef readonly RunBuffers buf
    cdef dict index
    cdef int64_t* p_id
    cdef int32_t* p_i
    cdef int32_t* p_side
    cdef double* p_qty
    cdef int64_t* p_decision
    cdef char* p_live
    cdef int n_pending
    cdef int cap_pending
    cdef int _grow(self) except -1
    cdef int64_t c_submit(self, int i, int side, double quantity, int64_t decision_id) except -1
    cdef int c_process_fills(self, int t) except -1
    cdef int c_record(self, int t, int64_t order_id, int i, int side, double quantity, int64_t decision_id, Fill f) except -1
    cdef int c_close_out(self, int t, int i) except -1
