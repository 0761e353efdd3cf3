# Contract of the TimeMachine: the trading-day clock and the point-in-time gate on market data.
from libc.stdint cimport int32_t, int64_t

cdef class TimeMachine:
    cdef readonly int T
    cdef readonly int N
    cdef readonly int t0
    cdef int t
    cdef int32_t[::1] dates
    cdef int64_t[::1] open_us
    cdef int64_t[::1] close_us
    cdef const double[:, ::1] open_
    cdef const double[:, ::1] high
    cdef const double[:, ::1] low
    cdef const double[:, ::1] close
    cdef const double[:, ::1] adj_close
    cdef const double[:, ::1] volume
    cdef const double[:, ::1] dividend
    cdef const double[:, ::1] split
    cdef int32_t[::1] last_bar
    cdef tuple _instruments
    cdef dict _arrays

    cdef inline void c_set_day(self, int t) noexcept:
        self.t = t
