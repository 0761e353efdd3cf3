"""The job queue: what a worker does with a job (procrastinate task, cancel, stalled-job recovery).

Used by ``python -m pycore.worker``; kept apart from it so the procrastinate app is
not built in a ``__main__`` module.

Jobs are queued by ``api.run_backtest`` in ``runtime.jobs`` (the operator's read
model) and in procrastinate's queue (``backtests``) in the same transaction.
Each worker process runs a procrastinate worker: it is woken by LISTEN/NOTIFY
(and polls), claims a job with ``FOR UPDATE SKIP LOCKED`` (so no two workers, in
any process or host, run the same job), heart-beats, and runs the backtest
through the compiled core while it reports progress into ``runtime.jobs``.

A cancel request is honoured at the next chunk of simulated days (a fraction of
a second for most runs). A worker that dies stops heart-beating; every worker
sweeps for jobs of such stalled workers, removes their partial rows, puts them
back to PENDING and retries them, so a retry never duplicates rows. SIGTERM
stops fetching new jobs and lets the running one finish (graceful shutdown).
``--concurrency N`` runs N worker processes (the compiled loop holds the GIL, so
processes, not threads, use several cores).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import uuid
from typing import Any

import procrastinate
import psycopg
from procrastinate.job_context import JobContext
from pydantic import ValidationError

from pycore.backtest import BacktestError, run_backtest
from pycore.config import BacktestRequest, ConfigError, describe
from pycore.marketdata import MarketDataError
from pycore.writer import purge_run

QUEUE = "backtests"
log = logging.getLogger("pycore.worker")


class JobCancelled(Exception):
    """The operator cancelled the job while it ran."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _params_to_request(params: dict[str, Any]) -> BacktestRequest:
    try:
        return BacktestRequest(
            strategy_id=params["strategy_id"], start_date=params["start_date"], end_date=params["end_date"],
            market_ids=tuple(params.get("market_ids") or ()), portfolio_id=params.get("portfolio_id"),
            config_overrides=params.get("config_overrides") or {},
        )
    except ValidationError as exc:
        raise BacktestError(describe(exc)) from None


def execute_job(url: str, job_id: int, should_abort: Any = None, lease_seconds: float = 30.0, chunk_days: int = 63) -> str:
    """Run one job of runtime.jobs to its end; returns the final status."""
    me = worker_name()
    lease = dt.timedelta(seconds=lease_seconds)
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "update runtime.jobs set status = 'RUNNING', started_at = now(), finished_at = null, worker = %s, "
            "attempts = attempts + 1, progress = 0, progress_date = null, error = null, run_id = null, "
            "lease_expires_at = now() + %s, updated_at = now() "
            "where job_id = %s and status = 'PENDING' and not cancel_requested returning params",
            (me, lease, job_id),
        ).fetchone()
        if row is None:
            log.info("job %s is not pending (cancelled or already taken); skipped", job_id)
            return "SKIPPED"
        params = row[0]

        def progress(frac: float, day: dt.date, days: int) -> None:
            cancel = conn.execute(
                "update runtime.jobs set progress = %s, progress_date = %s, lease_expires_at = now() + %s, updated_at = now() "
                "where job_id = %s returning cancel_requested",
                (min(frac, 1.0), day, lease, job_id),
            ).fetchone()
            if (cancel and cancel[0]) or (should_abort is not None and should_abort()):
                raise JobCancelled(f"job {job_id} cancelled")

        def started(run_id: uuid.UUID) -> None:
            conn.execute("update runtime.jobs set run_id = %s, updated_at = now() where job_id = %s", (run_id, job_id))

        try:
            req = _params_to_request(params)
            res = run_backtest(req, url=url, progress=progress, chunk_days=chunk_days, on_run_started=started)
        except JobCancelled:
            conn.execute(
                "update runtime.jobs set status = 'CANCELLED', finished_at = now(), updated_at = now(), "
                "error = 'cancelled while running; its rows were removed' where job_id = %s", (job_id,))
            return "CANCELLED"
        except (BacktestError, ConfigError, MarketDataError) as exc:
            status, error = "FAILED", str(exc)
        except Exception as exc:  # a worker must survive any job
            log.exception("job %s failed", job_id)
            status, error = "FAILED", f"{type(exc).__name__}: {exc}"
        else:
            conn.execute(
                "update runtime.jobs set status = 'SUCCEEDED', progress = 1, run_id = %s, finished_at = now(), "
                "updated_at = now(), lease_expires_at = null where job_id = %s", (res.run_id, job_id))
            return "SUCCEEDED"
        conn.execute(
            "update runtime.jobs set status = %s, error = %s, finished_at = now(), updated_at = now(), "
            "lease_expires_at = null where job_id = %s", (status, error[:4000], job_id))
        return status


def requeue_stalled(url: str, queue_job_id: int) -> bool:
    """Put a job whose worker died back to PENDING, removing its partial rows. True if this call did it."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "update runtime.jobs set status = 'PENDING', worker = null, progress = 0, progress_date = null, "
            "lease_expires_at = null, updated_at = now(), error = 'worker stopped responding; requeued' "
            "where queue_job_id = %s and status = 'RUNNING' returning job_id, run_id",
            (queue_job_id,),
        ).fetchone()
        if row is None:
            conn.rollback()
            return False
        _job_id, run_id = row
        if run_id is not None:
            purge_run(conn, run_id)
            conn.execute(
                "update runtime.backtest_runs set status = 'FAILED', error = 'worker died; the job was retried', "
                "finished_at = now() where run_id = %s and status = 'RUNNING'", (run_id,))
        conn.commit()
        return True


def make_app(url: str, lease_seconds: float = 30.0) -> procrastinate.App:
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))

    @app.task(name="run_backtest_job", queue=QUEUE, pass_context=True)
    def run_backtest_job(context: JobContext, job_id: int) -> str:
        return execute_job(url, job_id, should_abort=context.should_abort, lease_seconds=lease_seconds)

    return app


async def sweep_stalled(app: procrastinate.App, url: str, stalled_after: float, every: float) -> None:
    """Retry the jobs of workers that stopped heart-beating (crashed, killed, host lost)."""
    while True:
        try:
            for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after, queue=QUEUE):
                assert job.id is not None
                if await asyncio.to_thread(requeue_stalled, url, job.id):
                    await app.job_manager.retry_job(job)
                    log.warning("job %s of a stalled worker was requeued", job.id)
        except Exception:  # the sweep must keep going
            log.exception("stalled-job sweep failed")
        await asyncio.sleep(every)


async def serve(url: str, *, one_shot: bool, heartbeat: float, stalled_after: float) -> None:
    app = make_app(url, lease_seconds=stalled_after)
    async with app.open_async():
        sweeper = asyncio.create_task(sweep_stalled(app, url, stalled_after, max(1.0, heartbeat)))
        try:
            await app.run_worker_async(
                queues=[QUEUE], concurrency=1, wait=not one_shot, name=worker_name(),
                update_heartbeat_interval=heartbeat, stalled_worker_timeout=stalled_after,
                shutdown_graceful_timeout=None, install_signal_handlers=True,
            )
        finally:
            sweeper.cancel()


