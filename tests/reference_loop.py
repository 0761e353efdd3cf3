"""A pure-Python reference of the daily loop in docs/SIMULATION.md.

Written from the document alone, with plain floats and loops and no code shared
with the compiled core, so that agreement between the two means both follow the
document. Used by tests/integration/test_reference.py on real data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class RefConfig:
    price_model: str = "close"
    commission_type: str = "per_share"
    commission_rate: float = 0.005
    commission_min: float = 1.0
    slippage_bps: float = 5.0
    impact_bps: float = 100.0
    volume_cap: float = 0.1
    min_trade_value: float = 1000.0
    initial_cash: float = 1_000_000.0


@dataclass
class RefResult:
    orders: list[tuple[int, int, str, float, float, str, str]] = field(default_factory=list)
    fills: list[tuple[int, int, str, float, float, float, float, float]] = field(default_factory=list)
    positions: list[tuple[int, int, float, float, float, float]] = field(default_factory=list)
    equity: list[tuple[int, float, float, float, float, float, float]] = field(default_factory=list)


def simulate(open_: np.ndarray, close: np.ndarray, volume: np.ndarray, dividend: np.ndarray, split: np.ndarray,
             t0: int, rebalance: Sequence[bool], target_fn: Callable[[int], dict[int, float]], cfg: RefConfig) -> RefResult:
    T, N = close.shape
    cl = close.tolist()
    op = open_.tolist()
    vo = volume.tolist()
    dv = dividend.tolist()
    sp = split.tolist()
    last_bar = [-1] * N
    for i in range(N):
        for t in range(T):
            if not math.isnan(cl[t][i]):
                last_bar[i] = t
    qty = [0.0] * N
    avg = [0.0] * N
    last_px = [math.nan] * N
    cash = cfg.initial_cash
    peak = cfg.initial_cash
    prev_equity = cfg.initial_cash
    out = RefResult()

    def commission(q: float, price: float) -> float:
        if cfg.commission_type == "per_share":
            return max(cfg.commission_min, cfg.commission_rate * q)
        return max(cfg.commission_min, cfg.commission_rate / 1e4 * q * price)

    def priced(base: float, q: float, vol: float, buy: bool) -> tuple[float, float]:
        bps = cfg.slippage_bps + (cfg.impact_bps * q / vol if vol > 0 else 0.0)
        return (base * (1 + bps / 1e4) if buy else base * (1 - bps / 1e4)), bps

    for t in range(t0, T):
        # 1. corporate actions: dividend, then split
        for i in range(N):
            if qty[i] != 0:
                if dv[t][i] > 0:
                    cash += qty[i] * dv[t][i]
                if sp[t][i] != 1.0:
                    qty[i] *= sp[t][i]
                    avg[i] /= sp[t][i]
                    if not math.isnan(last_px[i]):
                        last_px[i] /= sp[t][i]
        # 2. delisting close-out at the last close
        for i in range(N):
            if qty[i] != 0 and t > last_bar[i]:
                px = cl[last_bar[i]][i]
                q = qty[i]
                out.orders.append((t, i, "SELL", q, q, "FILLED", "DELISTED"))
                out.fills.append((t, i, "SELL", q, px, 0.0, 0.0, q * (px - avg[i])))
                cash += q * px
                qty[i] = 0.0
                avg[i] = 0.0
        # 3. rebalance
        if rebalance[t]:
            weights = target_fn(t)
            equity_est = cash
            for i in range(N):
                if qty[i] != 0:
                    ref = cl[t - 1][i]
                    equity_est += qty[i] * (last_px[i] if math.isnan(ref) else ref)
            sells: list[tuple[int, float]] = []
            buys: list[tuple[int, float]] = []
            for i in range(N):
                ref = cl[t - 1][i]
                if math.isnan(ref) or ref <= 0:
                    continue
                target = math.floor(weights[i] * equity_est / ref) if i in weights else 0.0
                delta = target - qty[i]
                if delta == 0:
                    continue
                if abs(delta) * ref < cfg.min_trade_value and target != 0:
                    continue
                (sells if delta < 0 else buys).append((i, abs(delta)))
            for i, wanted in sells + buys:
                buy = (i, wanted) in buys
                base = cl[t][i] if cfg.price_model == "close" else op[t][i]
                vol = vo[t][i]
                side = "BUY" if buy else "SELL"
                if math.isnan(base):
                    out.orders.append((t, i, side, wanted, 0.0, "CANCELLED", "NO_BAR"))
                    continue
                cap = math.floor(cfg.volume_cap * vol)
                fq = min(wanted, cap)
                reason = "VOLUME_CAP" if fq < wanted else ""
                if not buy and fq > qty[i]:
                    fq = qty[i]
                    if fq <= 0:
                        out.orders.append((t, i, side, wanted, 0.0, "CANCELLED", "NO_POSITION"))
                        continue
                if fq <= 0:
                    out.orders.append((t, i, side, wanted, 0.0, "CANCELLED", "VOLUME_CAP"))
                    continue
                fp, bps = priced(base, fq, vol, buy)
                fee = commission(fq, fp)
                if buy and fq * fp + fee > cash:
                    # largest whole fq whose cost (slippage, commission) fits: start from
                    # cash / price at the wanted size, step down, then up while it still fits
                    limit = fq
                    fq = min(limit, math.floor(cash / fp))
                    while fq > 0:
                        fp, bps = priced(base, fq, vol, True)
                        if fq * fp + commission(fq, fp) <= cash:
                            break
                        fq -= 1
                    while fq + 1 <= limit:
                        p1, _ = priced(base, fq + 1, vol, True)
                        if (fq + 1) * p1 + commission(fq + 1, p1) > cash:
                            break
                        fq += 1
                    if fq <= 0:
                        out.orders.append((t, i, side, wanted, 0.0, "REJECTED", "INSUFFICIENT_CASH"))
                        continue
                    fp, bps = priced(base, fq, vol, True)
                    fee = commission(fq, fp)
                    reason = "SCALED_TO_CASH"
                if buy:
                    avg[i] = (qty[i] * avg[i] + fq * fp) / (qty[i] + fq)
                    qty[i] += fq
                    cash -= fq * fp + fee
                    realized = -fee
                else:
                    realized = fq * (fp - avg[i]) - fee
                    qty[i] -= fq
                    cash += fq * fp - fee
                    if qty[i] == 0:
                        avg[i] = 0.0
                status = "FILLED" if fq == wanted else "PARTIALLY_FILLED"
                out.orders.append((t, i, side, wanted, fq, status, reason))
                out.fills.append((t, i, side, fq, fp, fee, bps, realized))
        # 4. mark to market
        gross = 0.0
        net = 0.0
        for i in range(N):
            if not math.isnan(cl[t][i]):
                last_px[i] = cl[t][i]
            if qty[i] != 0:
                mv = qty[i] * last_px[i]
                gross += abs(mv)
                net += mv
        equity = cash + net
        for i in range(N):
            if qty[i] != 0:
                out.positions.append((t, i, qty[i], avg[i], qty[i] * last_px[i], qty[i] * (last_px[i] - avg[i])))
        peak = max(peak, equity)
        out.equity.append((t, cash, equity, gross / equity, net / equity, equity / peak - 1, equity / prev_equity - 1))
        prev_equity = equity
    return out
