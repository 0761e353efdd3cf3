# Contract of the PostgreSQL binary COPY encoder.
from libc.stdint cimport int16_t, int32_t, int64_t

cdef class CopyBuffer:
    cdef char* buf
    cdef Py_ssize_t size
    cdef Py_ssize_t cap
    cdef readonly Py_ssize_t rows

    cdef int _reserve(self, Py_ssize_t extra) except -1
    cdef int _be16(self, int16_t v) except -1
    cdef int _be32(self, int32_t v) except -1
    cdef int _be64(self, int64_t v) except -1
    cdef int c_row(self, int16_t ncols) except -1
    cdef int c_null(self) except -1
    cdef int c_bool(self, bint v) except -1
    cdef int c_int4(self, int32_t v) except -1
    cdef int c_int8(self, int64_t v) except -1
    cdef int c_float8(self, double v) except -1
    cdef int c_date(self, int32_t days_since_2000) except -1
    cdef int c_timestamptz(self, int64_t us_since_2000) except -1
    cdef int c_bytes(self, const char* data, Py_ssize_t n) except -1
    cdef int c_jsonb(self, const char* data, Py_ssize_t n) except -1

cdef int32_t days_from_civil(int y, int m, int d) noexcept nogil
