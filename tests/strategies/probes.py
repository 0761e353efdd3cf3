"""Python strategies that misbehave on purpose, each on its third decision (earlier ones hold one name)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from pydantic import Field

from pycore.run.registry import BaseStrategy, StrategyParams


class ProbeParams(StrategyParams):
    mode: str = Field("ok", description="what to do wrong on the third decision")
    fail_at: int = Field(3, ge=1)


class Probe(BaseStrategy):
    Params: ClassVar[type[StrategyParams]] = ProbeParams
    lookback_days: ClassVar[int] = 30

    def __init__(self, params: Any, data: Any) -> None:
        super().__init__(params, data)
        self.calls = 0

    def target_positions_fn(self, day: dt.date) -> Any:
        self.calls += 1
        mode = self.params.mode
        if self.calls < self.params.fail_at or mode == "ok":
            return {"AAPL": 0.5}
        if mode == "lookahead":  # the decision date's own close
            return {"AAPL": self.data.bar("AAPL", day)["close"] / 1e6}
        if mode == "lookahead_window":
            return {"AAPL": float(self.data.window("close", day - dt.timedelta(days=10), day).values[-1, 0])}
        if mode == "raise":
            raise RuntimeError("the model diverged")
        if mode == "unknown":
            return {"NOT_A_TICKER": 0.1}
        if mode == "nan":
            return {"AAPL": float("nan")}
        if mode == "gross":
            return {"AAPL": 0.7, "MSFT": 0.7}
        if mode == "date":
            return day
        if mode == "date_weight":
            return {"AAPL": day}
        raise AssertionError(mode)


class Peek(BaseStrategy):
    """Records what the accessor shows at each decision (the last session it can see)."""

    lookback_days: ClassVar[int] = 30
    seen: ClassVar[list[tuple[dt.date, dt.date]]] = []

    def target_positions_fn(self, day: dt.date) -> dict[str, float]:
        last = self.data.history("close", 5).dates[-1]
        Peek.seen.append((day, last))
        return {"AAPL": 0.2}
