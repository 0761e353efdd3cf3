"""The point-in-time data accessor a Python strategy is given.

A strategy sees the market through a :class:`PointInTime`: prices, returns, volumes, sectors, simple features, the
market regime and its own previous targets, all dated strictly before the decision date the runner is at. Asking for
anything dated on or after it raises :class:`LookAheadError` (never data). The accessor reads the market data panel
the run already loaded (:class:`pycore.data.marketdata.MarketData`); the arrays it returns are read-only views that
end the session before the decision date.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from pycore.data.marketdata import MarketData
from pycore_ext.copybuf import pg_to_date
from pycore_ext.timemachine import LookAheadError

__all__ = ["FIELDS", "LookAheadError", "PointInTime", "Window"]

FIELDS = ("open", "high", "low", "close", "adj_close", "volume")
"""the price fields of :meth:`PointInTime.history` (``adj_close``: split- and dividend-adjusted, for returns)"""


@dataclass(frozen=True)
class Window:
    """Rows of a panel: one per session (oldest first), one column per instrument (NaN where it had no bar)."""

    dates: tuple[dt.date, ...]
    instruments: tuple[str, ...]
    values: np.ndarray
    """shape (len(dates), len(instruments)), read-only"""

    def last(self) -> dict[str, float]:
        """The last row as {instrument: value}, instruments without a value left out."""
        if not self.dates:
            return {}
        row = self.values[-1]
        return {name: float(v) for name, v in zip(self.instruments, row, strict=True) if np.isfinite(v)}


class PointInTime:
    """Market data as of the decision date: everything dated strictly before it, nothing else."""

    def __init__(self, md: MarketData, regime_fn: Callable[[dt.date], str | None] | None = None) -> None:
        self._md = md
        self._dates = [pg_to_date(int(d)) for d in md.dates]
        self._index = {d: t for t, d in enumerate(self._dates)}
        self._instruments = tuple(md.instruments)
        self._sectors = dict(zip(md.instruments, md.sectors, strict=True))
        self._regime_fn = regime_fn
        self._t = md.start_index
        self._targets: dict[dt.date, dict[str, float]] = {}

    # --- the runner's side ---------------------------------------------------------------------------------------

    def set_decision_date(self, day: dt.date) -> None:
        """Move to the decision date ``day`` (a session of the panel); called by the runner before each decision."""
        t = self._index.get(day)
        if t is None:
            raise LookAheadError(f"{day} is not a session of the loaded data")
        self._t = t

    def record_targets(self, day: dt.date, targets: Mapping[str, float]) -> None:
        self._targets[day] = dict(targets)

    # --- the strategy's side -------------------------------------------------------------------------------------

    @property
    def as_of(self) -> dt.date:
        """The decision date: data dated on or after it is refused."""
        return self._dates[self._t]

    @property
    def instruments(self) -> tuple[str, ...]:
        """Every instrument of the run's market (columns of each :class:`Window`)."""
        return self._instruments

    def sectors(self) -> dict[str, str]:
        """GICS sector by instrument."""
        return dict(self._sectors)

    def sessions(self, n: int) -> tuple[dt.date, ...]:
        """The last ``n`` sessions before the decision date (fewer when the loaded history is shorter)."""
        lo = max(0, self._t - n)
        return tuple(self._dates[lo : self._t])

    def history(self, field: str, n: int) -> Window:
        """``field`` over the last ``n`` sessions before the decision date."""
        if field not in FIELDS:
            raise ValueError(f"unknown field {field!r}; fields: {', '.join(FIELDS)}")
        if n < 1:
            raise ValueError("n must be at least 1")
        lo = max(0, self._t - n)
        view = self._md.arrays[field][lo : self._t]
        view = view.view()
        view.flags.writeable = False
        return Window(tuple(self._dates[lo : self._t]), self._instruments, view)

    def window(self, field: str, start: dt.date, end: dt.date) -> Window:
        """``field`` over the sessions from ``start`` to ``end`` inclusive; ``end`` must be before the decision date."""
        if end >= self.as_of:
            raise LookAheadError(
                f"{field} up to {end} asked on decision date {self.as_of}: only data before it is visible"
            )
        lo = next((t for t, d in enumerate(self._dates) if d >= start), self._t)
        hi = next((t for t, d in enumerate(self._dates) if d > end), self._t)
        return self.history(field, self._t - lo) if hi == self._t else self._slice(field, lo, hi)

    def _slice(self, field: str, lo: int, hi: int) -> Window:
        view = self._md.arrays[field][lo:hi].view()
        view.flags.writeable = False
        return Window(tuple(self._dates[lo:hi]), self._instruments, view)

    def bar(self, instrument: str, day: dt.date) -> dict[str, float]:
        """One instrument's bar of ``day`` (before the decision date)."""
        if day >= self.as_of:
            raise LookAheadError(
                f"{instrument} on {day} asked on decision date {self.as_of}: only data before it is visible"
            )
        t = self._index.get(day)
        if t is None:
            raise KeyError(f"{day} is not a loaded session")
        k = self._instruments.index(instrument)
        return {f: float(self._md.arrays[f][t, k]) for f in FIELDS}

    def close(self, n: int) -> Window:
        return self.history("close", n)

    def volumes(self, n: int) -> Window:
        return self.history("volume", n)

    def returns(self, n: int) -> Window:
        """Simple daily total returns (from adjusted closes) of the last ``n`` sessions before the decision date."""
        px = self.history("adj_close", n + 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = px.values[1:] / px.values[:-1] - 1.0
        r.flags.writeable = False
        return Window(px.dates[1:], self._instruments, r)

    def momentum(self, lookback: int = 252, skip: int = 21) -> dict[str, float]:
        """Total return from ``lookback`` to ``skip`` sessions before the decision date (12-1 momentum by default),
        for the instruments priced at both ends."""
        if not 0 <= skip < lookback:
            raise ValueError("need 0 <= skip < lookback")
        px = self.history("adj_close", lookback)
        if len(px.dates) < lookback:
            return {}
        start, end = px.values[0], px.values[lookback - 1 - skip]
        with np.errstate(invalid="ignore", divide="ignore"):
            m = end / start - 1.0
        return {name: float(v) for name, v in zip(self._instruments, m, strict=True) if np.isfinite(v)}

    def volatility(self, window: int = 60) -> dict[str, float]:
        """Standard deviation (ddof=1) of daily returns over the last ``window`` sessions, for the instruments with a
        return on each of them."""
        r = self.returns(window)
        if len(r.dates) < window:
            return {}
        ok = np.isfinite(r.values).all(axis=0)
        vol = np.full(len(self._instruments), np.nan)
        vol[ok] = r.values[:, ok].std(axis=0, ddof=1)
        return {name: float(v) for name, v in zip(self._instruments, vol, strict=True) if np.isfinite(v)}

    def dollar_volume(self, window: int = 60) -> dict[str, float]:
        """Mean close x volume over the last ``window`` sessions (sessions without a bar left out)."""
        c, v = self.history("close", window), self.history("volume", window)
        with warnings.catch_warnings():  # a name without any bar in the window has no mean: left out below
            warnings.simplefilter("ignore", RuntimeWarning)
            dv = np.nanmean(c.values * v.values, axis=0) if len(c.dates) else np.full(len(self._instruments), np.nan)
        return {name: float(x) for name, x in zip(self._instruments, dv, strict=True) if np.isfinite(x)}

    def regime(self) -> str | None:
        """The market regime label known before the decision date (``core.regime_as_of``), None when none is."""
        return self._regime_fn(self.as_of) if self._regime_fn is not None else None

    def previous_targets(self) -> dict[str, float]:
        """The targets this strategy returned at its previous decision ({} at the first)."""
        earlier = [d for d in self._targets if d < self.as_of]
        return dict(self._targets[max(earlier)]) if earlier else {}
