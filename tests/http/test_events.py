"""Live updates: the push service (python -m pycore.events) over the HTTP suite's database, gateway and workers.

A job submitted over HTTP is followed over WebSocket and Server-Sent Events: its events arrive in order (queued,
running with rising progress, chunks whose equity points are the stored ones, succeeded) within a bound; a client that
stops reading is dropped without delaying another; a PostgreSQL restart ends in a refetch signal and the events resume.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import requests

from pycore.gateway.auth import make_token
from tests.http.conftest import SECRET, TERMINAL, Api, Workers
from tests.http.events_support import Events, serve_events

QUEUE = 64


@pytest.fixture(scope="module")
def events(api_db: str) -> Iterator[Events]:
    with serve_events(api_db, "--queue", str(QUEUE), "--heartbeat", "1") as ev:
        yield ev


class Received:
    """Messages a client received, each with the time it arrived; read in a thread of its own."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.closed: tuple[Any, ...] | None = None
        self.ended = threading.Event()  # the stream's reader returned

    def add(self, message: dict[str, Any]) -> None:
        message["_received"] = time.time()
        with self.lock:
            self.messages.append(message)

    def of(self, *kinds: str) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.messages if m.get("type") in kinds]

    def wait(self, what: str, probe: Callable[[Received], bool], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not probe(self):
            assert time.monotonic() < deadline, f"{what}: not within {timeout} s; last {self.messages[-3:]}"
            time.sleep(0.05)


def ws_client(base: str, token: str | None = None, **params: str) -> Received:
    """A WebSocket subscriber reading in a background thread until the server closes it."""
    got = Received()
    ready = threading.Event()

    async def run() -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with aiohttp.ClientSession() as session, session.ws_connect(
                base + "/ws", params=params, headers=headers, heartbeat=None, max_msg_size=0) as ws:
            ready.set()
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    got.add(json.loads(msg.data))
            got.closed = (ws.close_code,)

    threading.Thread(target=lambda: asyncio.run(run()), daemon=True).start()
    assert ready.wait(15), "the WebSocket did not open"
    got.wait("hello", lambda g: bool(g.of("hello")), 15)
    return got


def sse_client(base: str, **params: str) -> Received:
    """A Server-Sent Events subscriber (as curl -N reads it) in a background thread."""
    got = Received()
    resp = requests.get(base + "/events", params=params, stream=True, timeout=(10, 600))
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/event-stream")

    def run() -> None:
        ids: list[str] = []
        with contextlib.suppress(requests.RequestException):
            for line in resp.iter_lines(decode_unicode=True):
                if line.startswith("id: "):
                    ids.append(line[4:])
                elif line.startswith("data: "):
                    message = json.loads(line[6:])
                    message["_id"] = ids[-1] if ids else None
                    got.add(message)
        got.ended.set()

    threading.Thread(target=run, daemon=True).start()
    got.wait("hello", lambda g: bool(g.of("hello")), 15)
    return got


def notify(api: Api, payloads: list[dict[str, Any]]) -> None:
    """Send events from SQL in one transaction, as the state functions do."""
    api.sql("select pg_notify('prometheus_events', p) from unnest(%s::text[]) p", [json.dumps(p) for p in payloads])


def test_a_job_is_followed_over_websocket_and_sse_in_order(api: Api, workers: Workers, events: Events) -> None:
    ws = ws_client(events.base)
    sse = sse_client(events.base)
    workers.start()
    job_id = api.submit(strategy_id="US_CORE_LONG_EQ", start_date="2020-01-01", end_date="2020-12-31",
                        market_ids=["US_EQ"], portfolio_id="events.follow")
    done = lambda g: any(m.get("job_id") == job_id and m["status"] in TERMINAL for m in g.of("job"))  # noqa: E731
    ws.wait("the job's end over WebSocket", done, 240)
    sse.wait("the job's end over SSE", done, 30)

    jobs = [m for m in ws.of("job") if m["job_id"] == job_id]
    statuses = [m["status"] for m in jobs]
    assert statuses[0] == "PENDING" and statuses[-1] == "SUCCEEDED", statuses
    running = [m for m in jobs if m["status"] == "RUNNING"]
    assert statuses == ["PENDING"] + ["RUNNING"] * len(running) + ["SUCCEEDED"], statuses
    progress = [m["progress"] for m in running]
    assert progress == sorted(progress) and len(set(progress)) >= 4, f"progress does not rise: {progress}"

    run_id = jobs[-1]["run_id"]
    chunks = [m for m in ws.of("chunk") if m["run_id"] == run_id]
    assert len(chunks) >= 3, "a year in chunks of 63 sessions is announced chunk by chunk"
    assert all(m["job_id"] == job_id for m in chunks)
    points = [tuple(p) for m in chunks for p in m["points"]]
    stored = [(d.isoformat(), e) for d, e in api.sql(
        "select as_of_date, equity from runtime.backtest_daily_equity where run_id = %s order by as_of_date", run_id)]
    assert points == stored, "the chunk events hold exactly the stored equity points, in order"
    assert max(m["_received"] for m in chunks) < jobs[-1]["_received"]

    run_end = [m for m in ws.of("run") if m["run_id"] == run_id and m["status"] == "SUCCEEDED"]
    assert len(run_end) == 1
    metrics = api.sql("select metrics_json from runtime.backtest_runs where run_id = %s", run_id)[0][0]
    assert run_end[0]["metrics"]["sharpe_ratio"] == metrics["sharpe_ratio"]
    assert run_end[0]["metrics"]["final_equity"] == metrics["final_equity"]

    # one numbered stream: the seq rises by one per event, and both transports carry the same events
    seqs = [m["seq"] for m in ws.messages if m.get("type") not in ("hello", "heartbeat")]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "no event was skipped or reordered"
    mine = lambda g: [(m["type"], m["seq"]) for m in g.messages  # noqa: E731
                      if m.get("job_id") == job_id or m.get("run_id") == run_id]
    assert mine(sse) == mine(ws)
    assert all(m["_id"] == f"{m['epoch']}:{m['seq']}" for m in sse.of("job", "chunk", "run"))
    # within a bound: from the NOTIFY (sent at most one statement before COMMIT) to the client
    lag = max(m["_received"] - m["at"] for m in ws.of("job", "chunk", "run") if "at" in m)
    assert lag < 5.0, f"an event took {lag:.2f} s to arrive"


def test_a_job_filter_and_the_roles(api: Api, events: Events) -> None:
    anon = ws_client(events.base, job_id="999999999")
    hello = anon.of("hello")[0]
    assert hello["role"] == "web_anon" and hello["topics"] == ["chunk", "data", "job", "proposal", "run"]
    op = ws_client(events.base, token=make_token("operator", SECRET))
    assert op.of("hello")[0]["role"] == "operator"
    bad = requests.get(events.base + "/events", headers={"Authorization": "Bearer nonsense"}, timeout=10)
    assert bad.status_code == 401 and bad.json()["code"] == "PGRST301"
    assert requests.get(events.base + "/events?types=bogus", timeout=10).status_code == 400
    notify(api, [{"type": "job", "job_id": 1, "status": "RUNNING", "progress": 0.5}, {"type": "ping", "id": 1}])
    op.wait("both events", lambda g: bool(g.of("ping")) and bool(g.of("job")))
    time.sleep(0.3)
    assert not anon.of("job") and anon.of("ping"), "a client following one job sees no other job"


def test_a_reconnecting_client_gets_what_it_missed_or_a_refetch(api: Api, events: Events) -> None:
    first = ws_client(events.base, types="ping")
    notify(api, [{"type": "ping", "id": 1}])
    first.wait("ping 1", lambda g: bool(g.of("ping")))
    last = first.of("ping")[-1]
    notify(api, [{"type": "ping", "id": 2}, {"type": "ping", "id": 3}])
    first.wait("pings 2, 3", lambda g: len(g.of("ping")) == 3)
    again = ws_client(events.base, types="ping", since=str(last["seq"]), epoch=last["epoch"])
    again.wait("the missed pings", lambda g: len(g.of("ping")) == 2, 10)
    assert [m["id"] for m in again.of("ping")] == [2, 3] and not again.of("refetch")
    stale = sse_client(events.base, types="ping", since="1", epoch="an-old-epoch")
    stale.wait("a refetch", lambda g: bool(g.of("refetch")), 10)
    assert stale.of("refetch")[0]["reason"] == "the service restarted"


def _stalled_ws(base: str) -> socket.socket:
    """A WebSocket client that never reads: a tiny receive buffer, the handshake, then nothing."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws?types=ping HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert b" 101 " in head.split(b"\r\n")[0]
    return sock


def test_a_client_that_stops_reading_is_dropped_without_delaying_another(api: Api, events: Events) -> None:
    before = events.health()["dropped"]
    stalled = _stalled_ws(events.base)
    fast = ws_client(events.base, types="ping")
    pad = "x" * 6000
    n = 60 * 50
    t0 = time.time()
    for batch in range(60):  # transactions of 50 events (under the queue of 64), as fast as the reader takes them
        notify(api, [{"type": "ping", "id": batch * 50 + i, "pad": pad} for i in range(50)])
        # each batch well within the service's send timeout (10 s): the stalled client never holds the others up
        fast.wait("the batch at the reading client", lambda g, k=batch: len(g.of("ping")) == (k + 1) * 50, 5)
    took = fast.of("ping")[-1]["_received"] - t0
    assert took < 60, f"{n} events took {took:.1f} s to reach the reading client"
    assert [m["id"] for m in fast.of("ping")] == list(range(n))
    assert events.health()["dropped"] == before + 1, "the stalled client was dropped"
    # the stalled client's connection is closed by the server: after its buffered bytes, the end
    stalled.settimeout(10)
    with contextlib.suppress(ConnectionResetError):
        while stalled.recv(65536):
            pass
    stalled.close()
    print(f"{n} events of 6 kB reached the reading client in {took:.2f} s while another stalled")


def test_sigterm_closes_every_stream_and_stops_the_service_at_once(api_db: str, tmp_path: Path) -> None:
    """An operator's stop (SIGTERM) does not wait for the clients to leave: WebSockets are closed with 1001 (going
    away, so a console reconnects to the next service), Server-Sent Events streams end, and the process exits."""
    with serve_events(api_db, log_path=tmp_path / "events.log") as ev:
        ws, sse = ws_client(ev.base), sse_client(ev.base)
        t0 = time.monotonic()
        ev.proc.send_signal(signal.SIGTERM)
        assert ev.proc.wait(5) == 0
        assert time.monotonic() - t0 < 3, "the service stopped at once"
        ws.wait("the WebSocket closed", lambda g: g.closed is not None, 5)
        assert ws.closed == (1001,), "going away, not dropped as too slow (4008)"
        assert sse.ended.wait(5), "the event stream ended"


def test_a_postgres_restart_ends_in_a_refetch_and_events_resume(api: Api, events: Events,
                                                                 pg_restart: Callable[[], None]) -> None:
    ws = ws_client(events.base, types="ping")
    listens = events.health()["listens"]
    pg_restart()
    ws.wait("a refetch signal", lambda g: bool(g.of("refetch")), 30)
    refetch = ws.of("refetch")[0]
    assert refetch["reason"] == "the database connection was restored"
    assert events.health()["listens"] == listens + 1
    notify(api, [{"type": "ping", "id": 42}])
    ws.wait("events after the restart", lambda g: bool(g.of("ping")), 15)
    assert ws.of("ping")[0]["seq"] > refetch["seq"]
