"""The point-in-time accessor and the guard around user strategies, without a database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from pycore.data.marketdata import MarketData
from pycore.run.config import ConfigError
from pycore.run.examples import CrossSectionalMomentum, MomentumParams
from pycore.run.pit import LookAheadError, PointInTime
from pycore.run.registry import (
    GuardedStrategy,
    StrategyFailed,
    StrategySpec,
    UnknownStrategy,
    config_schema,
    parse_strategy_config,
    resolve_code,
)
from pycore_ext.copybuf import date_to_pg

DATES = [dt.date(2021, 1, 4) + dt.timedelta(days=k) for k in range(10)]


def market() -> MarketData:
    n = len(DATES)
    close = np.column_stack([np.arange(1.0, n + 1), np.arange(1.0, n + 1) * 2, np.full(n, 5.0)])
    arrays = {f: close.copy() for f in ("open", "high", "low", "close", "adj_close")}
    arrays.update(volume=np.full((n, 3), 1e3), dividend=np.zeros((n, 3)), split=np.ones((n, 3)))
    us = np.arange(n, dtype=np.int64)
    return MarketData("US_EQ", ["A", "B", "C"], ["Energy", "Energy", "Utilities"],
                      np.array([date_to_pg(d) for d in DATES], dtype=np.int32), 1, arrays, us, us)


def test_the_accessor_shows_only_rows_before_the_decision_date() -> None:
    data = PointInTime(market())
    data.set_decision_date(DATES[5])
    h = data.history("close", 3)
    assert h.dates == tuple(DATES[2:5]) and h.values[-1].tolist() == [5.0, 10.0, 5.0]
    assert not h.values.flags.writeable, "a strategy cannot write into the panel"
    assert data.history("close", 100).dates == tuple(DATES[:5]), "never more than what is before"
    assert data.bar("A", DATES[4])["close"] == 5.0
    with pytest.raises(LookAheadError):
        data.bar("A", DATES[5])
    with pytest.raises(LookAheadError):
        data.window("close", DATES[0], DATES[5])
    assert data.window("close", DATES[1], DATES[3]).dates == tuple(DATES[1:4])
    assert data.returns(2).values[-1, 0] == pytest.approx(5 / 4 - 1)
    assert data.momentum(4, 1) == pytest.approx({"A": 4 / 2 - 1, "B": 8 / 4 - 1, "C": 0.0})


class Returns:
    def __init__(self, value: Any) -> None:
        self.value = value

    def target_positions_fn(self, day: dt.date) -> Any:
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


@pytest.mark.parametrize(("value", "message"), [
    (RuntimeError("boom"), "RuntimeError: boom"),
    ({"Z": 0.1}, "unknown instrument 'Z'"),
    ({"A": float("nan")}, "weight of A is nan"),
    ({"A": -0.1}, "weight of A is -0.1"),
    ({"A": 0.6, "B": 0.5}, "weights sum to 1.100000, above the gross limit params.max_gross = 1.0"),
    (DATES[3], "returned date 2021-01-07, not a mapping"),
    ({"A": DATES[3]}, "weight of A is date 2021-01-07, not a number"),
    ({"A": True}, "weight of A is bool True, not a number"),
])
def test_the_guard_turns_every_fault_into_a_failure_with_the_date(value: Any, message: str) -> None:
    data = PointInTime(market())
    guard = GuardedStrategy("T", Returns(value), data, 1.0)
    with pytest.raises(StrategyFailed) as err:
        guard.target_positions_fn(DATES[5])
    assert str(err.value).startswith(f"strategy T on {DATES[5]}: {message}")


def test_the_guard_passes_good_targets_and_remembers_them() -> None:
    data = PointInTime(market())
    guard = GuardedStrategy("T", Returns({"A": 0.5, "B": 0}), data, 1.0)
    assert guard.target_positions_fn(DATES[3]) == {"A": 0.5}
    data.set_decision_date(DATES[6])
    assert data.previous_targets() == {"A": 0.5}


def test_params_are_validated_with_their_path_and_the_schema_has_them() -> None:
    spec = StrategySpec("XMOM50", "PYTHON", "pycore.run.examples:CrossSectionalMomentum", None)
    cfg = parse_strategy_config(None, spec, {"strategy_id": "XMOM50"}, {"params": {"top_n": 20}})
    assert cfg.params.top_n == 20  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match=r"params\.top_n"):
        parse_strategy_config(None, spec, {"strategy_id": "XMOM50"}, {"params": {"top_n": 0}})
    with pytest.raises(ConfigError, match=r"params\.lookback_days"):
        parse_strategy_config(None, spec, {"strategy_id": "XMOM50"}, {"params": {"lookback_days": 10.5}})
    assert config_schema(MomentumParams)["properties"]["params"]


def test_code_is_found_by_module_and_refused_when_missing() -> None:
    assert resolve_code("pycore.run.examples:CrossSectionalMomentum") is CrossSectionalMomentum
    with pytest.raises(UnknownStrategy):
        resolve_code("no_such_module_here:X")
    with pytest.raises(UnknownStrategy):
        resolve_code("entry_point:no_such_entry_point")
    with pytest.raises(UnknownStrategy):
        resolve_code("/nonexistent/file.py:X")


def test_a_campaign_varies_a_user_strategy_s_own_params() -> None:
    from pycore.jobs.campaign import DEFAULT_VARIANTS, variants_for

    assert variants_for(None) == DEFAULT_VARIANTS, "the built-in keeps its variants"
    defensive = {"portfolio": {"regime_scaling": {"CALM_BEAR": 0.5, "VOLATILE_BEAR": 0.5, "CRISIS": 0.5}}}
    assert variants_for({"top_n": 50, "max_gross": 1.0}) == {
        "base": {}, "concentrated": {"params": {"top_n": 25}}, "defensive": defensive}
    assert variants_for({"n": 20}) == {"base": {}, "defensive": defensive}
