"""The job queue: what a worker does with a job, and how jobs survive faults.

Used by ``python -m pycore.worker``; kept apart from it so the procrastinate app is
not built in a ``__main__`` module.

Jobs are queued by ``api.run_backtest`` in ``runtime.jobs`` (the operator's read
model) and in procrastinate's queue (``backtests``) in the same transaction.
Each worker process runs a procrastinate worker: it is woken by LISTEN/NOTIFY
(and polls), claims a job with ``FOR UPDATE SKIP LOCKED`` (so no two workers, in
any process or host, run the same job), heart-beats, and runs the backtest
through the compiled core while it reports progress into ``runtime.jobs``.

The job's life is a state machine in SQL; this module orchestrates, SQL decides:

* ``core.job_start`` (PENDING -> RUNNING, one more attempt, a lease),
* ``core.job_progress`` (progress, the attempt's run, lease renewed; true = cancel),
* ``core.job_finish`` (-> SUCCEEDED, FAILED or CANCELLED; a failed attempt's rows go),
* ``core.job_requeue`` (a transient fault: the attempt's rows go, then PENDING after
  a backoff, or FAILED once the attempts are spent, or CANCELLED if asked),
* ``core.job_heartbeat`` (the worker renews the leases of the jobs it runs),
* ``core.job_recover`` (the sweep every worker runs: a RUNNING job whose lease ran
  out is requeued, and the queue is brought in step with ``runtime.jobs``).

States, ``runtime.jobs.status`` against procrastinate's ``procrastinate_jobs.status``
of the job's current queue entry (``runtime.jobs.queue_job_id``):

=========== ===================================================================
PENDING     ``todo`` (``scheduled_at`` = when a retry is due); ``doing`` for the
            instant between a worker's claim and ``core.job_start``
RUNNING     ``doing``, and a worker renews the lease
SUCCEEDED   ``succeeded``
FAILED      ``failed``
CANCELLED   ``cancelled`` (cancelled while pending) or ``aborted`` (while running)
=========== ===================================================================

An entry whose attempt was taken over by the recovery sweep ends ``aborted`` and
the job gets a new entry, so a late answer of a worker presumed dead cannot touch
the new attempt.

Faults. A transient database error during a run (connection lost, server restart,
admin shutdown, serialization failure: :func:`is_transient`) makes the task reconnect
(for up to ``Policy.reconnect`` seconds) and call ``core.job_requeue``; a PENDING
answer raises :class:`JobRequeued`, whose ``retry_at`` procrastinate's own retry
machinery (:class:`SqlRetry`) uses to put the same entry back to ``todo``. A worker
that dies stops renewing its lease and heart-beating; any other worker's sweep
requeues its job. A job is never RUNNING without a live worker for longer than its
lease.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import procrastinate
import psycopg
from procrastinate import exceptions as pexc
from procrastinate.job_context import JobContext
from procrastinate.jobs import Job

from pycore.data.marketdata import MarketDataError
from pycore.run.config import BacktestRequest, ConfigError
from pycore.run.service import BacktestError, RunOptions, build_request, run_backtest

QUEUE = "backtests"
TASK = "run_backtest_job"
log = logging.getLogger("pycore.worker")


@dataclass(frozen=True)
class Policy:
    """How a worker treats faults (``python -m pycore.worker`` options)."""

    max_attempts: int = 5
    """attempts of a job before a transient fault fails it"""
    backoff: float = 2.0
    """seconds before the first retry; doubled per attempt, at most 300 s"""
    lease: float = 10.0
    """seconds a RUNNING job stays claimed without its worker renewing it"""
    stalled_after: float = 10.0
    """seconds without a procrastinate heartbeat before a worker counts as dead"""
    reconnect: float = 60.0
    """seconds a task keeps trying to reach the database after a fault, to settle its attempt"""


class JobCancelled(Exception):
    """The operator cancelled the job while it ran."""


class JobLost(Exception):
    """The attempt is not this worker's any more (the recovery sweep took it over, or it ended)."""


class JobFailed(Exception):
    """The job ended FAILED (runtime.jobs says why); procrastinate records it as failed."""


class JobRequeued(Exception):
    """A transient fault ended the attempt; core.job_requeue queued the job again for ``retry_at``."""

    def __init__(self, job_id: int, retry_at: dt.datetime, reason: str) -> None:
        super().__init__(f"job {job_id} retried at {retry_at.isoformat()}: {reason}")
        self.retry_at = retry_at


class SqlRetry(procrastinate.BaseRetryStrategy):
    """procrastinate's retry machinery, with the decision taken in SQL: ``core.job_requeue`` decided that the job
    runs again (limit, backoff) and the task raised :class:`JobRequeued`; any other exception is final."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> procrastinate.RetryDecision | None:
        if isinstance(exception, JobRequeued):
            return procrastinate.RetryDecision(retry_at=exception.retry_at)
        return None


TRANSIENT: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,  # connection lost or refused, AdminShutdown, CannotConnectNow, timeouts, pool timeouts
    psycopg.errors.SerializationFailure,
    psycopg.errors.DeadlockDetected,
)


def is_transient(exc: BaseException) -> bool:
    """A database fault that a new attempt may not meet: this error, or one it was raised from or while handling."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, TRANSIENT):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def describe_fault(exc: BaseException) -> str:
    """One line for the operator: the original transient error of the chain (what broke first)."""
    err, seen = exc, set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, TRANSIENT):
            err = cur
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"database fault ({type(err).__name__}: {text})" if text else f"database fault ({type(err).__name__})"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# the jobs this process runs: the lease keeper renews their leases
_running: set[int] = set()
_running_lock = threading.Lock()


def _track(job_id: int) -> None:
    with _running_lock:
        _running.add(job_id)


@contextmanager
def _tracked(job_id: int) -> Iterator[None]:
    """Untrack the job when its attempt is over; it is tracked from core.job_start on."""
    try:
        yield
    finally:
        with _running_lock:
            _running.discard(job_id)


def running_jobs() -> list[int]:
    with _running_lock:
        return sorted(_running)


def _params_to_request(params: dict[str, Any]) -> BacktestRequest:
    """The request of a job's parameters (as ``api.run_backtest`` stored them); BacktestError naming a bad field."""
    return build_request(
        params["strategy_id"],
        params["start_date"],
        params["end_date"],
        tuple(params.get("market_ids") or ()),
        portfolio_id=params.get("portfolio_id"),
        config_overrides=params.get("config_overrides"),
    )


def _lost_if_refused(exc: psycopg.Error, job_id: int) -> None:
    """PT409 from a transition: the attempt is not this worker's any more."""
    if exc.sqlstate == "PT409":
        raise JobLost(f"job {job_id}: {exc.diag.message_primary}") from None


def execute_job(
    url: str,
    job_id: int,
    *,
    queue_job_id: int | None = None,
    should_abort: Callable[[], bool] | None = None,
    policy: Policy = Policy(),
    chunk_days: int = 63,
) -> str:
    """Run one attempt of a job of runtime.jobs to its end.

    Returns ``"SUCCEEDED"``; raises :class:`JobFailed`, ``JobAborted`` (cancelled), :class:`JobRequeued` (a
    transient fault: run again at ``retry_at``) or :class:`JobLost` (the attempt was taken over), so that
    procrastinate records what ``runtime.jobs`` says.
    """
    me = worker_name()
    with _tracked(job_id):
        try:
            return _attempt(url, job_id, me, queue_job_id, should_abort, policy, chunk_days)
        except (JobRequeued, JobFailed, JobLost, pexc.JobAborted):
            raise
        except Exception as exc:
            if not is_transient(exc):
                raise
            return _after_fault(url, job_id, me, exc, policy)


def _attempt(
    url: str,
    job_id: int,
    me: str,
    queue_job_id: int | None,
    should_abort: Callable[[], bool] | None,
    policy: Policy,
    chunk_days: int,
) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("select core.job_start(%s, %s, %s, %s)", (job_id, me, queue_job_id, policy.lease)).fetchone()
        params = row[0] if row else None
        if params is None:
            return _not_started(conn, job_id, queue_job_id)
        _track(job_id)  # from now on the lease keeper renews its lease, until the attempt is settled
        reached = [0.0]

        def report(frac: float, day: dt.date | None = None, run_id: uuid.UUID | None = None) -> None:
            reached[0] = min(max(frac, 0.0), 1.0)
            try:
                cancel = conn.execute(
                    "select core.job_progress(%s, %s, %s, %s, %s, %s)",
                    (job_id, me, reached[0], day, run_id, policy.lease),
                ).fetchone()
            except psycopg.Error as exc:
                _lost_if_refused(exc, job_id)
                raise
            if (cancel and cancel[0]) or (should_abort is not None and should_abort()):
                raise JobCancelled(f"job {job_id} cancelled")

        def record_run(run_conn: psycopg.Connection[Any], run_id: uuid.UUID) -> None:
            """The attempt's run, recorded on the job in the transaction that registers the run: a worker that dies
            in between leaves neither, never a RUNNING run that no job knows (the recovery sweep fails the job's)."""
            try:
                run_conn.execute(
                    "select core.job_progress(%s, %s, %s, %s, %s, %s)",
                    (job_id, me, reached[0], None, run_id, policy.lease),
                )
            except psycopg.Error as exc:
                _lost_if_refused(exc, job_id)
                raise

        def finish(status: str, error: str | None) -> None:
            try:
                conn.execute("select core.job_finish(%s, %s, %s, %s)", (job_id, me, status, error))
            except psycopg.Error as exc:
                _lost_if_refused(exc, job_id)
                raise

        try:
            req = _params_to_request(params)
            run_backtest(
                req,
                RunOptions(
                    url=url,
                    progress=lambda frac, day, _days: report(frac, day),
                    chunk_days=chunk_days,
                    on_run_started=record_run,
                ),
            )
        except JobCancelled:
            finish("CANCELLED", None)
            log.info("job %s cancelled while running; its rows were removed", job_id)
            raise pexc.JobAborted(f"job {job_id} cancelled") from None
        except JobLost as exc:
            log.warning("%s; this worker stops it (its rows were removed)", exc)
            raise
        except Exception as exc:
            if is_transient(exc):
                raise
            if isinstance(exc, (BacktestError, ConfigError, MarketDataError)):
                error = str(exc)
            else:  # a worker must survive any job
                log.exception("job %s failed", job_id)
                error = f"{type(exc).__name__}: {exc}"
            finish("FAILED", error[:4000])
            raise JobFailed(error) from None
        finish("SUCCEEDED", None)
        return "SUCCEEDED"


def _not_started(conn: psycopg.Connection[Any], job_id: int, queue_job_id: int | None) -> str:
    """core.job_start refused: mirror the job's state into the queue entry."""
    row = conn.execute("select status, queue_job_id, error from runtime.jobs where job_id = %s", (job_id,)).fetchone()
    if row is None:
        raise JobLost(f"job {job_id} does not exist")
    status, current, error = row
    if queue_job_id is not None and current != queue_job_id:
        raise JobLost(f"job {job_id}: queue entry {queue_job_id} was superseded by {current}")
    if status == "CANCELLED":
        log.info("job %s was cancelled before it started; skipped", job_id)
        raise pexc.JobAborted(f"job {job_id} cancelled")
    if status == "SUCCEEDED":
        return "SUCCEEDED"
    if status == "FAILED":
        raise JobFailed(error or "failed")
    raise JobLost(f"job {job_id} is {status}, not PENDING")


def _after_fault(url: str, job_id: int, me: str, exc: BaseException, policy: Policy) -> str:
    """The attempt met a transient fault: reach the database again and let core.job_requeue decide."""
    reason = describe_fault(exc)
    log.warning("job %s: %s; settling the attempt", job_id, reason)
    deadline = time.monotonic() + policy.reconnect
    delay = 0.2
    while True:
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
                row = conn.execute(
                    "select job_status, retry_at from core.job_requeue(%s, %s, %s, %s, %s)",
                    (job_id, me, reason, policy.max_attempts, policy.backoff),
                ).fetchone()
            break
        except psycopg.Error as err:
            _lost_if_refused(err, job_id)
            if not is_transient(err) or time.monotonic() > deadline:
                log.error(
                    "job %s: cannot reach the database to settle the attempt (%s); the recovery sweep will", job_id, err
                )
                raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    assert row is not None
    status, retry_at = row
    if status == "PENDING":
        when = retry_at or dt.datetime.now(dt.UTC)
        log.warning("job %s requeued, due %s", job_id, when.isoformat(timespec="seconds"))
        raise JobRequeued(job_id, when, reason)
    if status == "SUCCEEDED":
        return "SUCCEEDED"
    if status == "CANCELLED":
        raise pexc.JobAborted(f"job {job_id} cancelled")
    if status == "FAILED":
        log.error("job %s FAILED: %s (attempts spent)", job_id, reason)
        raise JobFailed(reason)
    raise JobLost(f"job {job_id} is {status}")


class ResilientConnector(procrastinate.PsycopgConnector):
    """procrastinate's connector, whose LISTEN survives a server restart.

    procrastinate 3.10's pool checks connections before use (a restart costs nothing there), and its listener
    reconnects when its connection breaks, but it gives up, stopping the worker, if the server does not answer
    that very instant. Here it tries again with a backoff; polling covers the notifications missed meanwhile.
    """

    async def listen_notify(self, on_notification: Any, channels: Any) -> None:
        delay = 0.5
        while True:
            started = time.monotonic()
            try:
                await super().listen_notify(on_notification=on_notification, channels=channels)
            except pexc.ConnectorException as exc:
                if time.monotonic() - started > 30:
                    delay = 0.5
                log.warning(
                    "job notifications: database unreachable (%s); listening again in %.1f s",
                    exc.__cause__ or exc,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)


def make_app(url: str, policy: Policy = Policy()) -> procrastinate.App:
    app = procrastinate.App(connector=ResilientConnector(conninfo=url))

    @app.task(name=TASK, queue=QUEUE, pass_context=True, retry=SqlRetry())
    def run_backtest_job(context: JobContext, job_id: int) -> str:
        return execute_job(url, job_id, queue_job_id=context.job.id, should_abort=context.should_abort, policy=policy)

    return app


async def maintain(url: str, policy: Policy, every: float) -> None:
    """Renew the leases of this process's jobs, and sweep for the jobs of dead workers (core.job_recover).

    After the database was away, every worker missed renewals and heartbeats alike: the sweep waits one lease
    before judging anyone, so that the live workers renew theirs first.
    """
    me = worker_name()
    conn: psycopg.AsyncConnection[Any] | None = None
    failing = False
    grace_until = 0.0
    while True:
        try:
            if conn is None or conn.closed:
                conn = await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=5)
                if failing:
                    log.info("lease renewal and recovery sweep: the database answers again")
                    grace_until = time.monotonic() + policy.lease
                failing = False
            ids = running_jobs()
            if ids:
                cur = await conn.execute("select core.job_heartbeat(%s, %s, %s)", (me, ids, policy.lease))
                row = await cur.fetchone()
                for job_id in row[0] if row else []:
                    if job_id in running_jobs():
                        log.warning("job %s is no longer this worker's (taken over or ended)", job_id)
            if time.monotonic() >= grace_until:
                cur = await conn.execute(
                    "select job_id, job_status, queue_job_id, action from core.job_recover(%s, %s, %s)",
                    (policy.stalled_after, policy.max_attempts, policy.backoff),
                )
                for job_id, _status, queue_job_id, action in await cur.fetchall():
                    log.warning("recovered job %s (queue entry %s): %s", job_id, queue_job_id, action)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 -- the keeper must keep going; the database may be restarting
            if not failing:
                text = str(exc).strip()
                log.warning(
                    "lease renewal and recovery sweep failed (%s); retrying every %.1f s",
                    text.splitlines()[0] if text else type(exc).__name__,
                    every,
                )
            failing = True
            if conn is not None:
                await conn.close()
            conn = None
        await asyncio.sleep(every)


async def serve(
    url: str, *, one_shot: bool, heartbeat: float, stalled_after: float, policy: Policy | None = None, poll: float = 2.0
) -> None:
    """Run one procrastinate worker on the backtests queue in this process, with the lease keeper and the sweep."""
    if policy is None:
        # a one-shot worker drains the queue and leaves: it retries at once rather than after a backoff
        policy = Policy(lease=stalled_after, stalled_after=stalled_after, backoff=0.0 if one_shot else Policy.backoff)
    app = make_app(url, policy)
    async with app.open_async():
        keeper = asyncio.create_task(maintain(url, policy, max(0.2, min(heartbeat, policy.lease / 3))))
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                concurrency=1,
                wait=not one_shot,
                name=worker_name(),
                update_heartbeat_interval=heartbeat,
                stalled_worker_timeout=stalled_after,
                fetch_job_polling_interval=poll,
                install_signal_handlers=True,  # no graceful timeout: the job in hand finishes
            )
        finally:
            keeper.cancel()
