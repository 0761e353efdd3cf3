"""Example strategies that ship with the platform (registered by ``schema/data_strategies_builtin``).

* ``XMOM50``: cross-sectional 12-1 momentum, the top 50 names, equal weight (Python);
* ``SECTOR_MOM3``: the three GICS sectors with the best average 12-1 momentum, equal weight per sector and within
  it over its most liquid names (Python);
* ``LOWVOL100``: the 100 least volatile liquid names, inverse-volatility weights, written in SQL
  (``strategies.lowvol100``); :class:`LowVolParams` is its parameter model, the schema the registry stores.

Each reads the market only through its :class:`~pycore.run.pit.PointInTime` accessor (or the ``pit`` views), so
decisions use data dated strictly before the decision date.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from pycore.run.pit import PointInTime
from pycore.run.registry import BaseStrategy, StrategyParams


class MomentumParams(StrategyParams):
    top_n: int = Field(50, ge=1, le=500, description="names held")
    lookback_days: int = Field(252, ge=22, le=504, description="sessions back for the momentum start")
    skip_days: int = Field(21, ge=0, le=63, description="most recent sessions left out (the 1 of 12-1)")
    min_price: float = Field(5.0, ge=0, description="last close must be at least this")


def tradable(data: PointInTime, min_price: float) -> set[str]:
    """Names with a last close (the session before the decision) of at least ``min_price``."""
    return {name for name, px in data.close(1).last().items() if px >= min_price}


class CrossSectionalMomentum(BaseStrategy):
    """XMOM50: rank every name by its 12-1 total return, hold the top 50 at equal weight."""

    Params: ClassVar[type[StrategyParams]] = MomentumParams
    lookback_days: ClassVar[int] = 505
    description: ClassVar[str] = (
        "Cross-sectional 12-1 momentum: the top 50 names by total return from 12 to 1 months back, equal weight, monthly."
    )

    def __init__(self, params: MomentumParams, data: PointInTime) -> None:
        super().__init__(params, data)
        self.params: MomentumParams = params
        self.last_ranked = 0

    def target_positions_fn(self, day: dt.date) -> dict[str, float]:
        p = self.params
        mom = self.data.momentum(p.lookback_days, p.skip_days)
        ok = tradable(self.data, p.min_price)
        ranked = sorted(((-m, name) for name, m in mom.items() if name in ok))
        self.last_ranked = len(ranked)
        picks = [name for _, name in ranked[: p.top_n]]
        return {name: p.max_gross / len(picks) for name in picks} if picks else {}

    def decision_context(self, day: dt.date) -> dict[str, Any]:
        return {"ranked": self.last_ranked}

    def optimization_params(self, day: dt.date) -> dict[str, Any]:
        return {"method": "TOP_N_MOMENTUM", **self.params.model_dump()}


class SectorMomentumParams(StrategyParams):
    sectors: int = Field(3, ge=1, le=11, description="sectors held")
    names_per_sector: int = Field(20, ge=1, le=200, description="most liquid names held per sector")
    lookback_days: int = Field(252, ge=22, le=504)
    skip_days: int = Field(21, ge=0, le=63)
    liquidity_window_days: int = Field(60, ge=5, le=252)
    min_price: float = Field(5.0, ge=0)


class SectorMomentum(BaseStrategy):
    """SECTOR_MOM3: the best three GICS sectors by the mean 12-1 momentum of their names; each sector gets an equal
    share, split equally over its most liquid names."""

    Params: ClassVar[type[StrategyParams]] = SectorMomentumParams
    lookback_days: ClassVar[int] = 505
    description: ClassVar[str] = (
        "Sector momentum: the three GICS sectors with the best mean 12-1 momentum, equal weight per sector and within it (20 most liquid names each), monthly."
    )

    def __init__(self, params: SectorMomentumParams, data: PointInTime) -> None:
        super().__init__(params, data)
        self.params: SectorMomentumParams = params
        self.chosen: list[str] = []

    def target_positions_fn(self, day: dt.date) -> dict[str, float]:
        p, data = self.params, self.data
        mom = data.momentum(p.lookback_days, p.skip_days)
        ok = tradable(data, p.min_price)
        sector_of = data.sectors()
        by_sector: dict[str, list[str]] = {}
        for name in sorted(mom):
            if name in ok:
                by_sector.setdefault(sector_of[name], []).append(name)
        if not by_sector:
            self.chosen = []
            return {}
        score = {s: float(np.mean([mom[n] for n in names])) for s, names in by_sector.items()}
        self.chosen = sorted(score, key=lambda s: (-score[s], s))[: p.sectors]
        dv = data.dollar_volume(p.liquidity_window_days)
        targets: dict[str, float] = {}
        for s in self.chosen:
            names = sorted(by_sector[s], key=lambda n: (-dv.get(n, 0.0), n))[: p.names_per_sector]
            for n in names:
                targets[n] = p.max_gross / len(self.chosen) / len(names)
        return targets

    def decision_context(self, day: dt.date) -> dict[str, Any]:
        return {"sectors": self.chosen}


class LowVolParams(StrategyParams):
    """Parameters of LOWVOL100 (the SQL function ``strategies.lowvol100`` reads them from its params)."""

    top_n: int = Field(100, ge=1, le=500, description="names held")
    window_days: int = Field(60, ge=20, le=252, description="sessions of daily returns for volatility")
    min_price: float = Field(5.0, ge=0, description="last close must be at least this")
    liquidity_top_n: int = Field(300, ge=1, le=5000, description="candidates: the most liquid by dollar volume")


# id -> (kind, code, params model, description): the example strategies of every fresh database
EXAMPLES: dict[str, tuple[str, str, type[StrategyParams], str]] = {
    "XMOM50": (
        "PYTHON",
        "pycore.run.examples:CrossSectionalMomentum",
        MomentumParams,
        CrossSectionalMomentum.description,
    ),
    "SECTOR_MOM3": ("PYTHON", "pycore.run.examples:SectorMomentum", SectorMomentumParams, SectorMomentum.description),
    "LOWVOL100": (
        "SQL",
        "strategies.lowvol100",
        LowVolParams,
        "Low volatility: the 100 least volatile of the 300 most liquid names over 60 sessions, inverse-volatility weights, monthly (SQL).",
    ),
}


BUILTIN_SQL_FILE = "db/schema/data_strategies_builtin.sql"


def _dollar(text: str) -> str:
    assert "$json$" not in text
    return f"$json${text}$json$::jsonb"


def builtin_strategies_sql() -> str:
    """The sqitch deploy script ``schema/data_strategies_builtin``, generated from :data:`EXAMPLES`."""
    from pycore.run.registry import config_model, config_schema

    rows, configs = [], []
    for sid, (kind, code, params, description) in EXAMPLES.items():
        schema = json.dumps(config_schema(params), sort_keys=True)
        cfg = config_model(params).model_validate({"strategy_id": sid}).model_dump(mode="json")
        desc = description.replace("'", "''")
        rows.append(f"('{sid}', '{kind}', '{code}', {_dollar(schema)},\n '{desc}', 'sqitch')")
        configs.append(f"('{sid}', 1, true, 'sqitch', {_dollar(json.dumps(cfg, sort_keys=True))})")
    sep = ",\n"
    return f"""-- Deploy prometheus:schema/data_strategies_builtin to pg
-- GENERATED from pycore.run.examples by `python -m pycore.config schema-sql --write`: do not edit by hand.
-- The example strategies of every fresh database (registry rows and config version 1), and the built-in's
-- parameter schema stored in the registry. A unit test fails when this file and the models differ.
begin;

update runtime.strategies set config_schema = core.strategy_config_schema()
 where strategy_id = 'US_CORE_LONG_EQ' and config_schema is null;

insert into runtime.strategies (strategy_id, kind, code, config_schema, description, created_by) values
{sep.join(rows)}
on conflict do nothing;

insert into runtime.strategy_configs (strategy_id, version, is_active, created_by, config_json) values
{sep.join(configs)}
on conflict do nothing;

commit;
"""
