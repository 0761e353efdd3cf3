"""A client of the push service: follow one job live (``python -m pycore.events watch JOB_ID``)."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from typing import Any, TextIO

import aiohttp

TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")


async def subscribe(base: str, token: str | None = None, **params: str | int) -> AsyncIterator[dict[str, Any]]:
    """The messages of one WebSocket subscription to ``base`` (``http://host:port``), until it closes."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    query = {k: str(v) for k, v in params.items()}
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(base.rstrip("/") + "/ws", params=query, headers=headers, heartbeat=None) as ws,
    ):
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                yield json.loads(msg.data)
            elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                break


def describe(event: dict[str, Any]) -> str | None:
    """One line for a terminal, or None for messages a reader need not see."""
    kind = event.get("type")
    if kind == "job":
        pct = float(event.get("progress") or 0) * 100
        line = f"job {event['job_id']} {event['status']} {pct:5.1f}%"
        if event.get("progress_date"):
            line += f" at {event['progress_date']}"
        if event.get("error"):
            line += f" ({event['error']})"
        return line
    if kind == "chunk":
        points = event.get("points") or []
        last = f", equity {points[-1][1]:,.2f} on {points[-1][0]}" if points else ""
        return f"chunk {event['from']}..{event['through']}: {len(points)} points{last}"
    if kind == "run":
        line = f"run {event['run_id']} {event['status']}"
        metrics = event.get("metrics") or {}
        shown = [f"{k} {metrics[k]:.4g}" for k in ("cagr", "sharpe_ratio", "max_drawdown") if k in metrics]
        return line + (": " + ", ".join(shown) if shown else "")
    if kind == "refetch":
        return f"(events may have been missed: {event.get('reason')}; the job is read again)"
    if kind == "database":
        return "(the database is unreachable; waiting)"
    return None


async def job_state(api: str, job_id: int, token: str | None = None) -> dict[str, Any]:
    """The job as the API shows it (``GET /jobs?job_id=eq.N``); LookupError when there is no such job."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as session:
        url = api.rstrip("/") + f"/jobs?job_id=eq.{job_id}"
        async with session.get(url, headers=headers) as resp:
            rows = await resp.json()
    if not isinstance(rows, list) or not rows:
        raise LookupError(f"no job {job_id}")
    return {"type": "job", **rows[0]}


async def watch(base: str, api: str, job_id: int, token: str | None = None, out: TextIO = sys.stdout) -> str:
    """Print a job's events until it ends (its state read over the API first, and again on a refetch signal)."""
    async for message in subscribe(base, token, job_id=job_id, types="job,run,chunk"):
        event = message
        if message.get("type") in ("hello", "refetch"):
            if message.get("type") == "refetch":
                print(describe(message), file=out, flush=True)
            event = await job_state(api, job_id, token)
        line = describe(event)
        if line:
            print(line, file=out, flush=True)
        if event.get("type") == "job" and event.get("status") in TERMINAL:
            return str(event["status"])
    raise ConnectionError("the push service closed the connection")
