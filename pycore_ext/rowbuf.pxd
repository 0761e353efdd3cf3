# Contract of the typed row buffers: columnar, growable, numpy-readable, encoded to binary COPY.
from libc.stdint cimport int32_t, int64_t

from pycore_ext.copybuf cimport CopyBuffer

cdef enum FieldKind:
    F_I64 = 1          # int8 column
    F_I64_NULL0 = 2    # int8, NULL when 0
    F_F64 = 3          # float8 column
    F_F64_NULLNAN = 4  # float8, NULL when NaN
    F_I32 = 5          # int4 column
    F_DATE = 6         # int32 days since 2000-01-01 -> date
    F_TS = 7           # int64 microseconds since 2000-01-01 UTC -> timestamptz
    F_ENUM = 8         # int32 code -> text from a tuple of labels (code -1 -> NULL)
    F_CONST = 9        # the same bytes on every row (text, uuid, ...)
    F_OBJ_TEXT = 10    # per-row Python str -> text (None -> NULL)
    F_OBJ_JSONB = 11   # per-row Python str of JSON -> jsonb (None -> NULL)
    F_JSONB_OBJ = 12   # jsonb object built per row from columns: ((key, "enum"|"f64_nullnan", column, labels), ...)

cdef class RowTable:
    cdef readonly str name
    cdef readonly Py_ssize_t n
    cdef Py_ssize_t cap
    cdef int ni64, nf64, ni32, nobj
    cdef int64_t** i64
    cdef double** f64
    cdef int32_t** i32
    cdef list obj
    cdef dict index

    cdef int _grow(self) except -1
    cdef Py_ssize_t c_new_row(self) except -1
    # room for ``k`` more rows (column pointers stay valid until rows beyond it are added): then ``c_new_rows``
    cdef int c_reserve(self, Py_ssize_t k) except -1
    cdef inline Py_ssize_t c_new_rows(self, Py_ssize_t k) noexcept:
        """Index of the first of ``k`` new rows, after ``c_reserve(k)``; the caller sets every column of them."""
        self.n += k
        return self.n - k
    cdef int c_set_obj(self, int k, Py_ssize_t row, object value) except -1
    # column k of a storage kind, for C stores and loads: ``t.c_f64(POS_WEIGHT)[r] = w`` with a named column constant
    cdef inline int64_t* c_i64(self, int k) noexcept:
        return self.i64[k]
    cdef inline double* c_f64(self, int k) noexcept:
        return self.f64[k]
    cdef inline int32_t* c_i32(self, int k) noexcept:
        return self.i32[k]
