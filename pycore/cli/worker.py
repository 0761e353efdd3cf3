"""``python -m pycore.worker [--concurrency N] [--one-shot] ...``: the job workers and their supervisor (:mod:`pycore.jobs.worker`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from pycore.cli.errors import USAGE, Parser, fail
from pycore.db import writer_url
from pycore.dev.cluster import DevDbError, ensure_running
from pycore.jobs.tasks import QUEUE, Policy, log, serve, worker_name
from pycore.jobs.worker import Supervisor, die_with_parent


def main(argv: list[str] | None = None) -> int:
    parser = Parser(
        prog="python -m pycore.worker", description="Job workers: a supervisor of N procrastinate worker processes."
    )
    parser.add_argument("--concurrency", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--one-shot", action="store_true", help="run the queued jobs, then exit")
    parser.add_argument("--heartbeat", type=float, default=2.0, help="seconds between heartbeats (default 2)")
    parser.add_argument(
        "--stalled-after",
        type=float,
        default=10.0,
        help="seconds without heartbeat before a worker counts as dead, and the lease of a running job (default 10)",
    )
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=Policy.max_attempts,
        help="attempts of a job before a transient database fault fails it (default 5)",
    )
    parser.add_argument(
        "--retry-backoff",
        type=float,
        default=Policy.backoff,
        help="seconds before the first retry, doubled per attempt (default 2)",
    )
    parser.add_argument(
        "--reconnect-timeout",
        type=float,
        default=Policy.reconnect,
        help="seconds a job's attempt keeps trying to reach the database after a fault (default 60)",
    )
    parser.add_argument("--poll", type=float, default=2.0, help="seconds between polls of the queue (besides NOTIFY)")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.concurrency < 1:
        return fail("--concurrency must be at least 1", code=USAGE)
    if args.max_attempts < 1 or args.retry_backoff < 0 or args.heartbeat <= 0 or args.stalled_after <= args.heartbeat:
        return fail("need --max-attempts >= 1, --retry-backoff >= 0 and 0 < --heartbeat < --stalled-after", code=USAGE)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)  # its reconnection attempts during a restart; ours say it
    try:
        url = ensure_running(writer_url())
    except DevDbError as exc:
        return fail(exc)
    if args.child is None:
        child_args = [sys.executable, "-m", "pycore.worker", *(argv if argv is not None else sys.argv[1:])]
        return Supervisor(args.concurrency, child_args, args.one_shot).run()
    die_with_parent(args.child)
    policy = Policy(
        max_attempts=args.max_attempts,
        backoff=args.retry_backoff,
        lease=args.stalled_after,
        stalled_after=args.stalled_after,
        reconnect=args.reconnect_timeout,
    )
    log.info("worker %s serving queue %s", worker_name(), QUEUE)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(
                url,
                one_shot=args.one_shot,
                heartbeat=args.heartbeat,
                stalled_after=args.stalled_after,
                policy=policy,
                poll=args.poll,
            )
        )
    return 0
