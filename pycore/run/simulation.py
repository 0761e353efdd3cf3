"""The one place the compiled core is assembled from a validated config.

:func:`build_simulation` turns market data, a :class:`~pycore.run.config.StrategyConfig` and a strategy into the
TimeMachine, MarketSimulator, BacktestBroker (behind its BrokerInterface), row buffers and BacktestRunner of a run;
the run service and the benchmark both use it, so a config field reaches the simulator the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pycore.data.marketdata import MarketData
from pycore.run.config import StrategyConfig, config_json
from pycore_ext.broker import BacktestBroker, RunBuffers
from pycore_ext.copybuf import pg_to_date
from pycore_ext.runner import BacktestRunner
from pycore_ext.simulator import MarketSimulator
from pycore_ext.timemachine import TimeMachine


@dataclass(frozen=True)
class Simulation:
    """The compiled pieces of one run, wired together."""

    tm: TimeMachine
    sim: MarketSimulator
    buffers: RunBuffers
    broker: BacktestBroker
    runner: BacktestRunner


def rebalance_mask(md: MarketData, cfg: StrategyConfig) -> np.ndarray:
    """1 on the sessions the strategy rebalances: the first simulated one, then every N days or each new month."""
    T = len(md.dates)
    mask = np.zeros(T, dtype=np.uint8)
    t0 = md.start_index
    if cfg.portfolio.rebalance == "EVERY_N_DAYS":
        mask[t0 :: cfg.portfolio.rebalance_every_n_days] = 1
    else:
        mask[t0] = 1
        months = [(d.year, d.month) for d in (pg_to_date(int(x)) for x in md.dates)]
        for t in range(t0 + 1, T):
            if months[t] != months[t - 1]:
                mask[t] = 1
    return mask


def build_simulator(tm: TimeMachine, cfg: StrategyConfig) -> MarketSimulator:
    """The market simulator of ``cfg``: capital, price model, commission, slippage, impact, volume cap, min trade."""
    ex = cfg.execution
    return MarketSimulator(
        tm,
        initial_cash=cfg.initial_capital,
        price_model=ex.price_model,
        commission_type=ex.commission.type,
        commission_rate=ex.commission.rate,
        commission_min=ex.commission.minimum,
        slippage_bps=ex.slippage_bps,
        impact_bps=ex.impact_bps,
        volume_cap=ex.volume_cap,
        min_trade_value=ex.min_trade_value,
    )


def build_simulation(
    md: MarketData, cfg: StrategyConfig, strategy: object, run_seq: int, mask: np.ndarray | None = None
) -> Simulation:
    """A fresh simulation of ``strategy`` under ``cfg`` over ``md`` (rebalancing on ``mask``, default
    :func:`rebalance_mask`), its rows numbered from ``run_seq``."""
    tm = md.time_machine()
    sim = build_simulator(tm, cfg)
    buffers = RunBuffers(run_seq)
    broker = BacktestBroker(sim, buffers)
    runner = BacktestRunner(
        tm, sim, broker, buffers, strategy, rebalance_mask(md, cfg) if mask is None else mask, config_json(cfg)
    )
    return Simulation(tm=tm, sim=sim, buffers=buffers, broker=broker, runner=runner)
