"""The benchmark (``python -m pycore.bench``): this project against a vectorized peer, in one process, on the real data.

It runs, one after the other:

(a) the full-history run: US_CORE_LONG_EQ over every loaded name from 2005-01-03 to the last loaded date;
(b) XMOM50, the run any quant tries first: 12-1 momentum, the top 50 names equal-weighted, rebalanced at each month
    end (decided on the closes before the first session of the month, filled at that session's close), 5 bps
    commission, no slippage or volume cap, 2005-01-03 .. 2021-04-21. The rule is a small point-in-time strategy
    (:class:`Xmom50`) given to the run service through its strategy seam; the SQL engines are not run for it;
(c) the seed's one-year example (US_CORE_LONG_EQ, 2023).

For each it prints the wall time per phase, rows written per second, the peak memory of the process, and the write
phase against a plain binary COPY of the very same rows into unindexed temporary copies of the tables, measured in
the same process. For (b) it also times the compiled day loop alone and a numpy loop vectorized over names on the
same given targets (the strategy's recorded answers replayed; instrument-days per second, best of 5 each), the
compiled loop calling the strategy itself and the strategy's ranking alone, and, when the optional ``bench`` extra is installed (vectorbt), the same
target weights through vectorbt's ``Portfolio.from_orders`` (target percent, cash sharing, call_seq auto; the call is
made once to compile, then timed): the time ratio and the final equity of each engine. Timings are printed, never
asserted: only ratios measured in one run mean anything on a shared machine.
"""

from __future__ import annotations

import datetime as dt
import importlib
import resource
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psycopg
from psycopg import sql

from pycore.data.marketdata import copy_fixed
from pycore.run.config import BacktestRequest, StrategyConfig
from pycore.run.service import RunOptions, RunResult, run_backtest
from pycore.run.simulation import build_simulation, rebalance_mask
from pycore.run.strategies import StrategyInputs
from pycore.run.writer import RowContext, table_specs
from pycore_ext.copybuf import date_to_pg, pg_to_date

FULL_START = dt.date(2005, 1, 3)
XMOM_START, XMOM_END = dt.date(2005, 1, 3), dt.date(2021, 4, 21)
SEED_START, SEED_END = dt.date(2023, 1, 1), dt.date(2024, 1, 1)
XMOM_BPS = 5.0

# the XMOM50 run's execution: 5 bps of notional, fills at the close, nothing else in the way
XMOM_OVERRIDES: dict[str, Any] = {
    "portfolio": {"top_k": 50, "weighting": "EQUAL", "max_weight": 1.0, "sector_cap": 1.0, "rebalance": "MONTHLY"},
    "execution": {
        "price_model": "close",
        "commission": {"type": "bps", "rate": XMOM_BPS, "minimum": 0.0},
        "slippage_bps": 0.0,
        "impact_bps": 0.0,
        "volume_cap": 1.0,
        "min_trade_value": 0.0,
    },
}

Emit = Callable[[str], None]


def _last_date(conn: psycopg.Connection[Any]) -> dt.date:
    row = conn.execute("select max(trade_date) from hist.prices_daily").fetchone()
    assert row is not None and row[0] is not None, "load the market data first"
    return row[0]  # type: ignore[no-any-return]


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- XMOM50
@dataclass
class PricePanel:
    """Adjusted closes, sessions x names, of a market over a period and the sessions before it."""

    names: list[str]
    dates: np.ndarray  # int32 days since 2000-01-01
    adj_close: np.ndarray


def load_price_panel(
    conn: psycopg.Connection[Any], market_id: str, start: dt.date, end: dt.date, lookback: int
) -> PricePanel:
    """The adjusted closes XMOM50 ranks on: the names the run service trades (a bar between start and end),
    ``lookback`` sessions before ``start`` to ``end``, by one binary COPY."""
    names = [
        r[0]
        for r in conn.execute(
            "select instrument_id from hist.instruments where market_id = %s and first_date <= %s "
            "and last_date >= %s order by instrument_id",
            (market_id, end, start),
        )
    ]
    days = [
        r[0]
        for r in conn.execute(
            "select trade_date from hist.trading_days where calendar = 'XNYS' and trade_date <= %s and trade_date >= "
            "coalesce((select min(d) from (select trade_date as d from hist.trading_days where calendar = 'XNYS' "
            "and trade_date < %s order by trade_date desc limit %s) x), %s) order by trade_date",
            (end, start, lookback, start),
        )
    ]
    pg_days = np.array([date_to_pg(d) for d in days], dtype=np.int32)
    q = sql.SQL(
        "select (n.k - 1)::int4, (p.trade_date - date '2000-01-01')::int4, p.adjusted_close "
        "from unnest({names}::text[]) with ordinality as n(instrument_id, k) "
        "join hist.prices_daily p on p.instrument_id = n.instrument_id and p.trade_date between {lo} and {hi}"
    ).format(names=sql.Literal(names), lo=sql.Literal(days[0]), hi=sql.Literal(days[-1]))
    rec = copy_fixed(conn, q, [("i", "i4"), ("d", "i4"), ("adj", "f8")])
    adj = np.full((len(days), len(names)), np.nan)
    adj[np.searchsorted(pg_days, rec["d"].astype(np.int32)), rec["i"].astype(np.int64)] = rec["adj"]
    return PricePanel(names, pg_days, adj)


class Xmom50:
    """XMOM50: 12-1 momentum, the top 50 names equal-weighted. At a decision date it sees only closes before it:
    momentum = adjusted close ``skip`` sessions before the last close / adjusted close ``lookback`` sessions before
    it - 1, over the names that have both and a last close. Issue 14 makes it a registered strategy."""

    engine_name = "XMOM50"

    def __init__(self, panel: PricePanel, top: int = 50, lookback: int = 252, skip: int = 21) -> None:
        self.panel, self.top, self.lookback, self.skip = panel, top, lookback, skip
        self.targets: dict[dt.date, dict[str, float]] = {}

    def target_positions_fn(self, day: dt.date) -> dict[str, float]:
        p = self.panel
        t = int(np.searchsorted(p.dates, date_to_pg(day)))  # the decision session; rows before it are known
        last = t - 1
        if last - self.lookback < 0:
            self.targets[day] = {}
            return {}
        now, then, old = p.adj_close[last], p.adj_close[last - self.skip], p.adj_close[last - self.lookback]
        mom = then / old - 1
        ok = np.isfinite(mom) & np.isfinite(now)
        idx = np.flatnonzero(ok)
        best = idx[np.argsort(-mom[idx], kind="stable")[: self.top]]
        targets = {p.names[k]: 1.0 / self.top for k in best}
        self.targets[day] = targets
        return targets

    def optimization_params(self, day: dt.date) -> dict[str, Any]:
        return {"method": "XMOM50", "top": self.top, "lookback": self.lookback, "skip": self.skip,
                "selected": len(self.targets.get(day, {}))}  # fmt: skip

    def decision_context(self, day: dt.date) -> dict[str, Any]:
        return {"engine": self.engine_name, "as_of_date": day.isoformat()}


def xmom50_factory() -> Callable[..., Xmom50]:
    """The run service's strategy seam: XMOM50 ranks on the adjusted closes of the run's own market data (read once,
    for the simulation and the signal alike); it reads no engine output."""

    def make(cfg: StrategyConfig, run_id: uuid.UUID, dates: list[dt.date], sectors: dict[str, str],
             inputs: StrategyInputs) -> Xmom50:  # fmt: skip
        md = inputs.market
        assert md is not None, "the run service hands the strategy its market data"
        return Xmom50(PricePanel(list(md.instruments), md.dates, md.arrays["adj_close"]))

    return make


# ---------------------------------------------------------------- references on the same targets
@dataclass
class SameTargets:
    """The targets a run traded, as the peers take them: prices and target weights, sessions x names."""

    price: np.ndarray  # adjusted closes carried forward over missing bars
    weights: np.ndarray  # NaN except on rebalance sessions
    rebalance: np.ndarray
    names: list[str]
    dates: list[dt.date]
    initial_cash: float


def same_targets(res: RunResult, targets: dict[dt.date, dict[str, float]]) -> SameTargets:
    md, cfg = res.market_data, res.config
    assert md is not None and cfg is not None
    t0 = md.start_index
    price = md.arrays["adj_close"][t0:].copy()
    for t in range(1, len(price)):  # carry the last close over a missing bar
        gap = ~np.isfinite(price[t])
        price[t, gap] = price[t - 1, gap]
    col = {n: k for k, n in enumerate(md.instruments)}
    dates = [pg_to_date(int(d)) for d in md.dates[t0:]]
    mask = rebalance_mask(md, cfg)[t0:].astype(bool)
    weights = np.full(price.shape, np.nan)
    for r in np.flatnonzero(mask):
        weights[r] = 0.0
        for name, w in targets.get(dates[int(r)], {}).items():
            weights[r, col[name]] = w
    return SameTargets(price, weights, mask, list(md.instruments), dates, cfg.initial_capital)


def numpy_loop(st: SameTargets, fee: float) -> np.ndarray:
    """The reference day loop, vectorized over names: on a rebalance session, trade to the target weights of the
    session's equity at its close and pay ``fee`` of the traded notional; value at the close every session."""
    price, weights = st.price, st.weights
    shares = np.zeros(price.shape[1])
    cash = st.initial_cash
    equity = np.empty(price.shape[0])
    for t in range(price.shape[0]):
        p = price[t]
        ok = np.isfinite(p)
        px = np.where(ok, p, 0.0)
        if st.rebalance[t]:
            value = cash + shares @ px
            target = np.where(ok, np.nan_to_num(weights[t]) * value / np.where(ok, p, 1.0), shares)
            trade = target - shares
            cash -= float(trade @ px + fee * (np.abs(trade) @ px))
            shares = target
        equity[t] = cash + shares @ px
    return equity


def vectorbt_run(st: SameTargets, fee: float) -> tuple[float, float, str] | None:
    """vectorbt's ``Portfolio.from_orders`` on the same targets: (warm seconds, final equity, version), or None when
    the ``bench`` extra is not installed."""
    try:
        vbt = importlib.import_module("vectorbt")
        pd = importlib.import_module("pandas")
    except ImportError:
        return None
    index = pd.DatetimeIndex(st.dates)
    close = pd.DataFrame(st.price, index=index, columns=st.names)
    size = pd.DataFrame(st.weights, index=index, columns=st.names)

    def once() -> float:
        pf = vbt.Portfolio.from_orders(
            close=close, size=size, size_type="targetpercent", group_by=True, cash_sharing=True, call_seq="auto",
            fees=fee, init_cash=st.initial_cash, freq="1D",
        )  # fmt: skip
        return float(pf.value().iloc[-1])

    once()  # compile (numba) first: the warm call is what is timed
    t0 = time.perf_counter()
    final = once()
    return time.perf_counter() - t0, final, str(vbt.__version__)


# ---------------------------------------------------------------- the write phase against a plain COPY
def plain_copy_seconds(conn: psycopg.Connection[Any], res: RunResult) -> float:
    """COPY the run's very payloads into unindexed temporary copies of its tables (no keys, no constraints, no WAL),
    timing the COPYs only; rolled back."""
    assert res.writer is not None
    specs = table_specs(RowContext(res.run_id, 0, "", "", "", []))
    total = 0.0
    with conn.transaction(force_rollback=True):
        made: set[str] = set()
        for name, payload in res.writer.payloads:
            table, fields = specs[name]
            copy_of = sql.Identifier(f"plain_{name}")
            if name not in made:
                conn.execute(
                    sql.SQL("create temp table {} (like {} including defaults) on commit drop").format(
                        copy_of, sql.Identifier(*table.split("."))
                    )
                )
                made.add(name)
            stmt = sql.SQL("copy {} ({}) from stdin (format binary)").format(
                copy_of, sql.SQL(", ").join(sql.Identifier(f[0]) for f in fields)
            )
            t0 = time.perf_counter()
            with conn.cursor() as cur, cur.copy(stmt) as copy:
                copy.write(payload)
            total += time.perf_counter() - t0
    return total


def loop_seconds(res: RunResult, strategy: object | None = None, repeats: int = 5) -> tuple[float, float]:
    """Best seconds of the compiled day loop alone (no database) on the run's data and config, with the run's
    strategy or ``strategy``, and the final equity it reached."""
    md, cfg = res.market_data, res.config
    assert md is not None and cfg is not None
    best, final = float("inf"), float("nan")
    for _ in range(repeats):
        sim = build_simulation(md, cfg, res.strategy if strategy is None else strategy, 1)
        t0 = time.perf_counter()
        sim.runner.run()
        best = min(best, time.perf_counter() - t0)
        equity = sim.buffers.equity.column("equity")
        assert isinstance(equity, np.ndarray)
        final = float(equity[-1])
    return best, final


def best_seconds(fn: Callable[[], object], repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


class Replayed:
    """A strategy's recorded answers, given again: the targets it returned at each decision date (a copy each time),
    and its hooks' answers. The day loop on it does what the numpy reference does: trade given targets."""

    def __init__(self, strategy: Xmom50) -> None:
        self.strategy, self.targets = strategy, strategy.targets

    def target_positions_fn(self, day: dt.date) -> dict[str, float]:
        return dict(self.targets[day])

    def optimization_params(self, day: dt.date) -> dict[str, Any]:
        return self.strategy.optimization_params(day)

    def decision_context(self, day: dt.date) -> dict[str, Any]:
        return self.strategy.decision_context(day)


# ---------------------------------------------------------------- one run, measured
@dataclass
class RunFigures:
    label: str
    res: RunResult
    wall: float
    plain_copy: float
    peak_mib: float
    extra: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        res, md, writer = self.res, self.res.market_data, self.res.writer
        assert md is not None and writer is not None
        rows, write_s = writer.stats.total_rows, writer.stats.seconds
        copy_s = write_s - writer.stats.encode_seconds
        phases = dict(self.extra)
        phases.update(res.timings)
        phases.pop("total", None)
        return [
            f"{self.label}: {len(md.instruments)} names x {len(md.dates) - md.start_index} sessions, "
            f"{res.metrics.get('rebalances')} rebalances, final equity {res.metrics.get('final_equity', 0):,.2f}",
            f"    end to end {self.wall:.2f} s; phases: " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()),
            f"    rows written {rows:,} in {write_s:.2f} s = {rows / max(write_s, 1e-9):,.0f} rows/s "
            f"(encode {writer.stats.encode_seconds:.2f} s); plain binary COPY of the same rows into unindexed temp "
            f"tables {self.plain_copy:.2f} s; ratio {self.plain_copy / max(write_s, 1e-9):.2f} (target >= 0.5); "
            f"COPYs alone (the write phase less encoding) {copy_s:.2f} s, ratio {self.plain_copy / max(copy_s, 1e-9):.2f}",
            f"    peak memory of this process so far {self.peak_mib:,.0f} MiB",
        ]


def measure_run(url: str, label: str, req: BacktestRequest, options: RunOptions, extra: dict[str, float]) -> RunFigures:
    t0 = time.perf_counter()
    res = run_backtest(req, options)
    wall = time.perf_counter() - t0 + sum(extra.values())
    peak = peak_rss_mib()
    with psycopg.connect(url) as conn:
        plain = plain_copy_seconds(conn, res)
    return RunFigures(label, res, wall, plain, peak, extra)


def bench_full(url: str, start: dt.date, end: dt.date | None, emit: Emit) -> RunFigures:
    with psycopg.connect(url) as conn:
        end = end or _last_date(conn)
    req = BacktestRequest(strategy_id="US_CORE_LONG_EQ", start_date=start, end_date=end, market_ids=("US_EQ",),
                          portfolio_id="BENCH")  # fmt: skip
    fig = measure_run(url, f"(a) full history US_CORE_LONG_EQ {start} .. {end}", req,
                      RunOptions(url=url, keep_payloads=True), {})  # fmt: skip
    for line in fig.lines():
        emit(line)
    emit(f"    peak memory of the full-history run {fig.peak_mib:,.0f} MiB (target < 1024 MiB)")
    loop, _ = loop_seconds(fig.res)
    emit(
        f"    compiled day loop alone {loop * 1000:,.1f} ms = {fig.res.instrument_days / loop / 1e6:,.1f} M instrument-days/s"
    )
    return fig


def bench_xmom50(url: str, start: dt.date, end: dt.date, emit: Emit) -> RunFigures:
    strategy: list[Xmom50] = []
    factory = xmom50_factory()

    def keep(*args: Any) -> Xmom50:
        s = factory(*args)
        strategy.append(s)
        return s

    req = BacktestRequest(strategy_id="US_CORE_LONG_EQ", start_date=start, end_date=end, market_ids=("US_EQ",),
                          portfolio_id="BENCH_XMOM50", sleeve_id="XMOM50", config_overrides=XMOM_OVERRIDES)  # fmt: skip
    options = RunOptions(url=url, keep_payloads=True, strategy_factory=keep, run_engines=False)
    fig = measure_run(url, f"(b) XMOM50 (12-1 momentum top 50, equal weight, {XMOM_BPS:g} bps, close fills) {start} .. {end}",
                      req, options, {})  # fmt: skip
    for line in fig.lines():
        emit(line)
    res = fig.res
    targets = strategy[0].targets
    st = same_targets(res, targets)
    n_days = st.price.shape[0] * st.price.shape[1]
    # both loops trade the same given targets (best of 5 each); the strategy's ranking is timed on its own
    loop, replayed_final = loop_seconds(res, Replayed(strategy[0]))
    ref = numpy_loop(st, XMOM_BPS / 10_000)
    np_s = best_seconds(lambda: numpy_loop(st, XMOM_BPS / 10_000))
    live, _ = loop_seconds(res)
    fresh = Xmom50(strategy[0].panel)
    rank_s = best_seconds(lambda: [fresh.target_positions_fn(d) for d in targets])
    emit(f"    day loop on the same targets: compiled {loop * 1000:,.1f} ms = {res.instrument_days / loop / 1e6:,.1f} M "
         f"instrument-days/s; numpy vectorized over names {np_s * 1000:,.1f} ms = {n_days / np_s / 1e6:,.1f} M "
         f"instrument-days/s; compiled / numpy speed {np_s / loop:.2f} (target >= 1)")  # fmt: skip
    emit(f"    compiled day loop calling the strategy at its {len(targets)} rebalances {live * 1000:,.1f} ms; "
         f"the strategy's ranking alone {rank_s * 1000:,.1f} ms")  # fmt: skip
    final = float(res.metrics.get("final_equity") or 0.0)
    emit(f"    the replayed targets reach the run's final equity: {replayed_final == final} "
         f"({replayed_final:,.2f} vs {final:,.2f})")  # fmt: skip
    emit(f"    final equity: this project {final:,.2f}; numpy reference (adjusted closes) {ref[-1]:,.2f} "
         f"({final / ref[-1] - 1:+.3%})")  # fmt: skip
    vb = vectorbt_run(st, XMOM_BPS / 10_000)
    if vb is None:
        emit("    vectorbt: not installed (pip install -e .[bench]) - no race")
    else:
        vb_s, vb_final, version = vb
        emit(f"    vectorbt {version} Portfolio.from_orders (targetpercent, cash sharing, call_seq auto), warm: "
             f"{vb_s:.2f} s, final equity {vb_final:,.2f} ({final / vb_final - 1:+.3%} from this project's)")  # fmt: skip
        emit(f"    race: this project end to end {fig.wall:.2f} s = {fig.wall / vb_s:.1f}x vectorbt's warm time "
             f"(target <= 3x); day loop alone {loop / vb_s:.2f}x")  # fmt: skip
    return fig


def bench_seed(url: str, emit: Emit) -> float:
    req = BacktestRequest(strategy_id="US_CORE_LONG_EQ", start_date=SEED_START, end_date=SEED_END, market_ids=("US_EQ",),
                          portfolio_id="BENCH_SEED")  # fmt: skip
    t0 = time.perf_counter()
    res = run_backtest(req, RunOptions(url=url))
    wall = time.perf_counter() - t0
    phases = {k: v for k, v in res.timings.items() if k != "total"}
    emit(f"(c) the seed's example US_CORE_LONG_EQ {SEED_START} .. {SEED_END}: end to end {wall:.2f} s (target < 1.5 s); "
         "phases: " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()))  # fmt: skip
    return wall


def run_bench(
    url: str,
    emit: Emit,
    *,
    start: dt.date = FULL_START,
    end: dt.date | None = None,
    xmom_start: dt.date = XMOM_START,
    xmom_end: dt.date = XMOM_END,
    seed: bool = True,
) -> None:
    """Run (a), (b) and (c) against the database at ``url`` (role pycore_writer) and emit their lines as they come."""
    bench_full(url, start, end, emit)
    bench_xmom50(url, xmom_start, xmom_end, emit)
    if seed:
        bench_seed(url, emit)
    emit(f"peak memory of this process {peak_rss_mib():,.0f} MiB")
