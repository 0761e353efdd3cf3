"""PostgreSQL binary COPY encoder.

A ``CopyBuffer`` accumulates tuples in PostgreSQL's binary COPY format
(https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format"): a 16-bit
field count per tuple, then per field a 32-bit length (-1 for NULL) and the
value in network byte order. ``take()`` returns a complete payload (signature,
flags, header extension, tuples, trailer) for ``Copy.write`` and empties the
buffer, so a writer can drain it in chunks while a run goes on.

Cython callers use the ``c_*`` methods (C types, no Python objects per value);
Python callers use the ``put_*`` methods. A failed allocation raises
``MemoryError`` and keeps what the buffer held.
"""

from cpython.bytes cimport PyBytes_FromStringAndSize
from libc.stdint cimport int16_t, int32_t, int64_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, realloc
from libc.string cimport memcpy

import datetime as _dt
import uuid as _uuid

cdef extern from "Python.h":
    const Py_ssize_t PY_SSIZE_T_MAX

cdef bytes _HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
cdef bytes _TRAILER = b"\xff\xff"
cdef object _EPOCH = _dt.date(2000, 1, 1)
# a field's length is an int32 in the format (PostgreSQL itself takes at most 1 GB)
cdef Py_ssize_t _MAX_FIELD = 0x7FFFFFFF


cdef int32_t days_from_civil(int y, int m, int d) noexcept nogil:
    """Days from 2000-01-01 to the proleptic Gregorian date y-m-d."""
    cdef int yy = y - (1 if m <= 2 else 0)
    cdef int era = (yy if yy >= 0 else yy - 399) // 400
    cdef int yoe = yy - era * 400
    cdef int mp = (m + 9) % 12
    cdef int doy = (153 * mp + 2) // 5 + d - 1
    cdef int doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return <int32_t>(era * 146097 + doe - 719468 - 10957)


def date_to_pg(object value) -> int:
    """Days since 2000-01-01 (PostgreSQL's date epoch) for a ``datetime.date``."""
    return days_from_civil(value.year, value.month, value.day)


def pg_to_date(int days) -> _dt.date:
    """Inverse of ``date_to_pg``."""
    return _EPOCH + _dt.timedelta(days=days)


cdef class CopyBuffer:
    """Growable buffer of binary COPY tuples."""

    def __cinit__(self, Py_ssize_t capacity=1 << 20):
        self.buf = NULL  # __dealloc__ runs (and frees NULL) when the allocation below fails
        self.cap = 0
        if capacity < 64:
            capacity = 64
        self.buf = <char*>realloc(NULL, capacity)
        if self.buf == NULL:
            raise MemoryError()
        self.cap = capacity
        self.size = 0
        self.rows = 0

    def __dealloc__(self):
        free(self.buf)

    cdef int _reserve(self, Py_ssize_t extra) except -1:
        cdef Py_ssize_t need = self.size + extra
        cdef Py_ssize_t newcap
        cdef char* p
        if need <= self.cap:
            return 0
        if need > PY_SSIZE_T_MAX // 2:
            raise MemoryError(f"a COPY buffer of {need} bytes")
        newcap = self.cap * 2
        while newcap < need:
            newcap *= 2
        p = <char*>realloc(self.buf, newcap)
        if p == NULL:
            raise MemoryError()
        self.buf = p
        self.cap = newcap
        return 0

    cdef int _be16(self, int16_t v) except -1:
        cdef uint16_t u = <uint16_t>v
        self._reserve(2)
        self.buf[self.size] = <char>(u >> 8)
        self.buf[self.size + 1] = <char>(u & 0xFF)
        self.size += 2
        return 0

    cdef int _be32(self, int32_t v) except -1:
        cdef uint32_t u = <uint32_t>v
        cdef int i
        self._reserve(4)
        for i in range(4):
            self.buf[self.size + i] = <char>((u >> (24 - 8 * i)) & 0xFF)
        self.size += 4
        return 0

    cdef int _be64(self, int64_t v) except -1:
        cdef uint64_t u = <uint64_t>v
        cdef int i
        self._reserve(8)
        for i in range(8):
            self.buf[self.size + i] = <char>((u >> (56 - 8 * i)) & 0xFF)
        self.size += 8
        return 0

    cdef int c_row(self, int16_t ncols) except -1:
        self.rows += 1
        return self._be16(ncols)

    cdef int c_null(self) except -1:
        return self._be32(-1)

    cdef int c_bool(self, bint v) except -1:
        self._be32(1)
        self._reserve(1)
        self.buf[self.size] = 1 if v else 0
        self.size += 1
        return 0

    cdef int c_int4(self, int32_t v) except -1:
        self._be32(4)
        return self._be32(v)

    cdef int c_int8(self, int64_t v) except -1:
        self._be32(8)
        return self._be64(v)

    cdef int c_float8(self, double v) except -1:
        cdef int64_t bits
        memcpy(&bits, &v, 8)
        self._be32(8)
        return self._be64(bits)

    cdef int c_date(self, int32_t days_since_2000) except -1:
        self._be32(4)
        return self._be32(days_since_2000)

    cdef int c_timestamptz(self, int64_t us_since_2000) except -1:
        self._be32(8)
        return self._be64(us_since_2000)

    cdef int c_bytes(self, const char* data, Py_ssize_t n) except -1:
        if n > _MAX_FIELD:
            raise ValueError(f"a COPY field holds at most {_MAX_FIELD} bytes, got {n}")
        self._be32(<int32_t>n)
        self._reserve(n)
        memcpy(self.buf + self.size, data, n)
        self.size += n
        return 0

    cdef int c_jsonb(self, const char* data, Py_ssize_t n) except -1:
        if n + 1 > _MAX_FIELD:
            raise ValueError(f"a COPY field holds at most {_MAX_FIELD} bytes, got {n + 1}")
        self._be32(<int32_t>(n + 1))
        self._reserve(n + 1)
        self.buf[self.size] = 1  # jsonb binary format version
        memcpy(self.buf + self.size + 1, data, n)
        self.size += n + 1
        return 0

    # ---- Python API -------------------------------------------------------
    def begin_row(self, int ncols) -> None:
        """Start a tuple of ``ncols`` fields."""
        self.c_row(<int16_t>ncols)

    def put_null(self) -> None:
        self.c_null()

    def put_bool(self, bint value) -> None:
        self.c_bool(value)

    def put_int4(self, long long value) -> None:
        if value < -2147483648 or value > 2147483647:
            raise OverflowError(f"{value} does not fit int4")
        self.c_int4(<int32_t>value)

    def put_int8(self, long long value) -> None:
        self.c_int8(<int64_t>value)

    def put_float8(self, double value) -> None:
        self.c_float8(value)

    def put_date(self, object value) -> None:
        self.c_date(days_from_civil(value.year, value.month, value.day))

    def put_text(self, str value) -> None:
        cdef bytes b = value.encode("utf-8")
        self.c_bytes(b, len(b))

    def put_jsonb(self, str value) -> None:
        cdef bytes b = value.encode("utf-8")
        self.c_jsonb(b, len(b))

    def put_uuid(self, object value) -> None:
        cdef bytes b = (<object>value).bytes if isinstance(value, _uuid.UUID) else _uuid.UUID(str(value)).bytes
        self.c_bytes(b, 16)

    @property
    def nbytes(self) -> int:
        """Bytes of tuple data held (without header and trailer)."""
        return self.size

    def take(self) -> bytes:
        """A complete binary COPY payload of the tuples held; empties the buffer."""
        cdef bytes body = PyBytes_FromStringAndSize(self.buf, self.size)
        self.size = 0
        self.rows = 0
        return _HEADER + body + _TRAILER

    def clear(self) -> None:
        self.size = 0
        self.rows = 0
