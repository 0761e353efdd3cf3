"""Job workers and their supervisor (``python -m pycore.worker [--concurrency N] [--one-shot]``).

A supervisor process runs N worker processes (the compiled loop holds the GIL, so
processes, not threads, use several cores). Each runs a procrastinate worker on
the ``backtests`` queue (see :mod:`pycore.jobs.tasks`): woken by LISTEN/NOTIFY,
claims with SKIP LOCKED, heart-beats and renews the leases of its jobs, reports
progress, honours cancel, retries a job whose attempt met a transient database
fault (backoff, up to ``--max-attempts``), and sweeps for the jobs of dead workers.

The supervisor reaps a worker process that dies (killed, crashed, or stopped
because the database stayed away) and starts a replacement at once (after a
backoff if it keeps dying young), logging ``worker process <pid> died (signal 9);
started <newpid>``. On SIGTERM or SIGINT it stops the workers gracefully (each
finishes the job in hand) and starts no more. A worker process dies with its
supervisor (SIGKILL on the supervisor kills them too; their jobs are recovered
by the other workers' sweep).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

from pycore.jobs.tasks import QUEUE, log

PR_SET_PDEATHSIG = 1
YOUNG = 10.0  # a worker process that dies younger than this is restarted after a growing backoff
MAX_BACKOFF = 30.0


@dataclass
class Slot:
    """One of the N worker processes of the supervisor."""

    proc: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    death: str = ""
    done: bool = False
    pids: list[int] = field(default_factory=list)


class Supervisor:
    def __init__(self, n: int, child_args: list[str], one_shot: bool) -> None:
        self.slots = [Slot() for _ in range(n)]
        self.child_args = child_args
        self.one_shot = one_shot
        self.stopping = False

    def spawn(self, slot: Slot) -> int:
        proc = subprocess.Popen([*self.child_args, "--child", str(os.getpid())], process_group=0)
        slot.proc, slot.started, slot.restart_at = proc, time.monotonic(), None
        slot.pids.append(proc.pid)
        return proc.pid

    def stop(self, signum: int, _frame: Any) -> None:
        if not self.stopping:
            log.info(
                "supervisor: %s; stopping the worker processes (each finishes its job)", signal.Signals(signum).name
            )
        self.stopping = True
        for slot in self.slots:
            if slot.proc is not None and slot.proc.poll() is None:
                slot.proc.send_signal(signal.SIGTERM)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        pids = [self.spawn(s) for s in self.slots]
        log.info(
            "supervisor %d: %d worker process%s on queue %s: %s",
            os.getpid(),
            len(pids),
            "es" if len(pids) > 1 else "",
            QUEUE,
            " ".join(map(str, pids)),
        )
        while not all(s.done for s in self.slots):
            now = time.monotonic()
            for slot in self.slots:
                if slot.done:
                    continue
                if slot.proc is None:  # waiting to restart
                    if self.stopping:
                        slot.done = True
                    elif slot.restart_at is not None and now >= slot.restart_at:
                        new = self.spawn(slot)
                        log.warning("worker process %s; started %d", slot.death, new)
                    continue
                code = slot.proc.poll()
                if code is None:
                    continue
                old = slot.proc.pid
                slot.proc = None
                if self.stopping or (self.one_shot and code == 0):
                    slot.done = True
                    continue
                how = f"signal {-code}" if code < 0 else f"exit code {code}"
                slot.death = f"{old} died ({how})"
                if now - slot.started < YOUNG:
                    slot.quick_deaths += 1
                else:
                    slot.quick_deaths = 0
                wait = 0.0 if slot.quick_deaths <= 1 else min(2.0 ** (slot.quick_deaths - 2), MAX_BACKOFF)
                if wait == 0:
                    new = self.spawn(slot)
                    log.warning("worker process %s; started %d", slot.death, new)
                else:
                    slot.restart_at = now + wait
                    log.warning(
                        "worker process %s; it died young %d times in a row: restarting in %.0f s",
                        slot.death,
                        slot.quick_deaths,
                        wait,
                    )
            time.sleep(0.1)
        log.info("supervisor %d: every worker process stopped", os.getpid())
        return 0


def die_with_parent(parent: int) -> None:
    """SIGKILL this process when the supervisor dies (Linux); exit now if it already did."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        raise SystemExit(0)
