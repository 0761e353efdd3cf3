"""The hub of the push service: one LISTEN connection, a sequence number per event, fan-out to bounded client queues.

Events come from SQL (``NOTIFY prometheus_events``: triggers on the small state tables and
``core.run_chunk_committed``); the hub numbers them (``seq``, per ``epoch``: one epoch per start of the service), keeps
the last few hundred for clients that reconnect, and offers each to every subscribed client, in full or reduced to its
status depending on what the client's role may read (``api.event_topics()``, asked of the database as that role).
A client whose queue is full is dropped (WebSocket close code 4008): a slow reader never holds up the others.
When the database connection is lost the hub reconnects with a backoff, LISTENs again and tells every client to
refetch, since events of the outage are lost. The hub keeps nothing that matters across restarts.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

log = logging.getLogger("pycore.events")

CHANNEL = "prometheus_events"
KINDS = ("job", "run", "chunk", "proposal", "data")
"""The event kinds SQL sends; ``api.event_topics()`` says which of them a role receives in full."""
STATUS_FIELDS: dict[str, tuple[str, ...]] = {
    "job": ("job_id", "status", "progress", "progress_date", "run_id"),
    "run": ("run_id", "status"),
    "chunk": ("run_id", "job_id", "through", "progress", "part", "parts"),
    "proposal": ("proposal_id", "strategy_id", "status"),
    "data": ("batch_id", "target"),
}
"""What a role that may not read a kind's read model still sees of it: ids and status."""
PUBLIC_KINDS = ("ping",)
"""Kinds every client receives as they are (``ping``: the latency probe of the bench)."""
CONTROL_KINDS = ("refetch", "database")
"""The service's own messages in the numbered stream, past every filter: refetch, and the database going down."""
CLOSE_TOO_SLOW = 4008
"""WebSocket close code of a client dropped because it did not read its events fast enough."""
SERVICE_STOPS = "the service stops"
"""Why every client is closed when the service shuts down (WebSocket close code 1001, going away)."""


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), default=str)


@dataclass
class Filter:
    """What a client asked for: kinds (empty = all) and one job (then its run's events too)."""

    kinds: frozenset[str] = frozenset()
    job_id: int | None = None
    run_ids: set[str] = field(default_factory=set)

    def admits(self, event: dict[str, Any]) -> bool:
        kind = str(event.get("type"))
        if kind in CONTROL_KINDS:
            return True
        if self.kinds and kind not in self.kinds:
            return False
        if self.job_id is None:
            return True
        if kind == "job":
            if event.get("job_id") != self.job_id:
                return False
            if event.get("run_id"):
                self.run_ids.add(str(event["run_id"]))
            return True
        if kind in ("run", "chunk"):
            return event.get("job_id") == self.job_id or str(event.get("run_id")) in self.run_ids
        return kind in PUBLIC_KINDS


class Client:
    """One subscriber: its role's topics, its filter, a bounded queue of rendered messages and the task sending them."""

    def __init__(self, role: str, topics: frozenset[str], flt: Filter, queue_size: int) -> None:
        self.role = role
        self.topics = topics
        self.filter = flt
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=queue_size)
        self.dropped: str | None = None
        self.pump: asyncio.Task[None] | None = None
        self.connected_at = time.time()

    def render(self, event: dict[str, Any], rendered: dict[bool, str]) -> str | None:
        """The message this client gets for ``event`` (``rendered`` caches full and status forms), or None."""
        if not self.filter.admits(event):
            return None
        kind = str(event.get("type"))
        full = kind in self.topics or kind in PUBLIC_KINDS or kind not in STATUS_FIELDS
        if full not in rendered:
            if full:
                rendered[full] = _dumps(event)
            else:
                keep = ("seq", "epoch", "type", "at", *STATUS_FIELDS[kind])
                rendered[full] = _dumps({k: event[k] for k in keep if k in event})
        return rendered[full]

    def offer(self, message: str) -> bool:
        try:
            self.queue.put_nowait(message)
            return True
        except asyncio.QueueFull:
            return False


class Hub:
    """The service's state: the LISTEN task, the clients, the event ring for resumption, the topic cache."""

    def __init__(
        self,
        conninfo: str,
        *,
        queue_size: int = 256,
        ring_size: int = 1024,
        heartbeat: float = 15.0,
        send_timeout: float = 10.0,
        check_every: float = 2.0,
    ) -> None:
        self.conninfo = conninfo
        self.queue_size = queue_size
        self.heartbeat = heartbeat
        self.send_timeout = send_timeout
        self.check_every = check_every
        self.epoch = uuid.uuid4().hex[:12]
        self.seq = 0
        self.ring: collections.deque[dict[str, Any]] = collections.deque(maxlen=ring_size)
        self.clients: set[Client] = set()
        self.dropped_total = 0
        self.database_up = False
        self.listens = 0
        self._topics: dict[str, frozenset[str]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.listening = asyncio.Event()

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._beat())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for client in list(self.clients):
            self._close(client, None)

    # ------------------------------------------------------------ the database side
    async def _listen(self) -> None:
        backoff = 0.25
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.conninfo, autocommit=True, connect_timeout=5
                ) as conn:
                    await conn.execute(f"listen {CHANNEL}")
                    self.listens += 1
                    self.database_up = True
                    backoff = 0.25
                    self._topics.clear()
                    if self.listens > 1:
                        log.info("listening on %s again; clients are told to refetch", CHANNEL)
                        await self._refresh_topics()
                        self.publish({"type": "refetch", "reason": "the database connection was restored"})
                    else:
                        log.info("listening on %s", CHANNEL)
                    self.listening.set()
                    while True:
                        async for note in conn.notifies(timeout=self.check_every):
                            self.dispatch(note.payload)
                            # let the clients' senders run between two events of a burst (a transaction's NOTIFYs
                            # arrive together): a client that keeps up never sees its queue fill
                            await asyncio.sleep(0)
                        await conn.execute("select 1")  # quiet: is the server still there?
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 -- the server went away (restart, shutdown, network): reconnect
                if self.database_up:
                    log.warning("lost the database (%s); reconnecting", str(exc).strip().splitlines()[0:1])
                    self.publish({"type": "database", "up": False})
                self.database_up = False
                self.listening.clear()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def topics_of(self, role: str) -> frozenset[str]:
        """The kinds ``role`` receives in full: ``api.event_topics()`` asked as that role (cached per role)."""
        cached = self._topics.get(role)
        if cached is not None:
            return cached
        conn = await psycopg.AsyncConnection.connect(self.conninfo, connect_timeout=5)
        async with conn, conn.transaction():
            await conn.execute("select set_config('role', %s, true)", (role,))
            row = await (await conn.execute("select api.event_topics()")).fetchone()
        topics = frozenset(row[0] if row and row[0] else ())
        self._topics[role] = topics
        return topics

    async def _refresh_topics(self) -> None:
        for client in list(self.clients):
            with contextlib.suppress(psycopg.Error, OSError):
                client.topics = await self.topics_of(client.role)

    # ------------------------------------------------------------ fan-out
    def dispatch(self, payload: str) -> None:
        """A notification's payload: numbered and offered to every client."""
        try:
            event = json.loads(payload)
        except ValueError:
            log.warning("ignored a notification that is not JSON: %.80s", payload)
            return
        if not isinstance(event, dict) or str(event.get("type")) not in (*KINDS, *PUBLIC_KINDS):
            log.warning("ignored a notification of no known kind: %.80s", payload)
            return
        self.publish(event)

    def publish(self, event: dict[str, Any]) -> None:
        self.seq += 1
        numbered = {"seq": self.seq, "epoch": self.epoch, **event}
        self.ring.append(numbered)
        rendered: dict[bool, str] = {}
        for client in list(self.clients):
            message = client.render(numbered, rendered)
            if message is not None and not client.offer(message):
                self.drop(client, f"too slow: {self.queue_size} events waiting")

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            beat = _dumps(
                {
                    "type": "heartbeat",
                    "seq": self.seq,
                    "epoch": self.epoch,
                    "database": "up" if self.database_up else "down",
                    "at": time.time(),
                }
            )
            for client in list(self.clients):
                if not client.offer(beat):
                    self.drop(client, f"too slow: {self.queue_size} events waiting")

    # ------------------------------------------------------------ clients
    async def subscribe(
        self, role: str, flt: Filter, since_epoch: str | None = None, since_seq: int | None = None
    ) -> Client:
        """A new client: its hello, then what it missed since ``since_seq`` of ``since_epoch`` or a refetch signal."""
        try:
            topics = await self.topics_of(role)
        except (psycopg.OperationalError, OSError):
            topics = frozenset()  # the database is down: status only until it is back (then refreshed)
        client = Client(role, topics, flt, self.queue_size)
        client.offer(
            _dumps(
                {
                    "type": "hello",
                    "epoch": self.epoch,
                    "seq": self.seq,
                    "role": role,
                    "topics": sorted(topics),
                    "heartbeat": self.heartbeat,
                    "database": "up" if self.database_up else "down",
                }
            )
        )
        if since_seq is not None:
            missed = [e for e in self.ring if e["seq"] > since_seq]
            complete = (
                since_epoch == self.epoch
                and since_seq <= self.seq
                and (since_seq == self.seq or (missed and missed[0]["seq"] == since_seq + 1))
                and len(missed) < self.queue_size // 2
            )
            if complete:
                rendered: dict[int, dict[bool, str]] = collections.defaultdict(dict)
                for event in missed:
                    message = client.render(event, rendered[event["seq"]])
                    if message is not None:
                        client.offer(message)
            else:
                reason = "the service restarted" if since_epoch != self.epoch else "events were missed"
                client.offer(_dumps({"type": "refetch", "reason": reason, "epoch": self.epoch, "seq": self.seq}))
        self.clients.add(client)
        return client

    def unsubscribe(self, client: Client) -> None:
        self.clients.discard(client)

    def drop(self, client: Client, reason: str) -> None:
        """Stop serving a client that does not keep up; its handler closes the connection (code 4008)."""
        if client.dropped is not None:
            return
        self.dropped_total += 1
        log.info("dropped a %s client: %s", client.role, reason)
        self._close(client, reason)

    def _close(self, client: Client, reason: str | None) -> None:
        client.dropped = reason or SERVICE_STOPS
        self.clients.discard(client)
        while not client.queue.empty():
            client.queue.get_nowait()
        client.queue.put_nowait(None)
        if client.pump is not None:
            client.pump.cancel()

    async def pump(self, client: Client, send: Callable[[str], Awaitable[None]]) -> None:
        """Send the client's queue until it is dropped; a send that blocks longer than ``send_timeout`` drops it."""
        while True:
            message = await client.queue.get()
            if message is None:
                return
            try:
                await asyncio.wait_for(send(message), self.send_timeout)
            except TimeoutError:
                self.drop(client, f"a send took more than {self.send_timeout} s")
                return

    def health(self) -> dict[str, Any]:
        return {
            "epoch": self.epoch,
            "seq": self.seq,
            "database": "up" if self.database_up else "down",
            "clients": len(self.clients),
            "dropped": self.dropped_total,
            "listens": self.listens,
        }
