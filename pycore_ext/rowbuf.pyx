"""Typed row buffers of the compiled core.

A ``RowTable`` holds the rows of one output table column by column in C arrays
(int64, float64, int32) plus a few Python-object columns for rare, wide values
(JSON documents). The core appends rows with ``c_new_row`` and plain C stores;
tests read columns as numpy arrays; ``encode`` turns a range of rows into a
binary COPY payload following a field spec, so the writer drains buffers in
chunks without building a Python tuple per row.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from libc.math cimport isnan
from libc.stdint cimport int16_t, int32_t, int64_t
from libc.stdlib cimport free, malloc, realloc

import numpy as np

from pycore_ext.copybuf cimport CopyBuffer

KIND = {
    "i64": F_I64, "i64_null0": F_I64_NULL0, "f64": F_F64, "f64_nullnan": F_F64_NULLNAN, "i32": F_I32,
    "date": F_DATE, "ts": F_TS, "enum": F_ENUM, "const": F_CONST, "text": F_OBJ_TEXT, "jsonb": F_OBJ_JSONB,
}


cdef class RowTable:
    """Columnar growable buffer. Columns are declared once, by kind and name."""

    def __cinit__(self, str name, tuple i64=(), tuple f64=(), tuple i32=(), tuple obj=(), Py_ssize_t capacity=1024):
        cdef int k
        self.name = name
        self.n = 0
        self.cap = max(16, capacity)
        self.ni64, self.nf64, self.ni32, self.nobj = len(i64), len(f64), len(i32), len(obj)
        self.index = {}
        for k, c in enumerate(i64):
            self.index[c] = ("i64", k)
        for k, c in enumerate(f64):
            self.index[c] = ("f64", k)
        for k, c in enumerate(i32):
            self.index[c] = ("i32", k)
        for k, c in enumerate(obj):
            self.index[c] = ("obj", k)
        if len(self.index) != self.ni64 + self.nf64 + self.ni32 + self.nobj:
            raise ValueError(f"{name}: column names must be unique")
        self.i64 = <int64_t**>malloc(max(1, self.ni64) * sizeof(int64_t*))
        self.f64 = <double**>malloc(max(1, self.nf64) * sizeof(double*))
        self.i32 = <int32_t**>malloc(max(1, self.ni32) * sizeof(int32_t*))
        if self.i64 == NULL or self.f64 == NULL or self.i32 == NULL:
            raise MemoryError()
        for k in range(self.ni64):
            self.i64[k] = <int64_t*>malloc(self.cap * sizeof(int64_t))
            if self.i64[k] == NULL:
                raise MemoryError()
        for k in range(self.nf64):
            self.f64[k] = <double*>malloc(self.cap * sizeof(double))
            if self.f64[k] == NULL:
                raise MemoryError()
        for k in range(self.ni32):
            self.i32[k] = <int32_t*>malloc(self.cap * sizeof(int32_t))
            if self.i32[k] == NULL:
                raise MemoryError()
        self.obj = [[] for _ in range(self.nobj)]

    def __dealloc__(self):
        cdef int k
        if self.i64 != NULL:
            for k in range(self.ni64):
                free(self.i64[k])
            free(self.i64)
        if self.f64 != NULL:
            for k in range(self.nf64):
                free(self.f64[k])
            free(self.f64)
        if self.i32 != NULL:
            for k in range(self.ni32):
                free(self.i32[k])
            free(self.i32)

    cdef int _grow(self) except -1:
        cdef Py_ssize_t newcap = self.cap * 2
        cdef int k
        cdef void* p
        for k in range(self.ni64):
            p = realloc(self.i64[k], newcap * sizeof(int64_t))
            if p == NULL:
                raise MemoryError()
            self.i64[k] = <int64_t*>p
        for k in range(self.nf64):
            p = realloc(self.f64[k], newcap * sizeof(double))
            if p == NULL:
                raise MemoryError()
            self.f64[k] = <double*>p
        for k in range(self.ni32):
            p = realloc(self.i32[k], newcap * sizeof(int32_t))
            if p == NULL:
                raise MemoryError()
            self.i32[k] = <int32_t*>p
        self.cap = newcap
        return 0

    cdef Py_ssize_t c_new_row(self) except -1:
        """Index of a new row; the caller sets every column of it (object columns via ``obj``)."""
        if self.n == self.cap:
            self._grow()
        self.n += 1
        return self.n - 1

    def set_obj(self, str column, Py_ssize_t row, object value) -> None:
        kind, k = self.index[column]
        if kind != "obj":
            raise KeyError(f"{column} is not an object column")
        lst = self.obj[k]
        if row == len(lst):
            lst.append(value)
        elif row < len(lst):
            lst[row] = value
        else:
            raise IndexError(f"{self.name}.{column}: set rows in order")

    def column(self, str name) -> np.ndarray | list:
        """A copy of one column's values for rows 0..n-1."""
        kind, k = self.index[name]
        cdef Py_ssize_t r
        if kind == "obj":
            return list(self.obj[k][: self.n])
        if kind == "i64":
            out = np.empty(self.n, dtype=np.int64)
            for r in range(self.n):
                out[r] = self.i64[k][r]
        elif kind == "f64":
            out = np.empty(self.n, dtype=np.float64)
            for r in range(self.n):
                out[r] = self.f64[k][r]
        else:
            out = np.empty(self.n, dtype=np.int32)
            for r in range(self.n):
                out[r] = self.i32[k][r]
        return out

    def columns(self) -> list[str]:
        return list(self.index)

    def clear(self) -> None:
        """Forget all rows (after they were written)."""
        self.n = 0
        self.obj = [[] for _ in range(self.nobj)]

    def __len__(self) -> int:
        return self.n


def encode(RowTable table, list spec, CopyBuffer out, Py_ssize_t start=0, Py_ssize_t end=-1) -> int:
    """Append rows ``start..end-1`` of ``table`` to ``out`` as COPY tuples.

    ``spec`` is a list of ``(kind, column, extra)`` with kind one of
    ``KIND``; ``extra`` is the tuple of labels for ``enum`` and the bytes for ``const``.
    Returns the number of rows encoded.
    """
    cdef Py_ssize_t nf = len(spec), r, f
    cdef int* kinds = <int*>malloc(max(1, nf) * sizeof(int))
    cdef int* cols = <int*>malloc(max(1, nf) * sizeof(int))
    cdef list extras = []
    cdef list objcols = []
    cdef int32_t code
    cdef int64_t iv
    cdef double dv
    cdef bytes b
    cdef object o
    if kinds == NULL or cols == NULL:
        raise MemoryError()
    try:
        if end < 0 or end > table.n:
            end = table.n
        for f in range(nf):
            kname, cname, extra = spec[f]
            kinds[f] = KIND[kname]
            if kinds[f] == F_CONST:
                cols[f] = -1
                extras.append(bytes(extra))
            else:
                ckind, k = table.index[cname]
                expected = {F_I64: "i64", F_I64_NULL0: "i64", F_TS: "i64", F_F64: "f64", F_F64_NULLNAN: "f64",
                            F_I32: "i32", F_DATE: "i32", F_ENUM: "i32", F_OBJ_TEXT: "obj", F_OBJ_JSONB: "obj"}[kinds[f]]
                if ckind != expected:
                    raise TypeError(f"{table.name}.{cname} is a {ckind} column, not {kname}")
                cols[f] = k
                extras.append(tuple(x.encode() if isinstance(x, str) else x for x in extra) if kinds[f] == F_ENUM else None)
        for r in range(start, end):
            out.c_row(<int16_t>nf)
            for f in range(nf):
                kind = kinds[f]
                if kind == F_I64:
                    out.c_int8(table.i64[cols[f]][r])
                elif kind == F_I64_NULL0:
                    iv = table.i64[cols[f]][r]
                    if iv == 0:
                        out.c_null()
                    else:
                        out.c_int8(iv)
                elif kind == F_TS:
                    out.c_timestamptz(table.i64[cols[f]][r])
                elif kind == F_F64:
                    out.c_float8(table.f64[cols[f]][r])
                elif kind == F_F64_NULLNAN:
                    dv = table.f64[cols[f]][r]
                    if isnan(dv):
                        out.c_null()
                    else:
                        out.c_float8(dv)
                elif kind == F_I32:
                    out.c_int4(table.i32[cols[f]][r])
                elif kind == F_DATE:
                    out.c_date(table.i32[cols[f]][r])
                elif kind == F_ENUM:
                    code = table.i32[cols[f]][r]
                    if code < 0:
                        out.c_null()
                    else:
                        b = extras[f][code]
                        out.c_bytes(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b))
                elif kind == F_CONST:
                    b = extras[f]
                    out.c_bytes(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b))
                else:
                    o = table.obj[cols[f]][r]
                    if o is None:
                        out.c_null()
                    else:
                        b = (<str>o).encode("utf-8")
                        if kind == F_OBJ_JSONB:
                            out.c_jsonb(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b))
                        else:
                            out.c_bytes(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b))
        return end - start
    finally:
        free(kinds)
        free(cols)
