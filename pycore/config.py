"""Frozen, validated configuration models: the only shapes the core ever sees.

A strategy's configuration lives in ``runtime.strategy_configs.config_json``; a
run may override parts of it. Both pass through :class:`StrategyConfig`, so a bad
value is refused with the field's path before anything is computed or written.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AssessmentConfig(_Frozen):
    """Scores from price history only (SQL engine ``core.run_assessment``)."""

    momentum_lookback_days: int = Field(252, ge=21, le=756, description="sessions back for the momentum start")
    momentum_skip_days: int = Field(21, ge=0, le=63, description="most recent sessions left out (12-1 momentum)")
    volatility_window_days: int = Field(60, ge=10, le=252, description="sessions of daily returns for volatility")
    momentum_weight: float = Field(0.7, ge=0, le=1, description="weight of the momentum rank in the composite; the rest is low volatility")

    @model_validator(mode="after")
    def _skip_below_lookback(self) -> AssessmentConfig:
        if self.momentum_skip_days >= self.momentum_lookback_days:
            raise ValueError("momentum_skip_days must be less than momentum_lookback_days")
        return self


class UniverseConfig(_Frozen):
    """Liquid, priced, listed instruments (SQL engine ``core.run_universe``)."""

    top_n_liquidity: int = Field(200, ge=1, le=5000, description="keep the N most liquid by average dollar volume")
    liquidity_window_days: int = Field(60, ge=5, le=252)
    min_price: float = Field(5.0, ge=0, description="last close must be at least this")
    min_history_days: int = Field(252, ge=1, le=5000, description="sessions of price history required")
    max_fragility: float | None = Field(None, gt=0, le=1, description="exclude instruments whose fragility score is above this (off when null)")


class PortfolioConfig(_Frozen):
    top_k: int = Field(50, ge=1, le=1000)
    weighting: Literal["EQUAL", "INVERSE_VOL"] = "EQUAL"
    max_weight: float = Field(0.05, gt=0, le=1)
    sector_cap: float = Field(0.30, gt=0, le=1)
    rebalance: Literal["MONTHLY", "EVERY_N_DAYS"] = "MONTHLY"
    rebalance_every_n_days: int = Field(21, ge=1, le=252)
    regime_scaling: dict[str, float] | None = Field(
        None, description="gross exposure multiplier per regime label, e.g. {'CRISIS': 0.3} (off when null)"
    )

    @field_validator("regime_scaling")
    @classmethod
    def _scales_in_range(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is not None:
            for label, scale in v.items():
                if not 0 <= scale <= 1:
                    raise ValueError(f"scale for {label} must be in [0, 1], got {scale}")
        return v


class CommissionConfig(_Frozen):
    type: Literal["per_share", "bps"] = "per_share"
    rate: float = Field(0.005, ge=0, le=10_000, description="$ per share (per_share) or basis points of notional (bps)")
    minimum: float = Field(1.0, ge=0, le=10_000, description="minimum commission per fill, $")


class ExecutionConfig(_Frozen):
    price_model: Literal["close", "next_open"] = "close"
    commission: CommissionConfig = CommissionConfig()
    slippage_bps: float = Field(5.0, ge=0, le=1000)
    impact_bps: float = Field(100.0, ge=0, le=100_000, description="extra bps for trading 100% of the day's volume")
    volume_cap: float = Field(0.1, gt=0, le=1, description="max fraction of the day's volume one order may fill")
    min_trade_value: float = Field(1000.0, ge=0, description="$ below which a rebalance trade is skipped (closing trades never)")


class StrategyConfig(_Frozen):
    """The full configuration of a strategy, as stored in runtime.strategy_configs."""

    strategy_id: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,63}$")
    market_id: str = Field("US_EQ", pattern=r"^[A-Z][A-Z0-9_]{1,31}$")
    portfolio_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    initial_capital: float = Field(1_000_000.0, gt=0, le=1e12)
    assessment: AssessmentConfig = AssessmentConfig()
    universe: UniverseConfig = UniverseConfig()
    portfolio: PortfolioConfig = PortfolioConfig()
    execution: ExecutionConfig = ExecutionConfig()


class ConfigError(ValueError):
    """A configuration is invalid; the message names the field."""


def describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "config"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def parse_config(data: dict[str, Any], overrides: dict[str, Any] | None = None) -> StrategyConfig:
    try:
        return StrategyConfig.model_validate(deep_merge(data, overrides or {}))
    except ValidationError as exc:
        raise ConfigError(f"invalid strategy config: {describe(exc)}") from None


def config_json(cfg: StrategyConfig) -> str:
    return json.dumps(cfg.model_dump(mode="json"), sort_keys=True)


class BacktestRequest(_Frozen):
    """What a run is asked for (CLI, Python API, job parameters)."""

    strategy_id: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,63}$")
    start_date: dt.date
    end_date: dt.date
    market_ids: tuple[str, ...] = Field(min_length=1)
    portfolio_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    config_overrides: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _dates_in_order(self) -> BacktestRequest:
        if self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self


# The strategy every fresh database knows: the seed's US core long-only equity sleeve.
DEFAULT_STRATEGIES: dict[str, dict[str, Any]] = {
    "US_CORE_LONG_EQ": StrategyConfig(strategy_id="US_CORE_LONG_EQ", portfolio_id="US_CORE_LONG_EQ").model_dump(mode="json"),
}
