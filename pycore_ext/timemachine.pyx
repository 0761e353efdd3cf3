"""The TimeMachine: the clock of a backtest and the gate that keeps the future out.

It owns dense ``T x N`` arrays of the loaded history (trading days x instruments,
NaN where an instrument has no bar) and a current day index ``t``. Python code —
the strategy — can only read rows strictly before ``t`` (``history``, ``bar``);
the compiled simulator reads day ``t`` through the C-level arrays, which Python
cannot reach. Preconditions on the data are checked once, here.
"""

import datetime as _dt

import numpy as np

from libc.math cimport isfinite, isnan
from libc.stdint cimport int32_t, int64_t

_EPOCH = _dt.date(2000, 1, 1)
FIELDS = ("open", "high", "low", "close", "adj_close", "volume")


class LookAheadError(LookupError):
    """The strategy asked for data dated at or after its decision point."""


cdef class TimeMachine:
    """Trading-day clock over ``dates`` (days since 2000-01-01) with point-in-time access."""

    def __init__(self, dates, instruments, open_, high, low, close, adj_close, volume, dividend, split,
                 int start_index, open_us=None, close_us=None):
        cdef int T, N, t, i
        dates = np.ascontiguousarray(dates, dtype=np.int32)
        T = dates.shape[0]
        N = len(instruments)
        arrays = {}
        for name, arr in zip(FIELDS + ("dividend", "split"), (open_, high, low, close, adj_close, volume, dividend, split)):
            a = np.ascontiguousarray(arr, dtype=np.float64)
            if a.shape != (T, N):
                raise ValueError(f"{name} has shape {a.shape}, expected {(T, N)}")
            a.setflags(write=False)
            arrays[name] = a
        if T < 2:
            raise ValueError("need at least two trading days (one of history)")
        if np.any(np.diff(dates) <= 0):
            raise ValueError("dates must be strictly increasing")
        if not 1 <= start_index < T:
            raise ValueError(f"start_index {start_index} must leave at least one day of history and one to simulate")
        for name in FIELDS[:5]:
            a = arrays[name]
            ok = np.isnan(a) | (a > 0)
            if not ok.all():
                raise ValueError(f"{name} has non-positive prices")
        if not (np.isnan(arrays["volume"]) | (arrays["volume"] >= 0)).all():
            raise ValueError("volume must be >= 0")
        if not (np.isfinite(arrays["dividend"]).all() and (arrays["dividend"] >= 0).all()):
            raise ValueError("dividends must be finite and >= 0")
        if not (np.isfinite(arrays["split"]).all() and (arrays["split"] > 0).all()):
            raise ValueError("split ratios must be finite and > 0")
        close_ok = ~np.isnan(arrays["close"])
        if (close_ok != ~np.isnan(arrays["open"])).any() or (close_ok != ~np.isnan(arrays["volume"])).any():
            raise ValueError("a bar must have open, close and volume together")
        last = np.full(N, -1, dtype=np.int32)
        has = close_ok.any(axis=0)
        last[has] = (T - 1 - np.argmax(close_ok[::-1, :], axis=0))[has]
        self.T, self.N, self.t0, self.t = T, N, start_index, start_index
        self.dates = dates
        self._instruments = tuple(str(x) for x in instruments)
        if len(set(self._instruments)) != N:
            raise ValueError("instrument ids must be unique")
        self._arrays = arrays
        self.open_ = arrays["open"]
        self.high = arrays["high"]
        self.low = arrays["low"]
        self.close = arrays["close"]
        self.adj_close = arrays["adj_close"]
        self.volume = arrays["volume"]
        self.dividend = arrays["dividend"]
        self.split = arrays["split"]
        self.last_bar = last
        zeros = np.zeros(T, dtype=np.int64)
        self.open_us = np.ascontiguousarray(open_us if open_us is not None else zeros, dtype=np.int64)
        self.close_us = np.ascontiguousarray(close_us if close_us is not None else zeros, dtype=np.int64)
        if self.open_us.shape[0] != T or self.close_us.shape[0] != T:
            raise ValueError("open_us and close_us need one value per day")

    @property
    def instruments(self) -> tuple:
        return self._instruments

    @property
    def current_index(self) -> int:
        """Index of the day being decided and simulated."""
        return self.t

    @property
    def current_date(self) -> _dt.date:
        """The decision date: data strictly before it is visible."""
        return _EPOCH + _dt.timedelta(days=int(self.dates[self.t]))

    def date_at(self, int t) -> _dt.date:
        if not 0 <= t < self.T:
            raise IndexError(t)
        return _EPOCH + _dt.timedelta(days=int(self.dates[t]))

    def history(self, str field, int n) -> np.ndarray:
        """The last ``n`` rows of ``field`` before the decision date (rows t-n .. t-1), read-only."""
        if field not in self._arrays:
            raise KeyError(f"unknown field {field!r}; one of {sorted(self._arrays)}")
        if n < 1:
            raise ValueError("n must be >= 1")
        lo = max(0, self.t - n)
        # a copy, not a view: a view's .base would reach the rows from t on
        return np.array(self._arrays[field][lo:self.t])

    def history_dates(self, int n) -> list:
        lo = max(0, self.t - n)
        return [_EPOCH + _dt.timedelta(days=int(d)) for d in np.asarray(self.dates[lo:self.t])]

    def bar(self, str instrument, object day) -> dict:
        """One instrument's bar on ``day``; only days before the decision date are allowed."""
        cdef int i = self._instruments.index(instrument)
        cdef int d = (day - _EPOCH).days
        if d >= self.dates[self.t]:
            raise LookAheadError(f"{instrument} on {day}: the decision date is {self.current_date}; only earlier bars are visible")
        idx = int(np.searchsorted(np.asarray(self.dates), d))
        if idx >= self.T or self.dates[idx] != d:
            raise KeyError(f"{day} is not a trading day of the loaded range")
        return {f: float(self._arrays[f][idx, i]) for f in FIELDS}

    def advance(self) -> bool:
        """Move to the next day; False at the end."""
        if self.t + 1 >= self.T:
            return False
        self.t += 1
        return True
