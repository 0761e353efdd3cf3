"""Validating parser for daily price files (``date,ticker,open,high,low,close,adj_close,volume``).

It reads the whole decompressed file, checks every row and writes the rows
straight into a :class:`CopyBuffer` in the column order of ``hist.prices_daily``
(instrument_id, trade_date, open, high, low, close, adjusted_close, volume), so
no Python object is built per value. The first bad row stops the parse with a
:class:`CsvRowError` naming the file, the line and the reason.
"""

from libc.math cimport isfinite, fabs
from libc.stdint cimport int32_t, int64_t
from libc.stdlib cimport strtod
from libc.string cimport memcmp

from pycore_ext.copybuf cimport CopyBuffer, days_from_civil

EXPECTED_HEADER = b"date,ticker,open,high,low,close,adj_close,volume"


class CsvRowError(ValueError):
    """A row of a data file is malformed; nothing from the file may be loaded."""

    def __init__(self, file_name: str, line: int, reason: str) -> None:
        self.file_name = file_name
        self.line = line
        self.reason = reason
        super().__init__(f"{file_name}:{line}: {reason}")


# what a field parser returns
cdef enum ParseResult:
    PARSE_OK = 0
    PARSE_MALFORMED = 1      # not the field's syntax
    PARSE_OUT_OF_RANGE = 2   # well-formed, but an impossible date or a price that is not finite and positive


cdef inline bint _digit(char c) noexcept nogil:
    return c >= 48 and c <= 57


cdef ParseResult _parse_date(const char* s, Py_ssize_t n, int32_t* out) noexcept nogil:
    """PARSE_MALFORMED: not YYYY-MM-DD; PARSE_OUT_OF_RANGE: no such calendar date."""
    cdef int y, m, d, i
    cdef int mdays
    if n != 10 or s[4] != 45 or s[7] != 45:
        return PARSE_MALFORMED
    for i in range(10):
        if i != 4 and i != 7 and not _digit(s[i]):
            return PARSE_MALFORMED
    y = (s[0] - 48) * 1000 + (s[1] - 48) * 100 + (s[2] - 48) * 10 + (s[3] - 48)
    m = (s[5] - 48) * 10 + (s[6] - 48)
    d = (s[8] - 48) * 10 + (s[9] - 48)
    if m < 1 or m > 12 or d < 1:
        return PARSE_OUT_OF_RANGE
    if m == 2:
        mdays = 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    elif m == 4 or m == 6 or m == 9 or m == 11:
        mdays = 30
    else:
        mdays = 31
    if d > mdays:
        return PARSE_OUT_OF_RANGE
    out[0] = days_from_civil(y, m, d)
    return PARSE_OK


cdef ParseResult _parse_price(const char* s, Py_ssize_t n, double* out) noexcept nogil:
    """PARSE_MALFORMED: not a number; PARSE_OUT_OF_RANGE: not finite or not positive."""
    cdef char* end
    cdef double v
    if n == 0 or not (_digit(s[0]) or s[0] == 46 or s[0] == 45):
        return PARSE_MALFORMED
    v = strtod(s, &end)
    if end != s + n:
        return PARSE_MALFORMED
    if not isfinite(v) or v <= 0:
        return PARSE_OUT_OF_RANGE
    out[0] = v
    return PARSE_OK


cdef ParseResult _parse_volume(const char* s, Py_ssize_t n, int64_t* out) noexcept nogil:
    cdef int64_t v = 0
    cdef Py_ssize_t i
    if n == 0 or n > 18:
        return PARSE_MALFORMED
    for i in range(n):
        if not _digit(s[i]):
            return PARSE_MALFORMED
        v = v * 10 + (s[i] - 48)
    out[0] = v
    return PARSE_OK


cdef inline bint _ticker_char(char c) noexcept nogil:
    return (c >= 65 and c <= 90) or _digit(c) or c == 46 or c == 45


def parse_prices(
    bytes data,
    str file_name,
    object known_instruments,
    bytes session_bitmap,
    int bitmap_start,
    bint adjusted_only=False,
    CopyBuffer out=None,
    object skip_rows=None,
):
    """Validate ``data`` (a whole price CSV) and encode it for binary COPY.

    ``known_instruments``: a set of instrument ids a row may name.
    ``session_bitmap[d - bitmap_start]`` is 1 when day ``d`` (days since
    2000-01-01) is a trading session.
    ``adjusted_only``: rows carry adjusted O/H/L/C, so close must equal adj_close.
    ``skip_rows``: a set of ``(instrument_id, day)`` pairs of known bad source rows;
    such a row is left out instead of stopping the parse when it fails a check.

    Returns ``(buffer, stats, skipped)`` where ``stats`` maps each instrument id to
    ``(first_day, last_day, rows)`` (days since 2000-01-01) and ``skipped`` lists
    ``(line, instrument_id, day, reason)`` of the rows left out.
    """
    cdef const char* p = data
    cdef Py_ssize_t n = len(data)
    cdef Py_ssize_t pos = 0, line_end, fstart, i, k
    cdef Py_ssize_t nbits = len(session_bitmap)
    cdef const unsigned char* bits = session_bitmap
    cdef const char* f[8]
    cdef Py_ssize_t flen[8]
    cdef int nf
    cdef ParseResult rc
    cdef long line_no = 1
    cdef int32_t day = 0, prev_day = 0
    cdef double o = 0, h = 0, l = 0, c = 0, a = 0
    cdef int64_t vol = 0
    cdef const char* prev_tk = NULL
    cdef Py_ssize_t prev_tk_len = 0
    cdef str tk = None
    cdef long tk_rows = 0
    cdef int32_t tk_first = 0
    cdef dict stats = {}
    cdef set seen = set()
    cdef list skipped = []
    cdef str reason
    if out is None:
        out = CopyBuffer(max(1 << 16, n))

    # header
    while pos < n and p[pos] != 10:
        pos += 1
    header = data[:pos].rstrip(b"\r")
    if header != EXPECTED_HEADER:
        raise CsvRowError(file_name, 1, f"header is {header[:80]!r}, expected {EXPECTED_HEADER.decode()!r}")
    pos += 1

    while pos < n:
        line_no += 1
        line_end = pos
        while line_end < n and p[line_end] != 10:
            line_end += 1
        k = line_end
        if k > pos and p[k - 1] == 13:
            k -= 1
        if k == pos:
            if line_end >= n - 1:
                break
            raise CsvRowError(file_name, line_no, "empty line")
        # split fields
        nf = 0
        fstart = pos
        for i in range(pos, k + 1):
            if i == k or p[i] == 44:
                if nf < 8:
                    f[nf] = p + fstart
                    flen[nf] = i - fstart
                nf += 1
                fstart = i + 1
        if nf != 8:
            raise CsvRowError(file_name, line_no, f"expected 8 fields, found {nf}")

        rc = _parse_date(f[0], flen[0], &day)
        if rc == PARSE_MALFORMED:
            raise CsvRowError(file_name, line_no, f"date {data[f[0] - p:f[0] - p + flen[0]]!r} is not YYYY-MM-DD")
        if rc == PARSE_OUT_OF_RANGE:
            raise CsvRowError(file_name, line_no, f"date {data[f[0] - p:f[0] - p + flen[0]].decode()} does not exist")
        if day - bitmap_start < 0 or day - bitmap_start >= nbits or bits[day - bitmap_start] == 0:
            raise CsvRowError(file_name, line_no, f"date {data[f[0] - p:f[0] - p + flen[0]].decode()} is not a trading session of the market's calendar")

        # ticker: look it up only when it changes (files are sorted by ticker, date)
        if prev_tk == NULL or flen[1] != prev_tk_len or memcmp(f[1], prev_tk, flen[1]) != 0:
            if flen[1] == 0 or flen[1] > 16:
                raise CsvRowError(file_name, line_no, "ticker is empty or longer than 16 characters")
            for i in range(flen[1]):
                if not _ticker_char(f[1][i]):
                    raise CsvRowError(file_name, line_no, f"ticker {data[f[1] - p:f[1] - p + flen[1]]!r} has characters other than A-Z 0-9 . -")
            if tk is not None:
                stats[tk] = (tk_first, prev_day, tk_rows)
            tk = data[f[1] - p:f[1] - p + flen[1]].decode("ascii")
            if tk not in known_instruments:
                raise CsvRowError(file_name, line_no, f"ticker {tk} is not in the instrument list")
            if tk in seen:
                raise CsvRowError(file_name, line_no, f"ticker {tk} appears again after other tickers: the file must be sorted by ticker, then date")
            seen.add(tk)
            prev_tk = f[1]
            prev_tk_len = flen[1]
            tk_rows = 0
            tk_first = day
        elif day <= prev_day:
            raise CsvRowError(file_name, line_no, f"date of {tk} is not after the previous row's (duplicate or unsorted)")

        reason = None
        rc = _parse_price(f[2], flen[2], &o)
        if rc == PARSE_OK:
            rc = _parse_price(f[3], flen[3], &h)
        if rc == PARSE_OK:
            rc = _parse_price(f[4], flen[4], &l)
        if rc == PARSE_OK:
            rc = _parse_price(f[5], flen[5], &c)
        if rc == PARSE_OK:
            rc = _parse_price(f[6], flen[6], &a)
        if rc == PARSE_MALFORMED:
            reason = "a price field is not a decimal number"
        elif rc == PARSE_OUT_OF_RANGE:
            reason = "prices must be finite and greater than zero"
        elif h < l or h < o or h < c or l > o or l > c:
            reason = f"inconsistent bar: open {o}, high {h}, low {l}, close {c} (need low <= open, close <= high)"
        elif adjusted_only and fabs(c - a) > 1e-4 + 1e-6 * c:
            reason = f"adjusted-only file but close {c} differs from adj_close {a}"
        elif _parse_volume(f[7], flen[7], &vol) != PARSE_OK:
            reason = "volume is not a whole non-negative number"
        if reason is not None:
            if skip_rows is not None and (tk, day) in skip_rows:
                skipped.append((line_no, tk, day, reason))
                pos = line_end + 1
                continue
            raise CsvRowError(file_name, line_no, reason)

        out.c_row(8)
        out.c_bytes(f[1], flen[1])
        out.c_date(day)
        out.c_float8(o)
        out.c_float8(h)
        out.c_float8(l)
        out.c_float8(c)
        out.c_float8(a)
        out.c_int8(vol)
        tk_rows += 1
        prev_day = day
        pos = line_end + 1

    if tk is not None:
        stats[tk] = (tk_first, prev_day, tk_rows)
    return out, stats, skipped
