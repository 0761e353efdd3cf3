"""``python -m pycore.gateway --bench``: the gateway under the console's status reads.

Starts the gateway (``--workers`` processes) over the development database, or measures a running server
(``--url``), then for 1, 8 and 32 concurrent clients sends the requests the C2 console polls (status overview,
portfolio, risk, jobs, runs with a count), round robin, each client one request at a time on a kept-alive
connection, for ``--seconds`` each, and prints requests/s and p50/p95/p99 latency. Every answer must be 2xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import aiohttp

from pycore import project_root

# what the console reads while it polls (c2/src/net/ApiClient.gd)
STATUS_READS: list[tuple[str, dict[str, str]]] = [
    ("/status_overview", {}),
    ("/status_portfolio?portfolio_id=eq.MAIN&order=weight.desc", {}),
    ("/status_portfolio_risk?portfolio_id=eq.MAIN", {}),
    ("/jobs?order=job_id.desc&limit=20", {}),
    ("/backtest_runs?order=created_at.desc&limit=20", {"Prefer": "count=exact"}),
]
CLIENTS = (1, 8, 32)


@dataclass(frozen=True)
class Result:
    clients: int
    requests: int
    seconds: float
    errors: int
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        xs = sorted(self.latencies_ms)
        if not xs:
            return float("nan")
        k = (len(xs) - 1) * p
        lo = int(k)
        hi = min(lo + 1, len(xs) - 1)
        return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


async def _client(session: aiohttp.ClientSession, base: str, start: int, until: float, out: list[float]) -> int:
    errors = 0
    i = start
    while time.perf_counter() < until:
        path, headers = STATUS_READS[i % len(STATUS_READS)]
        i += 1
        t = time.perf_counter()
        async with session.get(base + path, headers=headers) as r:
            await r.read()
            if r.status >= 300:
                errors += 1
        out.append((time.perf_counter() - t) * 1000)
    return errors


async def measure(base: str, clients: int, seconds: float) -> Result:
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        # warm up: every worker process's pool and prepared statements
        await asyncio.gather(*(_client(session, base, i, time.perf_counter() + 0.5, []) for i in range(clients)))
        lat: list[float] = []
        t0 = time.perf_counter()
        errors = await asyncio.gather(*(_client(session, base, i, t0 + seconds, lat) for i in range(clients)))
        elapsed = time.perf_counter() - t0
    return Result(clients, len(lat), elapsed, sum(errors), lat)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _gateway(workers: int) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pycore.gateway", "--port", str(port), "--workers", str(workers)],
        cwd=project_root(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError("the gateway did not start: " + err[-2000:]) from None
                time.sleep(0.2)
        time.sleep(1.0)  # every worker process bound and its pool open
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_bench(*, url: str | None, workers: int, seconds: float) -> int:
    """Measure and print; exit 1 when any answer was an error."""
    with contextlib.ExitStack() as stack:
        base = url.rstrip("/") if url else stack.enter_context(_gateway(workers))
        where = base if url else f"a gateway of {workers} worker process(es) on {base}"
        print(f"console status reads against {where}, {seconds:g} s per client count, {os.cpu_count()} cores")
        print(f"{'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
        failed = False
        for clients in CLIENTS:
            res = asyncio.run(measure(base, clients, seconds))
            failed = failed or res.errors > 0
            print(
                f"{clients:>7} {res.requests:>9} {res.rate:>8.0f} {res.percentile(0.50):>8.1f} "
                f"{res.percentile(0.95):>8.1f} {res.percentile(0.99):>8.1f} {res.errors:>6}",
                flush=True,
            )
    return 1 if failed else 0
