"""Frozen, validated configuration models: the only shapes the core ever sees.

A strategy's configuration lives in ``runtime.strategy_configs.config_json``; a
run may override parts of it. Both pass through :class:`StrategyConfig`, so a bad
value is refused with the field's path before anything is computed or written.

The models are also the one parameter schema of the database: every rule of
:class:`StrategyConfig` is a JSON-Schema keyword of ``StrategyConfig.model_json_schema()``
(cross-field rules as ``x-`` keywords, see :data:`LESS_THAN_FIELD`), and
``python -m pycore.config schema-sql --write`` writes that schema into the sqitch change
``functions/function_strategy_config_schema`` (``core.strategy_config_schema()``), which
``api.run_backtest`` checks a submission against with ``core.config_errors`` before it
queues anything. A unit test fails when the checked-in SQL and the models differ.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# JSON-Schema extension keyword of a field whose value must be less than a sibling field's (declared before it).
LESS_THAN_FIELD = "x-lessThanField"


def less_than(field: str) -> dict[str, Any]:
    """``json_schema_extra`` of a field that must be less than the sibling ``field``."""
    return {LESS_THAN_FIELD: field}


class _Config(_Frozen):
    """A part of a strategy config: strict JSON types (an integer field refuses 5.0, "5" and true; a number
    field takes integers), finite numbers, defaults validated too, and the cross-field rules declared in each
    field's schema."""

    model_config = ConfigDict(strict=True, allow_inf_nan=False, validate_default=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        names = list(cls.model_fields)
        for i, (name, info) in enumerate(cls.model_fields.items()):
            extra = info.json_schema_extra
            other = extra.get(LESS_THAN_FIELD) if isinstance(extra, dict) else None
            if other is not None and other not in names[:i]:
                raise TypeError(
                    f"{cls.__name__}.{name}: {LESS_THAN_FIELD} names {other!r}, which must be a field declared before it"
                )

    @field_validator("*", mode="after")
    @classmethod
    def _cross_field_rules(cls, value: Any, info: ValidationInfo) -> Any:
        # Fields validate in declaration order, so info.data holds the earlier fields that passed (or their defaults).
        extra = cls.model_fields[info.field_name].json_schema_extra if info.field_name else None
        other = extra.get(LESS_THAN_FIELD) if isinstance(extra, dict) else None
        if isinstance(other, str) and other in info.data and not value < info.data[other]:
            raise PydanticCustomError(
                "less_than_field", "must be less than {other} ({limit})", {"other": other, "limit": info.data[other]}
            )
        return value


class AssessmentConfig(_Config):
    """Scores from price history only (SQL engine ``core.run_assessment``)."""

    momentum_lookback_days: int = Field(252, ge=21, le=756, description="sessions back for the momentum start")
    momentum_skip_days: int = Field(
        21,
        ge=0,
        le=63,
        description="most recent sessions left out (12-1 momentum)",
        json_schema_extra=less_than("momentum_lookback_days"),
    )
    volatility_window_days: int = Field(60, ge=10, le=252, description="sessions of daily returns for volatility")
    momentum_weight: float = Field(
        0.7, ge=0, le=1, description="weight of the momentum rank in the composite; the rest is low volatility"
    )


class UniverseConfig(_Config):
    """Liquid, priced, listed instruments (SQL engine ``core.run_universe``)."""

    top_n_liquidity: int = Field(200, ge=1, le=5000, description="keep the N most liquid by average dollar volume")
    liquidity_window_days: int = Field(60, ge=5, le=252)
    min_price: float = Field(5.0, ge=0, description="last close must be at least this")
    min_history_days: int = Field(252, ge=1, le=5000, description="sessions of price history required")
    max_fragility: float | None = Field(
        None, gt=0, le=1, description="exclude instruments whose fragility score is above this (off when null)"
    )


# The labels of the regime engine (core.run_regimes, model TREND_VOL_V1).
RegimeLabel = Literal["CALM_BULL", "VOLATILE_BULL", "CALM_BEAR", "VOLATILE_BEAR", "CRISIS"]


class PortfolioConfig(_Config):
    top_k: int = Field(50, ge=1, le=1000)
    weighting: Literal["EQUAL", "INVERSE_VOL"] = "EQUAL"
    max_weight: float = Field(0.05, gt=0, le=1)
    sector_cap: float = Field(0.30, gt=0, le=1)
    rebalance: Literal["MONTHLY", "EVERY_N_DAYS"] = "MONTHLY"
    rebalance_every_n_days: int = Field(21, ge=1, le=252)
    regime_scaling: dict[RegimeLabel, Annotated[float, Field(ge=0, le=1)]] | None = Field(
        None, description="gross exposure multiplier in [0, 1] per regime label, e.g. {'CRISIS': 0.3} (off when null)"
    )


class CommissionConfig(_Config):
    type: Literal["per_share", "bps"] = "per_share"
    rate: float = Field(0.005, ge=0, le=10_000, description="$ per share (per_share) or basis points of notional (bps)")
    minimum: float = Field(1.0, ge=0, le=10_000, description="minimum commission per fill, $")


class ExecutionConfig(_Config):
    price_model: Literal["close", "next_open"] = "close"
    commission: CommissionConfig = CommissionConfig()
    slippage_bps: float = Field(5.0, ge=0, le=1000)
    impact_bps: float = Field(100.0, ge=0, le=100_000, description="extra bps for trading 100% of the day's volume")
    volume_cap: float = Field(0.1, gt=0, le=1, description="max fraction of the day's volume one order may fill")
    min_trade_value: float = Field(
        1000.0, ge=0, description="$ below which a rebalance trade is skipped (closing trades never)"
    )


class StrategyConfig(_Config):
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


def error_list(exc: ValidationError) -> list[tuple[str, str]]:
    """(field path, message) of each error, the path dotted as ``portfolio.top_k`` ("config" for the whole)."""
    return [(".".join(str(p) for p in err["loc"]) or "config", err["msg"]) for err in exc.errors()]


def describe(exc: ValidationError) -> str:
    return "; ".join(f"{loc}: {msg}" for loc, msg in error_list(exc))


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


def config_errors(doc: Any) -> list[tuple[str, str]]:
    """The errors of a whole strategy config, as core.config_errors reports them: [] when it is valid."""
    try:
        StrategyConfig.model_validate(doc)
    except ValidationError as exc:
        return error_list(exc)
    return []


# --- the parameter schema, exported to the database -------------------------------------------------------------

SCHEMA_SQL_FILE = "db/functions/function_strategy_config_schema.sql"
_ANNOTATIONS = frozenset({"title", "description"})


def _strip_annotations(node: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _ANNOTATIONS:
            continue
        if key in ("properties", "$defs"):
            out[key] = {name: _strip_annotations(sub) for name, sub in value.items()}
        elif key in ("anyOf", "allOf", "oneOf"):
            out[key] = [_strip_annotations(sub) for sub in value]
        elif key in ("additionalProperties", "propertyNames", "items") and isinstance(value, dict):
            out[key] = _strip_annotations(value)
        else:
            out[key] = value
    return out


def strategy_config_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`StrategyConfig` that the database validates with: every validation keyword
    (and ``default``), without titles and descriptions, so rewording a description changes nothing."""
    return _strip_annotations(StrategyConfig.model_json_schema())


def strategy_config_schema_sql() -> str:
    """The sqitch deploy script ``functions/function_strategy_config_schema``, generated from the models."""
    body = json.dumps(strategy_config_schema(), indent=2)
    assert "$json$" not in body
    return f"""-- Deploy prometheus:functions/function_strategy_config_schema to pg
-- GENERATED from pycore.config.StrategyConfig by `python -m pycore.config schema-sql --write`: do not edit by hand.
-- The parameter schema of a strategy config; core.config_errors checks documents against it. A unit test fails
-- when this file and the pydantic models differ.
begin;

create or replace function core.strategy_config_schema()
returns jsonb
language sql
immutable
parallel safe
set search_path = ''
as $schema$
select $json${body}$json$::jsonb
$schema$;

comment on function core.strategy_config_schema() is
'The JSON Schema of a strategy config (runtime.strategy_configs.config_json), generated from the pydantic model pycore.config.StrategyConfig: types, bounds, enums, patterns, unknown keys refused, and the cross-field rule x-lessThanField (the value must be less than the named sibling field). core.config_errors(core.strategy_config_schema(), doc) lists what is wrong with a config; api.run_backtest refuses bad config_overrides with it.';

commit;
"""


class BacktestRequest(_Frozen):
    """What a run is asked for (CLI, Python API, job parameters)."""

    strategy_id: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,63}$")
    start_date: dt.date
    end_date: dt.date
    market_ids: tuple[str, ...] = Field(min_length=1)
    portfolio_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="portfolio (book) to trade; default: the config's, else MAIN",
    )
    sleeve_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="strategy sleeve of the portfolio the run books; default: the strategy id",
    )
    config_overrides: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _dates_in_order(self) -> BacktestRequest:
        if self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self


# The portfolio a run books into when neither the request nor the strategy config names one (the seed's MAIN).
DEFAULT_PORTFOLIO_ID = "MAIN"

# The strategy every fresh database knows: the seed's US core long-only equity sleeve, booked into MAIN.
DEFAULT_STRATEGIES: dict[str, dict[str, Any]] = {
    "US_CORE_LONG_EQ": StrategyConfig(strategy_id="US_CORE_LONG_EQ", portfolio_id=DEFAULT_PORTFOLIO_ID).model_dump(
        mode="json"
    ),
}
