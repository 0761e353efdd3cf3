"""Run metrics with empyrical's conventions (empyrical-reloaded 0.7, as pyfolio uses).

Daily simple returns of the equity curve (the first day against the initial
capital); 252 periods a year; sample standard deviation (ddof=1); risk-free rate
0 (empyrical's default); maximum drawdown on wealth that starts at 1, so a loss
on the first day counts. The SQL function ``core.run_metrics`` computes the same
numbers from ``runtime.backtest_daily_equity``.

Keys are the seed's: ``cumulative_return``, ``annualized_return`` (the CAGR, also
as ``cagr``), ``annualized_volatility`` (also as ``annual_volatility``),
``sharpe_ratio``, ``sortino_ratio``, ``calmar_ratio``, ``max_drawdown``, plus
``annual_turnover``, ``hit_rate``, ``trade_count``, ``closing_trades``, ``days``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

PERIODS = 252


def _clean(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def compute_metrics(
    returns: Sequence[float] | np.ndarray,
    *,
    traded_value: float = 0.0,
    mean_equity: float | None = None,
    trade_count: int = 0,
    closing_trades: int = 0,
    winning_trades: int = 0,
) -> dict[str, float | int | None]:
    r = np.asarray(returns, dtype=np.float64)
    n = len(r)
    out: dict[str, float | int | None] = {"days": n, "trade_count": trade_count}
    if n == 0:
        return out
    wealth = np.cumprod(1.0 + r)
    cum = wealth[-1] - 1.0
    cagr = wealth[-1] ** (PERIODS / n) - 1.0
    std = float(np.std(r, ddof=1)) if n > 1 else float("nan")
    vol = std * math.sqrt(PERIODS)
    mean = float(np.mean(r))
    sharpe = mean / std * math.sqrt(PERIODS) if std > 0 else float("nan")
    downside = math.sqrt(float(np.mean(np.minimum(r, 0.0) ** 2))) * math.sqrt(PERIODS)
    sortino = mean * PERIODS / downside if downside > 0 else float("nan")
    peak = np.maximum.accumulate(np.concatenate(([1.0], wealth)))
    mdd = float(np.min(np.concatenate(([1.0], wealth)) / peak - 1.0))
    calmar = cagr / abs(mdd) if mdd < 0 else float("nan")
    years = n / PERIODS
    turnover = traded_value / 2.0 / mean_equity / years if mean_equity and years > 0 else float("nan")
    out.update(
        cumulative_return=_clean(cum),
        cagr=_clean(cagr),
        annualized_return=_clean(cagr),
        annual_volatility=_clean(vol),
        annualized_volatility=_clean(vol),
        sharpe_ratio=_clean(sharpe),
        sortino_ratio=_clean(sortino),
        max_drawdown=_clean(mdd),
        calmar_ratio=_clean(calmar),
        annual_turnover=_clean(turnover),
        hit_rate=_clean(winning_trades / closing_trades) if closing_trades else None,
        closing_trades=closing_trades,
    )
    return out
