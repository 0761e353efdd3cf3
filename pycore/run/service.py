"""The run service: one backtest from a validated request to stored rows.

A run validates everything first (dates, market, strategy config) and writes
nothing when the input is bad. It then registers the run (in portfolio ``MAIN``
unless the request names another; as the strategy's sleeve unless it names one),
runs the SQL engines and hands their rows to the strategy,
simulates the days in chunks with the compiled core, COPYs each chunk's rows and
commits (so a watcher sees rows arrive), and finally stores the metrics. A run
that fails has its rows removed and is marked FAILED with the error.

The caller says how to run in a :class:`RunOptions` (the writer's URL, progress
callbacks, the chunk size, ...); once registered, a run is one :class:`RunContext`
that the simulation and the storage read. The commands are ``python -m pycore.backtest
run|list|show|report`` (:mod:`pycore.cli.backtest`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psycopg
from psycopg.types.json import Jsonb
from pydantic import ValidationError

from pycore.data.marketdata import MarketData, load_market_data
from pycore.db import writer_url
from pycore.run.config import DEFAULT_PORTFOLIO_ID, BacktestRequest, StrategyConfig, config_json, describe
from pycore.run.registry import (
    StrategyFailed,
    StrategySpec,
    UnknownStrategy,
    build_user_strategy,
    close_strategy,
    load_spec,
    lookback_days,
    parse_strategy_config,
)
from pycore.run.simulation import build_simulation, rebalance_mask
from pycore.run.strategies import StrategyInputs, make_strategy
from pycore.run.writer import ChunkPipeline, RowContext, RunWriter
from pycore_ext.copybuf import pg_to_date

ProgressFn = Callable[[float, dt.date, int], None]
"""progress(fraction of the run done, simulated date reached, simulated days done)"""

StrategyFactory = Callable[[StrategyConfig, uuid.UUID, list[dt.date], dict[str, str], StrategyInputs], Any]
"""factory(config, run id, decision dates, sector by instrument, engine inputs) -> the strategy the runner calls"""


class BacktestError(ValueError):
    """The request cannot be run; nothing was written."""


class UnknownStrategyError(BacktestError, UnknownStrategy):
    """No strategy of that id is registered (CLI exit 2, HTTP 404); nothing was written."""


class StrategyRunError(BacktestError):
    """A user strategy raised or returned what cannot be traded: the run failed on that date and its rows are gone."""


@dataclass(frozen=True)
class RunOptions:
    """How to run a request: where to write, whom to tell, how to cut the day loop."""

    url: str | None = None
    """the writer's connection (role pycore_writer); None: :func:`pycore.db.writer_url`"""
    progress: ProgressFn | None = None
    """called after each phase and each chunk of simulated days"""
    on_run_started: Callable[[psycopg.Connection[Any], uuid.UUID], None] | None = None
    """called with the run's connection and id inside the transaction that registers the run: what it writes there
    (a job recording its attempt's run) commits with the run or not at all, so no run is ever left without it"""
    chunk_days: int = 252
    """simulated days between two commits of rows"""
    strategy_factory: StrategyFactory | None = None
    """builds the strategy from its inputs; None: the registered strategy of the request (built-in, Python or SQL)"""
    keep_payloads: bool = False
    """keep the COPY payloads in the writer (the benchmark replays them)"""
    run_engines: bool = True
    """run the SQL engines (scores, universe) for the strategy; False for a strategy that reads none of them"""
    write_streams: int = 2
    """connections that write the run's chunks at once (:class:`pycore.run.writer.ChunkPipeline`); 1 writes on the
    run's connection alone"""


@dataclass(frozen=True)
class RunContext:
    """A registered run: the request, its validated config, the options, its market data and its identity."""

    request: BacktestRequest
    config: StrategyConfig
    options: RunOptions
    spec: StrategySpec
    market: MarketData
    run_id: uuid.UUID
    run_seq: int
    portfolio_id: str
    sleeve_id: str

    def progress(self, frac: float, day: dt.date, days: int) -> None:
        if self.options.progress is not None:
            self.options.progress(frac, day, days)

    def rows(self) -> RowContext:
        """What every row the run writes carries."""
        md, cfg = self.market, self.config
        return RowContext(
            run_id=self.run_id,
            run_seq=self.run_seq,
            strategy_id=cfg.strategy_id,
            portfolio_id=self.portfolio_id,
            market_id=cfg.market_id,
            instruments=md.instruments,
            sleeve_id=self.sleeve_id,
            config_json=config_json(cfg),
            sectors=md.sectors,
        )


@dataclass
class RunResult:
    run_id: uuid.UUID
    metrics: dict[str, Any]
    rows: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)
    instrument_days: int = 0
    writer: RunWriter | None = None
    market_data: MarketData | None = None
    strategy: Any = None
    config: StrategyConfig | None = None


def load_strategy_config(
    conn: psycopg.Connection[Any], strategy_id: str, overrides: dict[str, Any] | None
) -> StrategyConfig:
    return load_strategy(conn, strategy_id, overrides)[1]


def load_strategy(
    conn: psycopg.Connection[Any], strategy_id: str, overrides: dict[str, Any] | None
) -> tuple[StrategySpec, StrategyConfig]:
    """The registry row of ``strategy_id`` and its active config with ``overrides``, validated by the strategy's own
    schema; UnknownStrategyError (never another strategy) or ConfigError naming the field's path otherwise."""
    try:
        spec = load_spec(conn, strategy_id)
    except UnknownStrategy as exc:
        raise UnknownStrategyError(str(exc)) from None
    row = conn.execute(
        "select config_json from runtime.strategy_configs where strategy_id = %s and is_active", (strategy_id,)
    ).fetchone()
    if row is None:
        raise UnknownStrategyError(f"strategy {strategy_id!r} has no active config version")
    data = dict(row[0])
    data.setdefault("strategy_id", strategy_id)
    try:
        return spec, parse_strategy_config(conn, spec, data, overrides)
    except UnknownStrategy as exc:  # its code cannot be found
        raise UnknownStrategyError(f"strategy {strategy_id}: {exc}") from None


def validate_request(req: BacktestRequest) -> None:
    if len(set(req.market_ids)) != len(req.market_ids):
        raise BacktestError("market ids repeat")
    if len(req.market_ids) != 1:
        raise BacktestError("a sleeve backtest trades one market; give exactly one market id")


def fetch_strategy_inputs(
    conn: psycopg.Connection[Any], run_id: uuid.UUID, cfg: StrategyConfig, decision_dates: list[dt.date]
) -> StrategyInputs:
    """Run the SQL engines of the strategy for every decision date (``core.run_assessment`` and ``core.run_universe``
    write the run's ``instrument_scores`` and ``universe_members``) and read what the strategy needs from them."""
    conn.execute(
        "select core.run_assessment(%s, %s, %s, %s::date[], %s)",
        (run_id, cfg.strategy_id, cfg.market_id, decision_dates, Jsonb(cfg.assessment.model_dump())),
    )
    conn.execute(
        "select core.run_universe(%s, %s, %s, %s::date[], %s)",
        (run_id, cfg.strategy_id, cfg.market_id, decision_dates, Jsonb(cfg.universe.model_dump())),
    )
    # two plain scans joined in Python: fresh rows have no statistics yet, and the
    # planner's guess for a join of them can be a very slow nested loop
    universe = frozenset(
        (day, name)
        for day, name in conn.execute(
            "select as_of_date, entity_id from runtime.universe_members where run_id = %s and included", (run_id,)
        )
    )
    scores = [
        (day, name, score, vol)
        for day, name, score, vol in conn.execute(
            "select as_of_date, instrument_id, score, (alpha_components ->> 'volatility')::float8 "
            "from runtime.instrument_scores where run_id = %s order by as_of_date, instrument_id",
            (run_id,),
        )
    ]
    regimes: dict[dt.date, str] = {}
    if cfg.portfolio.regime_scaling:
        regimes = dict(
            conn.execute("select d, core.regime_as_of(d) from unnest(%s::date[]) d", (decision_dates,)).fetchall()
        )
    return StrategyInputs(scores=scores, universe=universe, regimes=regimes)


# Progress of a run as the fraction a watcher sees: market data loaded, engines
# (scores, universe) computed, the day loop (the bulk of the fraction, by day),
# risk reports and decision outcomes written. 1.0 is set when the run is stored.
PHASE_LOADED, PHASE_ENGINES, PHASE_SIMULATED, PHASE_REPORTED = 0.05, 0.25, 0.85, 0.97


def run_backtest(req: BacktestRequest, options: RunOptions = RunOptions()) -> RunResult:
    """Run a backtest end to end; returns its id, metrics and row counts."""
    validate_request(req)
    timings: dict[str, float] = {}
    t_start = time.perf_counter()
    with psycopg.connect(options.url or writer_url()) as conn:
        spec, cfg = load_strategy(conn, req.strategy_id, req.config_overrides)
        if cfg.market_id != req.market_ids[0]:
            cfg = parse_strategy_config(conn, spec, cfg.model_dump(mode="json"), {"market_id": req.market_ids[0]})
        portfolio_id = req.portfolio_id or cfg.portfolio_id or DEFAULT_PORTFOLIO_ID
        sleeve_id = req.sleeve_id or cfg.strategy_id
        lookback = max(cfg.assessment.momentum_lookback_days, cfg.universe.min_history_days, lookback_days(spec), 2) + 5
        t = time.perf_counter()
        md = load_market_data(conn, cfg.market_id, req.start_date, req.end_date, lookback_days=lookback)
        timings["load_market_data"] = time.perf_counter() - t
        conn.commit()
        if options.progress is not None:
            options.progress(PHASE_LOADED, req.start_date, 0)
        # -> RUNNING in SQL (core.run_start); the run ends with core.run_finish or core.run_fail
        run_row = conn.execute(
            "select run_id, run_seq from core.run_start(%s, %s, %s, %s, %s, %s, %s, %s)",
            (
                cfg.strategy_id,
                Jsonb(json.loads(config_json(cfg))),
                req.start_date,
                req.end_date,
                list(req.market_ids),
                portfolio_id,
                sleeve_id,
                f"{cfg.strategy_id}_UNIVERSE",
            ),
        ).fetchone()
        assert run_row is not None
        run_id, run_seq = run_row
        if options.on_run_started is not None:
            options.on_run_started(conn, run_id)
        conn.commit()
        ctx = RunContext(
            request=req,
            config=cfg,
            options=options,
            spec=spec,
            market=md,
            run_id=run_id,
            run_seq=run_seq,
            portfolio_id=portfolio_id,
            sleeve_id=sleeve_id,
        )
        try:
            result = _simulate(conn, ctx, timings)
        except BaseException as exc:
            conn.rollback()
            # RUNNING -> FAILED in SQL: the run's rows are removed, its error kept
            error = str(exc) if isinstance(exc, StrategyFailed) else f"{type(exc).__name__}: {exc}"
            conn.execute("select core.run_fail(%s, %s)", (run_id, error))
            conn.commit()
            if isinstance(exc, StrategyFailed):
                raise StrategyRunError(f"{exc}; run {run_id} failed and its rows were removed") from exc
            raise
    result.timings["total"] = time.perf_counter() - t_start
    return result


def _simulate(conn: psycopg.Connection[Any], ctx: RunContext, timings: dict[str, float]) -> RunResult:
    cfg, md = ctx.config, ctx.market
    mask = rebalance_mask(md, cfg)
    decision_dates = [pg_to_date(int(md.dates[t])) for t in np.flatnonzero(mask)]
    t = time.perf_counter()
    strategy = _build_strategy(conn, ctx, decision_dates)
    conn.commit()
    timings["engines"] = time.perf_counter() - t
    try:
        return _run_days(conn, ctx, timings, strategy, mask, decision_dates)
    finally:
        close_strategy(strategy)


def _build_strategy(conn: psycopg.Connection[Any], ctx: RunContext, decision_dates: list[dt.date]) -> Any:
    """The strategy the runner calls: the options' factory, the built-in over its SQL engines' rows, or a user
    strategy (Python or SQL) behind its guard."""
    cfg, md, run_id = ctx.config, ctx.market, ctx.run_id
    factory = ctx.options.strategy_factory
    if factory is None and ctx.spec.kind != "BUILTIN":
        regimes = lambda day: _regime_as_of(conn, day)  # noqa: E731
        return build_user_strategy(ctx.spec, cfg, md, ctx.options.url or writer_url(), regimes)
    if ctx.options.run_engines:
        inputs = dataclasses.replace(fetch_strategy_inputs(conn, run_id, cfg, decision_dates), market=md)
    else:  # a strategy that reads none of the SQL engines' rows
        inputs = StrategyInputs(scores=[], universe=frozenset(), regimes={}, market=md)
    return (factory or make_strategy)(
        cfg, run_id, decision_dates, dict(zip(md.instruments, md.sectors, strict=True)), inputs
    )


def _regime_as_of(conn: psycopg.Connection[Any], day: dt.date) -> str | None:
    row = conn.execute("select core.regime_as_of(%s)", (day,)).fetchone()
    return None if row is None else row[0]


def _run_days(
    conn: psycopg.Connection[Any],
    ctx: RunContext,
    timings: dict[str, float],
    strategy: Any,
    mask: np.ndarray,
    decision_dates: list[dt.date],
) -> RunResult:
    cfg, md, run_id = ctx.config, ctx.market, ctx.run_id
    simulation = build_simulation(md, cfg, strategy, ctx.run_seq, mask)
    tm, buf, runner = simulation.tm, simulation.buffers, simulation.runner
    ctx.progress(PHASE_ENGINES, tm.date_at(tm.t0), 0)
    writer = RunWriter(ctx.rows(), keep_payloads=ctx.options.keep_payloads)
    url = ctx.options.url or writer_url()
    pipeline = ChunkPipeline(conn, writer, run_id, ctx.options.write_streams, lambda: psycopg.connect(url))
    sim_seconds = 0.0
    total_days = tm.T - tm.t0
    t_loop = time.perf_counter()
    try:
        while not runner.done:
            ts = time.perf_counter()
            first = tm.date_at(runner.next_day)
            runner.run(min(tm.T, runner.next_day + ctx.options.chunk_days))
            sim_seconds += time.perf_counter() - ts
            frac = (runner.next_day - tm.t0) / total_days
            last, days = tm.date_at(runner.next_day - 1), runner.next_day - tm.t0

            def committed(frac: float = frac, last: dt.date = last, days: int = days) -> None:
                ctx.progress(PHASE_ENGINES + (PHASE_SIMULATED - PHASE_ENGINES) * frac, last, days)

            pipeline.submit(writer.encode(buf), first, last, frac, committed)
        pipeline.finish()
        timings["simulate"] = sim_seconds
        # the write phase: encoding, the COPYs and the chunks' commits, less the simulation they overlap with
        writer.stats.seconds = time.perf_counter() - t_loop - sim_seconds
        timings["write"] = writer.stats.seconds
        t = time.perf_counter()
        _risk_and_outcomes(conn, pipeline.spare, run_id, decision_dates)
    finally:
        pipeline.close()
    timings["risk_and_outcomes"] = time.perf_counter() - t
    ctx.progress(PHASE_REPORTED, tm.date_at(tm.T - 1), total_days)
    # RUNNING -> SUCCEEDED in SQL, which checks the rows' references and computes metrics_json from them
    t = time.perf_counter()
    row = conn.execute("select core.run_finish(%s)", (run_id,)).fetchone()
    assert row is not None
    metrics: dict[str, Any] = row[0]
    conn.commit()
    timings["finish"] = time.perf_counter() - t
    ctx.progress(1.0, tm.date_at(tm.T - 1), total_days)
    return RunResult(
        run_id=run_id,
        metrics=metrics,
        rows=dict(writer.stats.rows),
        timings=timings,
        instrument_days=md.instrument_days,
        writer=writer,
        market_data=md,
        strategy=strategy,
        config=cfg,
    )


def _risk_and_outcomes(conn: psycopg.Connection[Any], other: psycopg.Connection[Any] | None, run_id: uuid.UUID,
                       decided: list[dt.date]) -> None:  # fmt: skip
    """Risk reports (``core.run_risk_reports``) and decision outcomes of a finished day loop. With a second
    connection (the write pipeline's, idle once the rows are in), the later half of the rebalance dates' reports is
    computed on it at the same time (the reports of a date depend on that date's holdings only; each report has the
    id one call would give it)."""
    mid = decided[len(decided) // 2] if len(decided) >= 2 else None
    if other is None or mid is None:
        conn.execute("select core.run_risk_reports(%s)", (run_id,))
    else:
        with ThreadPoolExecutor(1) as pool:

            def later_half() -> None:
                other.execute("select core.run_risk_reports(%s, 252, %s, null)", (run_id, mid))
                other.commit()

            later = pool.submit(later_half)
            try:
                conn.execute("select core.run_risk_reports(%s, 252, null, %s)", (run_id, mid - dt.timedelta(days=1)))
            finally:
                later.result()  # done either way before the run may be failed and its rows removed
    conn.execute("select core.run_decision_outcomes(%s, %s)", (run_id, [5, 21, 63]))
    conn.commit()


def build_request(
    strategy_id: str,
    start_date: dt.date | str,
    end_date: dt.date | str,
    market_ids: list[str] | tuple[str, ...] | str,
    *,
    portfolio_id: str | None = None,
    sleeve_id: str | None = None,
    config_overrides: dict[str, Any] | None = None,
) -> BacktestRequest:
    """A validated request from loose values (the CLI's, the Python API's, a job's parameters); BacktestError naming
    every bad field otherwise."""
    if isinstance(market_ids, str):
        market_ids = [market_ids]
    try:
        return BacktestRequest.model_validate(
            {
                "strategy_id": strategy_id,
                "start_date": start_date,  # a string is parsed as an ISO date
                "end_date": end_date,
                "market_ids": tuple(market_ids),
                "portfolio_id": portfolio_id,
                "sleeve_id": sleeve_id,
                "config_overrides": config_overrides or {},
            }
        )
    except ValidationError as exc:
        raise BacktestError(describe(exc)) from None


@dataclass(frozen=True)
class RunSummary:
    """A stored run as the commands list and show it."""

    run_id: uuid.UUID
    strategy_id: str
    start_date: dt.date
    end_date: dt.date
    status: str
    error: str | None
    metrics: dict[str, Any]


_SUMMARY = (
    "select run_id, strategy_id, start_date, end_date, status, error, coalesce(metrics_json, '{}') "
    "from runtime.backtest_runs"
)


def list_runs(conn: psycopg.Connection[Any]) -> list[RunSummary]:
    """Every stored run, newest first."""
    return [RunSummary(*row) for row in conn.execute(_SUMMARY + " order by created_at desc")]


def get_run(conn: psycopg.Connection[Any], run_id: uuid.UUID) -> RunSummary:
    row = conn.execute(_SUMMARY + " where run_id = %s", (run_id,)).fetchone()
    if row is None:
        raise BacktestError(f"no run {run_id}")
    return RunSummary(*row)
