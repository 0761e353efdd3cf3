"""Delivery figures of the push service: latency from COMMIT to a client's receipt (p50/p95) with 1 and 100 clients,
and events/s sustained. Printed, never asserted (``python -m pycore.events bench``).

The probe events are ``ping`` notifications sent from SQL (``select pg_notify('prometheus_events', ...)``); the
clock starts just before each COMMIT and stops when a WebSocket client has parsed the message. Publisher and clients
share one process and one event loop (the service runs in its own): with 100 clients the figures include the
clients' own parsing.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psycopg


@dataclass
class Receiver:
    """One subscribed WebSocket client, recording when each ping arrived."""

    seen: dict[int, float] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, session: aiohttp.ClientSession, url: str) -> None:
        async with session.ws_connect(url, params={"types": "ping"}, heartbeat=None, max_msg_size=0) as ws:
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                now = time.time()
                event: dict[str, Any] = json.loads(msg.data)
                if event.get("type") == "hello":
                    self.ready.set()
                elif event.get("type") == "ping":
                    self.seen[int(event["id"])] = now


def _cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) of process ``pid`` so far, from /proc; 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def _measure(
    db_url: str, events_url: str, clients: int, pings: int, burst: int, service_pid: int | None
) -> dict[str, float]:
    ws_url = events_url.rstrip("/") + "/ws"
    receivers = [Receiver() for _ in range(clients)]
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(r.run(session, ws_url)) for r in receivers]
        await asyncio.wait_for(asyncio.gather(*(r.ready.wait() for r in receivers)), 60)
        async with await psycopg.AsyncConnection.connect(db_url) as conn:
            sent: dict[int, float] = {}
            # latency: one event per transaction, spaced so that they do not queue behind each other
            for i in range(pings):
                await conn.execute(
                    "select pg_notify('prometheus_events', %s)", (json.dumps({"type": "ping", "id": i}),)
                )
                sent[i] = time.time()
                await conn.commit()
                await asyncio.sleep(0.01)
            await _settle(receivers, pings, 30)
            latencies = [(r.seen[i] - sent[i]) * 1000 for r in receivers for i in range(pings) if i in r.seen]
            # throughput: transactions of 100 events, as fast as the publisher can send them
            start = time.time()
            cpu_service, cpu_bench = _cpu_seconds(service_pid), time.process_time()
            for base in range(pings, pings + burst, 100):
                await conn.execute(
                    "select pg_notify('prometheus_events', json_build_object('type', 'ping', 'id', i)::text)"
                    " from generate_series(%s::int, %s::int) i",
                    (base, min(base + 99, pings + burst - 1)),
                )
                await conn.commit()
            await _settle(receivers, pings + burst, 120)
            last = max(max(r.seen.values()) for r in receivers)
            cpu_service = _cpu_seconds(service_pid) - cpu_service
            cpu_bench = time.process_time() - cpu_bench
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    delivered = sum(len(r.seen) for r in receivers)
    return {
        "clients": clients,
        "p50_ms": statistics.median(latencies),
        "p95_ms": _pct(latencies, 0.95),
        "events_per_s": burst / (last - start),
        "deliveries_per_s": burst * clients / (last - start),
        "lost": clients * (pings + burst) - delivered,
        # CPU used during the burst, as a share of one core: the service's process and the bench's (publisher and
        # clients); near 100 means that process was the limit
        "service_cpu_pct": 100 * cpu_service / (last - start),
        "bench_cpu_pct": 100 * cpu_bench / (last - start),
    }


async def _settle(receivers: list[Receiver], count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while any(len(r.seen) < count for r in receivers) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


def run_bench(
    db_url: str,
    events_url: str,
    clients: tuple[int, ...] = (1, 100),
    pings: int = 200,
    burst: int = 5000,
    service_pid: int | None = None,
) -> list[dict[str, float]]:
    """Measure each client count in turn and return the figures (``service_pid``: to report the service's CPU)."""
    return [asyncio.run(_measure(db_url, events_url, n, pings, burst, service_pid)) for n in clients]


def print_figures(figures: list[dict[str, float]]) -> None:
    cores, load = os.cpu_count(), os.getloadavg()[0]
    print(
        f"{'clients':>8} {'p50 ms':>8} {'p95 ms':>8} {'events/s':>10} {'deliveries/s':>13} {'lost':>5}"
        f" {'service CPU':>12} {'bench CPU':>10}"
    )
    for f in figures:
        print(
            f"{f['clients']:>8.0f} {f['p50_ms']:>8.2f} {f['p95_ms']:>8.2f} {f['events_per_s']:>10.0f}"
            f" {f['deliveries_per_s']:>13.0f} {f['lost']:>5.0f}"
            f" {f['service_cpu_pct']:>11.0f}% {f['bench_cpu_pct']:>9.0f}%"
        )
    print(f"({cores} cores, load average {load:.1f} at the end; CPU during the burst, as a share of one core)")
