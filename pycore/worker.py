"""Job workers: ``python -m pycore.worker [--concurrency N] [--one-shot]``.

Each worker process runs a procrastinate worker on the ``backtests`` queue (see
:mod:`pycore.jobqueue`): woken by LISTEN/NOTIFY, claims with SKIP LOCKED, heart-
beats, reports progress, honours cancel, requeues the jobs of dead workers
without duplicating rows, and shuts down gracefully on SIGTERM. ``--concurrency
N`` runs N processes (the compiled loop holds the GIL, so processes, not threads,
use several cores).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import subprocess
import sys
from typing import Any

from pycore.devdb import DevDbError, writer_url
from pycore.jobqueue import QUEUE, log, serve, worker_name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pycore.worker", description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--one-shot", action="store_true", help="run the queued jobs, then exit")
    parser.add_argument("--heartbeat", type=float, default=2.0, help="seconds between heartbeats")
    parser.add_argument("--stalled-after", type=float, default=10.0, help="seconds without heartbeat before a worker counts as dead")
    args = parser.parse_args(argv)
    if args.concurrency < 1:
        print("error: --concurrency must be at least 1", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    try:
        url = writer_url()
    except DevDbError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    children: list[subprocess.Popen[bytes]] = []
    if args.concurrency > 1:
        child_args = [sys.executable, "-m", "pycore.worker", "--heartbeat", str(args.heartbeat),
                      "--stalled-after", str(args.stalled_after)] + (["--one-shot"] if args.one_shot else [])
        children = [subprocess.Popen(child_args) for _ in range(args.concurrency - 1)]

        def forward(signum: int, _frame: Any) -> None:
            for c in children:
                c.send_signal(signum)
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, forward)
    log.info("worker %s serving queue %s (%d process%s)", worker_name(), QUEUE, args.concurrency, "es" if args.concurrency > 1 else "")
    try:
        asyncio.run(serve(url, one_shot=args.one_shot, heartbeat=args.heartbeat, stalled_after=args.stalled_after))
    except KeyboardInterrupt:
        pass
    finally:
        # procrastinate's own SIGTERM/SIGINT handler stopped this process's worker: stop the others the same way
        for c in children:
            if c.poll() is None:
                c.send_signal(signal.SIGTERM)
        for c in children:
            c.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
