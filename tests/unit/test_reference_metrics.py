"""The Python metrics reference (tests/reference_metrics.py) follows empyrical: the SQL metrics are held to it."""

from __future__ import annotations

import empyrical
import numpy as np
import pytest

from tests.reference_metrics import compute_metrics


@pytest.fixture(params=["mixed", "first_day_loss", "losing"])
def returns(request: pytest.FixtureRequest) -> np.ndarray:
    rng = np.random.default_rng(20261130)
    r = rng.normal(0.0004, 0.012, 750)
    if request.param == "first_day_loss":
        r[0] = -0.05  # the drawdown counts from a starting wealth of 1
    if request.param == "losing":
        r = r - 0.002
    return r


def test_the_reference_equals_empyrical(returns: np.ndarray) -> None:
    m = compute_metrics(returns)
    assert m["sharpe_ratio"] == pytest.approx(empyrical.sharpe_ratio(returns), rel=1e-9)
    assert m["sortino_ratio"] == pytest.approx(empyrical.sortino_ratio(returns), rel=1e-9)
    assert m["annualized_volatility"] == pytest.approx(empyrical.annual_volatility(returns), rel=1e-9)
    assert m["annualized_return"] == pytest.approx(empyrical.annual_return(returns), rel=1e-9)
    assert m["max_drawdown"] == pytest.approx(empyrical.max_drawdown(returns), rel=1e-9)
    assert m["calmar_ratio"] == pytest.approx(empyrical.calmar_ratio(returns), rel=1e-9)
    assert m["cumulative_return"] == pytest.approx(empyrical.cum_returns_final(returns), rel=1e-9)
    assert m["cagr"] == m["annualized_return"] and m["annual_volatility"] == m["annualized_volatility"]
    assert m["days"] == len(returns)


def test_turnover_hit_rate_and_undefined_values() -> None:
    m = compute_metrics([0.01, -0.02, 0.03], traded_value=40.0, mean_equity=100.0, trade_count=3, closing_trades=2,
                        winning_trades=1)
    assert m["annual_turnover"] == pytest.approx(40.0 / 2 / 100.0 / (3 / 252))
    assert m["hit_rate"] == 0.5 and m["trade_count"] == 3 and m["closing_trades"] == 2
    one_day = compute_metrics([0.02], trade_count=1)
    assert one_day["annualized_volatility"] is None and one_day["sharpe_ratio"] is None, "one day has no volatility"
    assert one_day["sortino_ratio"] is None and one_day["hit_rate"] is None, "no losing day, no SELL"
    assert compute_metrics([], trade_count=0) == {"days": 0, "trade_count": 0}
