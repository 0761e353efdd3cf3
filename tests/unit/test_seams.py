"""I/O apart from compute: a strategy built from handed inputs, the tear sheet rendered from a value, and the one
simulator factory, all without a database."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import numpy as np
import pytest

from pycore.data.marketdata import MarketData
from pycore.run.config import StrategyConfig
from pycore.run.report import RiskSnapshot, TearSheet, monthly_returns, render_tear_sheet
from pycore.run.simulation import build_simulation, rebalance_mask
from pycore.run.strategies import StrategyInputs, make_strategy
from pycore_ext.broker import BacktestBroker, RunBuffers
from pycore_ext.copybuf import date_to_pg
from pycore_ext.runner import BacktestRunner
from pycore_ext.simulator import MarketSimulator

DAY = dt.date(2023, 2, 1)
SECTORS = {"A": "Energy", "B": "Health Care", "C": "Energy", "D": "Utilities"}


def config(**portfolio: Any) -> StrategyConfig:
    return StrategyConfig.model_validate({"strategy_id": "US_CORE_LONG_EQ", "portfolio": {
        "top_k": 2, "max_weight": 0.5, "sector_cap": 1.0, **portfolio}})


def inputs(regimes: dict[dt.date, str] | None = None) -> StrategyInputs:
    # D scores best but is not in the universe; C is in it but ranks third
    scores = [(DAY, "A", 0.9, 0.2), (DAY, "B", 0.8, 0.3), (DAY, "C", 0.7, None), (DAY, "D", 0.99, 0.1)]
    return StrategyInputs(scores=scores, universe=frozenset({(DAY, "A"), (DAY, "B"), (DAY, "C")}), regimes=regimes or {})


def test_a_strategy_computes_its_targets_from_the_inputs_it_is_handed() -> None:
    run_id = uuid.uuid4()
    strategy = make_strategy(config(), run_id, [DAY], SECTORS, inputs())
    assert strategy.target_positions_fn(DAY) == {"A": 0.5, "B": 0.5}, "the top 2 universe members, equal weights"
    assert strategy.target_positions_fn(DAY + dt.timedelta(days=1)) == {}, "no book on a day that is not a decision date"
    params = strategy.optimization_params(DAY)
    assert (params["candidates"], params["selected"], params["regime"], params["regime_scale"]) == (3, 2, None, 1.0)
    context = strategy.decision_context(DAY)
    assert (context["universe_size"], context["scored_instruments"], context["scores_run_id"]) == (3, 4, str(run_id))


def test_the_regime_handed_in_scales_the_targets() -> None:
    strategy = make_strategy(config(regime_scaling={"CRISIS": 0.25}), uuid.uuid4(), [DAY], SECTORS,
                             inputs({DAY: "CRISIS"}))
    assert strategy.target_positions_fn(DAY) == {"A": 0.125, "B": 0.125}
    assert strategy.optimization_params(DAY)["regime_scale"] == 0.25


def sheet(risk: RiskSnapshot | None) -> TearSheet:
    dates = [dt.date(2023, 1, 30), dt.date(2023, 1, 31), dt.date(2023, 2, 1), dt.date(2023, 2, 28)]
    equity = [1_000_000.0, 1_010_000.0, 1_005_000.0, 1_030_200.0]
    return TearSheet(run_id=uuid.UUID(int=7), strategy_id="US_CORE_LONG_EQ", portfolio_id="MAIN",
                     start_date=dates[0], end_date=dates[-1], status="SUCCEEDED",
                     metrics={"cumulative_return": 0.0302, "sharpe_ratio": 1.234, "trade_count": 1234, "hit_rate": 0.5},
                     initial_capital=1_000_000.0, dates=dates, equity=equity, drawdown=[0.0, 0.0, -0.00495, 0.0], risk=risk)


def test_monthly_returns_compound_month_end_equity_from_the_initial_capital() -> None:
    s = sheet(None)
    months = monthly_returns(s.dates, s.equity, 1_000_000.0)
    assert months[2023][1] == pytest.approx(0.01) and months[2023][2] == pytest.approx(0.02)


def test_the_tear_sheet_renders_from_a_value_without_a_database() -> None:
    risk = RiskSnapshot(as_of_date=dt.date(2023, 2, 1), volatility=0.18, var_95=-0.021, var_99=-0.035, es_95=-0.03,
                        es_99=-0.04, max_drawdown=-0.1, beta=1.05,
                        scenario_pnl={"covid_2020": {"window": "2020-02-19..2020-03-23", "pnl": -250000.0, "return": -0.25}},
                        exposures_by_sector={"Energy": {"net": 0.3}, "Health Care": {"net": 0.2}})
    page = render_tear_sheet(sheet(risk))
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "US_CORE_LONG_EQ — 2023-01-30 to 2023-02-28" in page and str(uuid.UUID(int=7)) in page
    assert "<th>Sharpe</th><td" in page and "1.23</td>" in page and "1,234</td>" in page, "metrics are formatted"
    assert ">1.0%<" in page and ">2.0%<" in page, "January and February returns in the monthly table"
    assert page.count("<svg") == 3, "equity, drawdown and sector exposure charts"
    assert "Beta to S&amp;P 500" in page or "Beta to S&P 500" in page
    assert "covid_2020" in page and "-25.0%" in page
    empty = render_tear_sheet(sheet(None))
    assert "No risk report" in empty and empty.count("<svg") == 2


def market(days: int = 6) -> MarketData:
    dates = [dt.date(2023, 1, 30) + dt.timedelta(days=k) for k in range(days)]
    rng = np.random.default_rng(7)
    close = 100 * np.cumprod(1 + rng.normal(0, 0.02, (days, 2)), axis=0)
    open_ = close * (1 + rng.normal(0, 0.005, (days, 2)))
    arrays = {"open": open_, "high": np.fmax(open_, close) * 1.01, "low": np.fmin(open_, close) * 0.99, "close": close,
              "adj_close": close, "volume": np.full((days, 2), 4e3), "dividend": np.zeros((days, 2)),
              "split": np.ones((days, 2))}
    us = np.arange(days, dtype=np.int64) * 86_400_000_000
    return MarketData("US_EQ", ["A", "B"], ["Energy", "Utilities"], np.array([date_to_pg(d) for d in dates], dtype=np.int32),
                      1, arrays, us, us + 23_400_000_000)


class Hold:
    def target_positions_fn(self, day: dt.date) -> dict[str, float]:
        return {"A": 0.6, "B": 0.3}


def test_the_one_simulator_factory_passes_every_execution_setting() -> None:
    cfg = StrategyConfig.model_validate({"strategy_id": "US_CORE_LONG_EQ", "initial_capital": 250_000.0, "portfolio": {
        "rebalance": "EVERY_N_DAYS", "rebalance_every_n_days": 2}, "execution": {
        "price_model": "next_open", "commission": {"type": "bps", "rate": 7.0, "minimum": 60.0}, "slippage_bps": 11.0,
        "impact_bps": 250.0, "volume_cap": 0.3, "min_trade_value": 5000.0}})
    md = market()
    built = build_simulation(md, cfg, Hold(), 1)
    built.runner.run()
    # the same run wired by hand with every setting spelled out: the factory must agree to the last bit
    tm = md.time_machine()
    sim = MarketSimulator(tm, initial_cash=250_000.0, price_model="next_open", commission_type="bps", commission_rate=7.0,
                          commission_min=60.0, slippage_bps=11.0, impact_bps=250.0, volume_cap=0.3, min_trade_value=5000.0)
    buf = RunBuffers(1)
    BacktestRunner(tm, sim, BacktestBroker(sim, buf), buf, Hold(), rebalance_mask(md, cfg)).run()
    assert list(rebalance_mask(md, cfg)) == [0, 1, 0, 1, 0, 1]
    for col in ("equity", "cash"):
        assert list(built.buffers.equity.column(col)) == list(buf.equity.column(col)), col
    assert list(built.buffers.fills.column("commission")) == list(buf.fills.column("commission"))
    assert len(buf.fills) > 0 and built.sim.commissions_paid == sim.commissions_paid > 0
    # and a default simulator differs from it: the settings matter on this book
    plain = build_simulation(md, StrategyConfig.model_validate({"strategy_id": "US_CORE_LONG_EQ"}), Hold(), 1)
    plain.runner.run()
    assert list(plain.buffers.equity.column("equity")) != list(buf.equity.column("equity"))
