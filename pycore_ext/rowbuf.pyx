"""Typed row buffers of the compiled core.

A ``RowTable`` holds the rows of one output table column by column in C arrays
(int64, float64, int32) plus a few Python-object columns for rare, wide values
(JSON documents). The core appends rows with ``c_new_row`` and plain C stores;
tests read columns as numpy arrays; ``encode`` turns a range of rows into a
binary COPY payload following a field spec, so the writer drains buffers in
chunks without building a Python tuple per row. A ``jsonb_obj`` field builds a
small JSON object per row from C columns (a label of an int32 code, a float8 or
null), so per-row context costs no Python object either.

Memory: every C array starts NULL and is freed only when it was allocated; a
failed allocation raises ``MemoryError`` and leaves the table usable (or, from
the constructor, safely freed).
"""

import json

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from libc.math cimport isfinite, isnan
from libc.stdint cimport int16_t, int32_t, int64_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memcpy, strlen

import numpy as np

from pycore_ext.copybuf cimport CopyBuffer

KIND = {
    "i64": F_I64, "i64_null0": F_I64_NULL0, "f64": F_F64, "f64_nullnan": F_F64_NULLNAN, "i32": F_I32,
    "date": F_DATE, "ts": F_TS, "enum": F_ENUM, "const": F_CONST, "text": F_OBJ_TEXT, "jsonb": F_OBJ_JSONB,
    "jsonb_obj": F_JSONB_OBJ,
}
# the value kinds a jsonb_obj field may hold
JSON_MEMBER_KIND = {"enum": F_ENUM, "f64_nullnan": F_F64_NULLNAN}

cdef extern from "Python.h":
    const Py_ssize_t PY_SSIZE_T_MAX
    char* PyOS_double_to_string(double val, char format_code, int precision, int flags, int* ptype) except NULL
    void PyMem_Free(void* p)

# the most rows a column can hold before its size in bytes (8 per value at most) overflows
cdef Py_ssize_t _MAX_ROWS = PY_SSIZE_T_MAX // 8


def enum_names(enum, str prefix="", bint lower=False) -> tuple:
    """The names of a ``cpdef enum``'s members with a code >= 0, indexed by code.

    ``prefix`` is dropped from each name (every member must carry it), and the
    rest is lower-cased when ``lower``. The codes must be 0 .. n-1: a name tuple
    is read by code (``SIDES[code]``, a row table's column ``k``).
    """
    members = sorted((m for m in enum if m >= 0), key=int)
    if [int(m) for m in members] != list(range(len(members))):
        raise ValueError(f"{enum.__name__}: codes must be 0 .. n-1, got {[int(m) for m in members]}")
    names = []
    for m in members:
        if not m.name.startswith(prefix):
            raise ValueError(f"{enum.__name__}.{m.name} lacks the prefix {prefix!r}")
        name = m.name[len(prefix):]
        names.append(name.lower() if lower else name)
    return tuple(names)


cdef Py_ssize_t _jput(char** buf, Py_ssize_t* cap, Py_ssize_t n, const char* data, Py_ssize_t k) except -1:
    """Append ``k`` bytes to a growable scratch buffer at ``n``; returns the new length."""
    cdef Py_ssize_t newcap
    cdef void* p
    if n + k > cap[0]:
        newcap = max(256, 2 * cap[0], n + k)
        p = realloc(buf[0], newcap)
        if p == NULL:
            raise MemoryError()
        buf[0] = <char*>p
        cap[0] = newcap
    memcpy(buf[0] + n, data, k)
    return n + k


cdef class RowTable:
    """Columnar growable buffer. Columns are declared once, by kind and name."""

    def __cinit__(self, str name, tuple i64=(), tuple f64=(), tuple i32=(), tuple obj=(), Py_ssize_t capacity=1024):
        cdef int k
        # NULL first: __dealloc__ runs even when this constructor raises half-way
        self.i64 = NULL
        self.f64 = NULL
        self.i32 = NULL
        self.ni64 = self.nf64 = self.ni32 = self.nobj = 0
        self.name = name
        self.n = 0
        if capacity > _MAX_ROWS:
            raise MemoryError(f"{name}: capacity {capacity} rows does not fit in memory")
        self.cap = max(16, capacity)
        self.index = {}
        for k, c in enumerate(i64):
            self.index[c] = ("i64", k)
        for k, c in enumerate(f64):
            self.index[c] = ("f64", k)
        for k, c in enumerate(i32):
            self.index[c] = ("i32", k)
        for k, c in enumerate(obj):
            self.index[c] = ("obj", k)
        if len(self.index) != len(i64) + len(f64) + len(i32) + len(obj):
            raise ValueError(f"{name}: column names must be unique")
        # calloc: a column not yet allocated is NULL, which __dealloc__ may free
        self.i64 = <int64_t**>calloc(max(1, len(i64)), sizeof(int64_t*))
        self.f64 = <double**>calloc(max(1, len(f64)), sizeof(double*))
        self.i32 = <int32_t**>calloc(max(1, len(i32)), sizeof(int32_t*))
        if self.i64 == NULL or self.f64 == NULL or self.i32 == NULL:
            raise MemoryError()
        self.ni64, self.nf64, self.ni32, self.nobj = len(i64), len(f64), len(i32), len(obj)
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
        """Double the capacity. A failed realloc keeps the old block (and ``cap``): the table stays valid."""
        cdef Py_ssize_t newcap = self.cap * 2
        cdef int k
        cdef void* p
        if self.cap > _MAX_ROWS // 2:
            raise MemoryError(f"{self.name}: more than {_MAX_ROWS // 2} rows")
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

    cdef int c_reserve(self, Py_ssize_t k) except -1:
        """Grow until ``k`` more rows fit."""
        while self.n + k > self.cap:
            self._grow()
        return 0

    cdef int c_set_obj(self, int k, Py_ssize_t row, object value) except -1:
        """Set object column ``k`` of ``row`` (rows in order: the next row, or one already set)."""
        cdef list lst = self.obj[k]
        if row == len(lst):
            lst.append(value)
        elif row < len(lst):
            lst[row] = value
        else:
            raise IndexError(f"{self.name}: set the rows of object column {k} in order")
        return 0

    def set_obj(self, str column, Py_ssize_t row, object value) -> None:
        kind, k = self.index[column]
        if kind != "obj":
            raise KeyError(f"{column} is not an object column")
        self.c_set_obj(k, row, value)

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
    A ``jsonb_obj`` field has no column; its ``extra`` lists the members of the
    object, ``(key, "enum", int32 column, labels)`` (the label of the row's code,
    a JSON string, or null for code -1 or a None label) or
    ``(key, "f64_nullnan", float8 column, None)`` (the shortest repr of the
    number, or null when it is NaN).
    Returns the number of rows encoded.
    """
    cdef Py_ssize_t nf = len(spec), r, f, k, m
    cdef int* kinds = NULL
    cdef int* cols = NULL
    cdef list extras = []
    cdef list objcols = []
    cdef int32_t code
    cdef int64_t iv
    cdef double dv
    cdef bytes b
    cdef object o
    # members of the jsonb_obj fields, flat: field f owns members sub_start[f] .. sub_start[f] + sub_count[f] - 1
    cdef int* sub_start = NULL
    cdef int* sub_count = NULL
    cdef int* sub_kind = NULL
    cdef int* sub_col = NULL
    cdef list sub_keys = []
    cdef list sub_labels = []
    cdef list py_kind = []
    cdef list py_col = []
    cdef list py_start = []
    cdef list py_count = []
    cdef char* jbuf = NULL
    cdef char* num
    cdef Py_ssize_t jcap = 0, jn
    try:
        kinds = <int*>malloc(max(1, nf) * sizeof(int))
        cols = <int*>malloc(max(1, nf) * sizeof(int))
        if kinds == NULL or cols == NULL:
            raise MemoryError()
        if end < 0 or end > table.n:
            end = table.n
        for f in range(nf):
            kname, cname, extra = spec[f]
            kinds[f] = KIND[kname]
            py_start.append(len(py_kind))
            py_count.append(0)
            if kinds[f] == F_CONST:
                cols[f] = -1
                extras.append(bytes(extra))
            elif kinds[f] == F_JSONB_OBJ:
                cols[f] = -1
                extras.append(None)
                for key, mkind, mcol, labels in extra:
                    if mkind not in JSON_MEMBER_KIND:
                        raise ValueError(f"{table.name}: a jsonb_obj member is one of {sorted(JSON_MEMBER_KIND)}, not {mkind!r}")
                    ckind, k = table.index[mcol]
                    if ckind != ("i32" if mkind == "enum" else "f64"):
                        raise TypeError(f"{table.name}.{mcol} is a {ckind} column, not {mkind}")
                    sub_keys.append((json.dumps(str(key)) + ": ").encode())
                    sub_labels.append(tuple(b"null" if x is None else json.dumps(str(x)).encode() for x in labels)
                                      if mkind == "enum" else None)
                    py_kind.append(JSON_MEMBER_KIND[mkind])
                    py_col.append(k)
                    py_count[f] += 1
            else:
                ckind, k = table.index[cname]
                expected = {F_I64: "i64", F_I64_NULL0: "i64", F_TS: "i64", F_F64: "f64", F_F64_NULLNAN: "f64",
                            F_I32: "i32", F_DATE: "i32", F_ENUM: "i32", F_OBJ_TEXT: "obj", F_OBJ_JSONB: "obj"}[kinds[f]]
                if ckind != expected:
                    raise TypeError(f"{table.name}.{cname} is a {ckind} column, not {kname}")
                cols[f] = k
                extras.append(tuple(x.encode() if isinstance(x, str) else x for x in extra) if kinds[f] == F_ENUM else None)
        m = len(py_kind)
        sub_start = <int*>malloc(max(1, nf) * sizeof(int))
        sub_count = <int*>malloc(max(1, nf) * sizeof(int))
        sub_kind = <int*>malloc(max(1, m) * sizeof(int))
        sub_col = <int*>malloc(max(1, m) * sizeof(int))
        if sub_start == NULL or sub_count == NULL or sub_kind == NULL or sub_col == NULL:
            raise MemoryError()
        for f in range(nf):
            sub_start[f] = py_start[f]
            sub_count[f] = py_count[f]
        for k in range(m):
            sub_kind[k] = py_kind[k]
            sub_col[k] = py_col[k]
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
                elif kind == F_JSONB_OBJ:
                    jn = _jput(&jbuf, &jcap, 0, b"{", 1)
                    for k in range(sub_start[f], sub_start[f] + sub_count[f]):
                        if k > sub_start[f]:
                            jn = _jput(&jbuf, &jcap, jn, b", ", 2)
                        b = sub_keys[k]
                        jn = _jput(&jbuf, &jcap, jn, PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b))
                        if sub_kind[k] == F_ENUM:
                            code = table.i32[sub_col[k]][r]
                            b = b"null" if code < 0 else sub_labels[k][code]
                            jn = _jput(&jbuf, &jcap, jn, PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b))
                        else:
                            dv = table.f64[sub_col[k]][r]
                            if not isfinite(dv):
                                jn = _jput(&jbuf, &jcap, jn, b"null", 4)
                            else:
                                num = PyOS_double_to_string(dv, b'r', 0, 0, NULL)
                                try:
                                    jn = _jput(&jbuf, &jcap, jn, num, <Py_ssize_t>strlen(num))
                                finally:
                                    PyMem_Free(num)
                    jn = _jput(&jbuf, &jcap, jn, b"}", 1)
                    out.c_jsonb(jbuf, jn)
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
        free(sub_start)
        free(sub_count)
        free(sub_kind)
        free(sub_col)
        free(jbuf)
