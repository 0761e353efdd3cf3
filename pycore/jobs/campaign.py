"""A campaign of backtests, so the meta layer has evidence (``python -m pycore.campaign``).

A campaign is a grid of historical periods x config variants of one strategy.
Each cell is submitted as a job through ``api.run_backtest`` (the same path as
``POST /rpc/run_backtest``) and executed by the workers; the campaign waits and
prints each job's progress. Cells that already ran (a SUCCEEDED job with the
same parameters) are not run again, so the command is idempotent.

Each variant gets its own portfolio id (``<strategy>.campaign.<variant>``) so a
campaign never displaces the portfolio the console's overview shows.

``--run-here`` (``worker_url``) executes the jobs in this process (a one-shot
worker) when no worker is running.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from pycore.jobs.tasks import serve

# Periods chosen to cover every market regime of the data set: the 2008 crash, the
# 2011 downgrade, the 2015-16 slowdown, the 2018 sell-off, COVID and the 2022 bear.
DEFAULT_PERIODS: tuple[tuple[dt.date, dt.date], ...] = (
    (dt.date(2007, 7, 1), dt.date(2009, 6, 30)),
    (dt.date(2011, 1, 1), dt.date(2012, 12, 31)),
    (dt.date(2015, 1, 1), dt.date(2016, 12, 31)),
    (dt.date(2018, 1, 1), dt.date(2019, 12, 31)),
    (dt.date(2020, 1, 1), dt.date(2021, 12, 31)),
    (dt.date(2022, 1, 1), dt.date(2023, 12, 31)),
)
DEFAULT_VARIANTS: dict[str, dict[str, Any]] = {
    "base": {},
    "concentrated": {"portfolio": {"top_k": 20}},
    "inverse_vol": {"portfolio": {"weighting": "INVERSE_VOL"}},
}


@dataclass(frozen=True)
class Cell:
    start: dt.date
    end: dt.date
    variant: str
    overrides: dict[str, Any]


def variants_for(params: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The config variants of a strategy whose active config has ``params`` (a user strategy): its base, a more
    concentrated book (``top_n`` halved) when it has one, and half exposure in bear and crisis regimes (applied to any
    strategy's targets); the built-in's :data:`DEFAULT_VARIANTS`."""
    if params is None:
        return DEFAULT_VARIANTS
    out: dict[str, dict[str, Any]] = {"base": {}}
    top_n = params.get("top_n")
    if isinstance(top_n, int) and not isinstance(top_n, bool) and top_n > 1:
        out["concentrated"] = {"params": {"top_n": max(1, top_n // 2)}}
    out["defensive"] = {"portfolio": {"regime_scaling": {"CALM_BEAR": 0.5, "VOLATILE_BEAR": 0.5, "CRISIS": 0.5}}}
    return out


def strategy_variants(conn: psycopg.Connection[Any], strategy_id: str) -> dict[str, dict[str, Any]]:
    """:func:`variants_for` the active config of ``strategy_id`` (the built-in's when it has no params)."""
    row = conn.execute(
        "select config_json -> 'params' from runtime.strategy_configs where strategy_id = %s and is_active",
        (strategy_id,),
    ).fetchone()
    return variants_for(row[0] if row is not None else None)


def cells(
    periods: tuple[tuple[dt.date, dt.date], ...] = DEFAULT_PERIODS, variants: dict[str, dict[str, Any]] | None = None
) -> list[Cell]:
    variants = DEFAULT_VARIANTS if variants is None else variants
    return [Cell(s, e, name, ov) for s, e in periods for name, ov in variants.items()]


def submit(url: str, strategy_id: str, grid: list[Cell], market_id: str = "US_EQ") -> tuple[list[int], int]:
    """Queue every cell not already done; returns (job ids to wait for, cells already done)."""
    jobs: list[int] = []
    done = 0
    with psycopg.connect(url, autocommit=True) as conn:
        for cell in grid:
            portfolio_id = f"{strategy_id}.campaign.{cell.variant}"
            params = {
                "strategy_id": strategy_id,
                "start_date": cell.start.isoformat(),
                "end_date": cell.end.isoformat(),
                "market_ids": [market_id],
                "config_overrides": cell.overrides,
                "portfolio_id": portfolio_id,
            }
            row = conn.execute(
                "select job_id, status from runtime.jobs where params = %s and status in ('PENDING', 'RUNNING', 'SUCCEEDED') "
                "order by job_id desc limit 1",
                (Jsonb(params),),
            ).fetchone()
            if row is not None and row[1] == "SUCCEEDED":
                done += 1
                continue
            if row is not None:
                jobs.append(int(row[0]))
                continue
            job = conn.execute(
                "select api.run_backtest(%s, %s, %s, %s, %s, %s)",
                (strategy_id, cell.start, cell.end, [market_id], Jsonb(cell.overrides), portfolio_id),
            ).fetchone()
            assert job is not None
            jobs.append(int(job[0]))
    return jobs, done


def wait(url: str, job_ids: list[int], *, timeout: float = 1800.0, stream: Any = sys.stdout) -> dict[int, str]:
    """Poll runtime.jobs until every job ended; prints one line per change of state."""
    seen: dict[int, str] = {}
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            rows = conn.execute(
                "select job_id, status, progress, params ->> 'start_date', params ->> 'end_date', params ->> 'portfolio_id', error "
                "from runtime.jobs where job_id = any(%s) order by job_id",
                (job_ids,),
            ).fetchall()
            for job_id, status, progress, start, end, portfolio, error in rows:
                if seen.get(job_id) != status:
                    seen[job_id] = status
                    extra = f"  {error}" if error and status != "SUCCEEDED" else ""
                    print(
                        f"  job {job_id:>5}  {status:<9} {progress * 100:5.1f}%  {start} .. {end}  {portfolio}{extra}",
                        file=stream,
                        flush=True,
                    )
            if (
                rows
                and all(s in ("SUCCEEDED", "FAILED", "CANCELLED") for s in seen.values())
                and len(seen) == len(job_ids)
            ):
                return seen
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"campaign jobs still running after {timeout:.0f} s: "
                    + ", ".join(str(j) for j, s in seen.items() if s in ("PENDING", "RUNNING"))
                )
            time.sleep(0.5)


def run_campaign(
    strategy_id: str = "US_CORE_LONG_EQ",
    *,
    url: str,
    worker_url: str | None = None,
    grid: list[Cell] | None = None,
    timeout: float = 1800.0,
    stream: Any = sys.stdout,
) -> dict[str, int]:
    """Queue the grid's cells not done yet (as ``url``'s user) and wait for their jobs; counts by final status.

    With ``worker_url`` the jobs run in this process first (a one-shot worker connecting as that user)."""
    if grid is None:
        with psycopg.connect(url) as conn:
            grid = cells(variants=strategy_variants(conn, strategy_id))
    t0 = time.perf_counter()
    job_ids, done = submit(url, strategy_id, grid)
    print(
        f"campaign {strategy_id}: {len(grid)} cells, {done} already done, {len(job_ids)} queued",
        file=stream,
        flush=True,
    )
    if job_ids and worker_url is not None:
        asyncio.run(serve(worker_url, one_shot=True, heartbeat=2.0, stalled_after=30.0))
    states = wait(url, job_ids, timeout=timeout, stream=stream) if job_ids else {}
    counts = {"done_before": done}
    for s in states.values():
        counts[s] = counts.get(s, 0) + 1
    if job_ids:
        wall = time.perf_counter() - t0
        ended = sum(1 for s in states.values() if s == "SUCCEEDED")
        print(
            f"campaign wall time {wall:.1f} s for {len(job_ids)} jobs ({ended} succeeded): "
            f"{wall / len(job_ids):.2f} s per run, {len(job_ids) / wall * 60:.1f} runs per minute",
            file=stream,
            flush=True,
        )
    return counts
