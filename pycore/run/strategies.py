"""Strategies: objects with ``target_positions_fn(date) -> {instrument_id: weight}``.

``US_CORE_LONG_EQ`` (the seed's core long-only equity sleeve) is assembled from
three engines:
- Assessment (SQL, ``core.run_assessment``): 12-1 momentum, 60-day volatility and
  a composite rank per instrument and decision date, from prices dated before it;
- Universe (SQL, ``core.run_universe``): the liquid, priced, seasoned names;
- Portfolio (compiled, ``pycore_ext.portfolio.build_weights``): top-K by score,
  equal or inverse-volatility weights, name and sector caps.
The SQL engines run once per backtest over all decision dates (set-based); the run
service (:func:`pycore.run.service.fetch_strategy_inputs`) reads their rows into
:class:`StrategyInputs` and hands them to the strategy, which serves each decision
date from them. Nothing in this module touches the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np

from pycore.data.marketdata import MarketData
from pycore.run.config import StrategyConfig
from pycore_ext.portfolio import build_weights


@dataclass(frozen=True)
class StrategyInputs:
    """What the engines computed for a run, as a strategy reads it."""

    scores: list[tuple[dt.date, str, float, float | None]]
    """(decision date, instrument, composite score, volatility), ordered by date and instrument"""
    universe: frozenset[tuple[dt.date, str]]
    """(decision date, instrument) of every universe member"""
    regimes: dict[dt.date, str]
    """the market regime label in force at each decision date (empty when regime scaling is off)"""
    market: MarketData | None = None
    """the run's market data (dense sessions x names arrays, lookback included): a strategy that ranks on prices
    reads them here instead of reading the market again"""


@dataclass
class _Book:
    names: list[str]
    scores: np.ndarray
    vols: np.ndarray
    sectors: np.ndarray
    universe_size: int
    scored: int
    regime: str | None = None


class CoreLongEquity:
    """US_CORE_LONG_EQ: momentum / low-volatility composite over a liquid universe."""

    engine_name = "US_CORE_LONG_EQ"

    def __init__(
        self,
        cfg: StrategyConfig,
        run_id: uuid.UUID | None,
        decision_dates: list[dt.date],
        sectors: dict[str, str],
        inputs: StrategyInputs,
    ) -> None:
        self.cfg = cfg
        self.run_id = run_id
        sector_codes = {s: k for k, s in enumerate(sorted(set(sectors.values())))}
        universe_sizes: dict[dt.date, int] = {}
        for day, _name in inputs.universe:
            universe_sizes[day] = universe_sizes.get(day, 0) + 1
        by_date: dict[dt.date, list[tuple[str, float, float | None]]] = {}
        scored: dict[dt.date, int] = {}
        for day, name, score, vol in inputs.scores:
            scored[day] = scored.get(day, 0) + 1
            if (day, name) in inputs.universe:
                by_date.setdefault(day, []).append((name, score, vol))
        self.books: dict[dt.date, _Book] = {}
        self.selected: dict[dt.date, int] = {}
        for day in decision_dates:
            picks = by_date.get(day, [])
            self.books[day] = _Book(
                names=[p[0] for p in picks],
                scores=np.array([p[1] for p in picks], dtype=np.float64),
                vols=np.array([p[2] if p[2] is not None else np.nan for p in picks], dtype=np.float64),
                sectors=np.array([sector_codes[sectors[p[0]]] for p in picks], dtype=np.int32),
                universe_size=int(universe_sizes.get(day, 0)),
                scored=scored.get(day, 0),
                regime=inputs.regimes.get(day),
            )

    def regime_scale(self, book: _Book | None) -> float:
        """The gross exposure multiplier in force for a book's regime (1 when regime scaling is off)."""
        p = self.cfg.portfolio
        if p.regime_scaling and book is not None and book.regime is not None:
            return float(p.regime_scaling.get(book.regime, 1.0))  # type: ignore[call-overload]
        return 1.0

    def target_positions_fn(self, day: dt.date) -> dict[str, float]:
        book = self.books.get(day)
        if book is None or not book.names:
            self.selected[day] = 0
            return {}
        p = self.cfg.portfolio
        w = build_weights(book.scores, book.vols, book.sectors, p.top_k, p.weighting, p.max_weight, p.sector_cap)
        scale = self.regime_scale(book)
        targets = {book.names[k]: float(w[k]) * scale for k in range(len(book.names)) if w[k] > 0}
        self.selected[day] = len(targets)
        return targets

    def optimization_params(self, day: dt.date) -> dict[str, Any]:
        """The portfolio-construction parameters behind the target of ``day`` (stored with it)."""
        book = self.books.get(day)
        p = self.cfg.portfolio
        return {
            "method": "TOP_K_SCORE",
            "top_k": p.top_k,
            "weighting": p.weighting,
            "max_weight": p.max_weight,
            "sector_cap": p.sector_cap,
            "rebalance": p.rebalance,
            "regime": book.regime if book else None,
            "regime_scale": self.regime_scale(book),
            "candidates": len(book.names) if book else 0,
            "selected": self.selected.get(day, 0),
        }

    def decision_context(self, day: dt.date) -> dict[str, Any]:
        book = self.books.get(day)
        return {
            "engine": self.engine_name,
            "as_of_date": day.isoformat(),
            "scores_run_id": str(self.run_id),
            "universe_size": book.universe_size if book else 0,
            "scored_instruments": book.scored if book else 0,
            "regime": book.regime if book else None,
        }


STRATEGY_CLASSES: dict[str, type[CoreLongEquity]] = {"US_CORE_LONG_EQ": CoreLongEquity}


def make_strategy(
    cfg: StrategyConfig,
    run_id: uuid.UUID,
    decision_dates: list[dt.date],
    sectors: dict[str, str],
    inputs: StrategyInputs,
) -> CoreLongEquity:
    """The built-in strategy of ``cfg.strategy_id``, built from its engines' inputs; LookupError for any other id
    (never a fallback: other strategies are built from the registry, :mod:`pycore.run.registry`)."""
    cls = STRATEGY_CLASSES.get(cfg.strategy_id)
    if cls is None:
        raise LookupError(f"{cfg.strategy_id} is not a built-in strategy; built-ins: {', '.join(STRATEGY_CLASSES)}")
    return cls(cfg, run_id, decision_dates, sectors, inputs)
