"""The compiled core agrees with the pure-Python reference loop on real history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import psycopg
import pytest

from pycore.data.marketdata import MarketData, load_market_data
from pycore_ext.broker import BacktestBroker, RunBuffers
from pycore_ext.runner import BacktestRunner
from pycore_ext.simulator import REASONS, SIDES, STATUSES, MarketSimulator
from tests.reference_loop import RefConfig, simulate

TOL = dict(rel=1e-9, abs=1e-9)


@pytest.fixture(scope="module")
def slice_2019_2020(loaded_db: str) -> MarketData:
    with psycopg.connect(loaded_db) as conn:
        md = load_market_data(conn, "US_EQ", dt.date(2019, 1, 1), dt.date(2020, 12, 31), lookback_days=70)
    keep = sorted(set(md.instruments[:49]) | {"AAPL", "TSLA"} & set(md.instruments))
    cols = [md.instruments.index(k) for k in keep]
    arrays = {k: np.ascontiguousarray(v[:, cols]) for k, v in md.arrays.items()}
    return MarketData(md.market_id, keep, [md.sectors[c] for c in cols], md.dates, md.start_index, arrays, md.open_us, md.close_us)


def momentum_targets(md: MarketData, top: int, invested: float = 0.96) -> Any:
    close = md.arrays["close"]
    adj = md.arrays["adj_close"]

    def weights(t: int) -> dict[int, float]:
        mom = adj[t - 1] / adj[t - 60] - 1
        ok = np.flatnonzero(np.isfinite(mom) & np.isfinite(close[t - 1]))
        best = ok[np.argsort(-mom[ok], kind="stable")][:top]
        return {int(i): invested / top for i in best}

    return weights


CONFIGS = [
    RefConfig(price_model="close", commission_type="per_share", commission_rate=0.005, commission_min=1.0,
              slippage_bps=5.0, impact_bps=100.0, volume_cap=0.1, min_trade_value=1000.0, initial_cash=1_000_000.0),
    # big book, thin volume cap, bps costs: partial fills and cash scaling happen
    RefConfig(price_model="next_open", commission_type="bps", commission_rate=2.0, commission_min=0.5,
              slippage_bps=2.0, impact_bps=5000.0, volume_cap=0.002, min_trade_value=25_000.0, initial_cash=400_000_000.0),
    # fully invested, filled at the open: overnight moves make the cash floor scale buys
    RefConfig(price_model="next_open", commission_type="per_share", commission_rate=0.01, commission_min=5.0,
              slippage_bps=10.0, impact_bps=100.0, volume_cap=0.1, min_trade_value=0.0, initial_cash=2_000_000.0),
]


@pytest.mark.parametrize("cfg", CONFIGS, ids=["close-per-share", "next-open-bps-capped", "open-fully-invested"])
def test_core_equals_reference(slice_2019_2020: MarketData, cfg: RefConfig) -> None:
    md = slice_2019_2020
    tm = md.time_machine()
    T = len(md.dates)
    rebalance = np.zeros(T, dtype=np.uint8)
    rebalance[md.start_index :: 10] = 1  # every 10 sessions: many trades
    target = momentum_targets(md, 20, invested=1.0 if cfg.min_trade_value == 0 else 0.96)
    names = md.instruments

    class Strategy:
        def target_positions_fn(self, day: dt.date) -> dict[str, float]:
            return {names[i]: w for i, w in target(tm.current_index).items()}

    sim = MarketSimulator(tm, initial_cash=cfg.initial_cash, price_model=cfg.price_model, commission_type=cfg.commission_type,
                          commission_rate=cfg.commission_rate, commission_min=cfg.commission_min, slippage_bps=cfg.slippage_bps,
                          impact_bps=cfg.impact_bps, volume_cap=cfg.volume_cap, min_trade_value=cfg.min_trade_value)
    buf = RunBuffers(3)
    BacktestRunner(tm, sim, BacktestBroker(sim, buf), buf, Strategy(), rebalance).run()

    a = md.arrays
    ref = simulate(a["open"], a["close"], a["volume"], a["dividend"], a["split"], md.start_index,
                   [bool(x) for x in rebalance], target, cfg)

    day_index = {int(d): t for t, d in enumerate(md.dates)}
    f = buf.fills
    core_fills = list(zip([day_index[int(d)] for d in f.column("trade_date")], f.column("instrument").tolist(),
                          [SIDES[s] for s in f.column("side")], f.column("quantity").tolist(), f.column("price").tolist(),
                          f.column("commission").tolist(), f.column("slippage").tolist(), f.column("realized_pnl").tolist(), strict=True))
    assert len(core_fills) == len(ref.fills) > 100
    for c, r in zip(core_fills, ref.fills, strict=True):
        assert c[:3] == r[:3]
        assert c[3:] == pytest.approx(r[3:], **TOL)

    o = buf.orders
    core_orders = list(zip([SIDES[s] for s in o.column("side")], [STATUSES[s] for s in o.column("status")],
                           [REASONS[r] if r >= 0 else "" for r in o.column("reason")], strict=True))
    assert core_orders == [(r[2], r[5], r[6]) for r in ref.orders]

    p = buf.positions
    core_pos = list(zip([day_index[int(d)] for d in p.column("as_of_date")], p.column("instrument").tolist(),
                        p.column("quantity").tolist(), p.column("avg_cost").tolist(), p.column("market_value").tolist(),
                        p.column("unrealized_pnl").tolist(), strict=True))
    assert len(core_pos) == len(ref.positions)
    for c, r in zip(core_pos, ref.positions, strict=True):
        assert c[:2] == r[:2]
        assert c[2:] == pytest.approx(r[2:], **TOL)

    e = buf.equity
    core_eq = list(zip(e.column("cash").tolist(), e.column("equity").tolist(), e.column("gross").tolist(),
                       e.column("net").tolist(), e.column("drawdown").tolist(), e.column("daily_return").tolist(), strict=True))
    assert len(core_eq) == len(ref.equity) == T - md.start_index
    for c, r in zip(core_eq, ref.equity, strict=True):
        assert c == pytest.approx(r[1:], **TOL)
    assert core_eq[-1][1] == pytest.approx(ref.equity[-1][2], rel=1e-12)

    reasons = {r[6] for r in ref.orders}
    if cfg.volume_cap < 0.01:
        assert "VOLUME_CAP" in reasons, "the capped configuration must exercise partial fills"
    if cfg.min_trade_value == 0:
        assert "SCALED_TO_CASH" in reasons, "the fully invested configuration must exercise the cash floor"
    assert any(r[2] == "SELL" and r[7] != 0 for r in ref.fills), "realized P&L on sells"
