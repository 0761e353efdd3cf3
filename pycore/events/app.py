"""The push service's HTTP side: ``GET /ws`` (WebSocket), ``GET /events`` (Server-Sent Events), ``GET /health``.

Authentication is the API's: a PostgREST-style JWT (``Authorization: Bearer``, or ``?token=`` where a client cannot
set headers), decoded by :mod:`pycore.gateway.auth` with ``PGRST_JWT_SECRET``; none means ``web_anon``. Query
parameters: ``types=job,chunk`` (kinds wanted; default all), ``job_id=N`` (one job and its run), ``since=SEQ`` and
``epoch=E`` (resume: the events missed since then, or a ``refetch`` message). SSE clients may resume with
``Last-Event-ID: EPOCH:SEQ`` instead, which their event ids are.

Every message is one JSON object with a ``type``: ``hello`` (epoch, last seq, role, topics), the events (``job``,
``run``, ``chunk``, ``proposal``, ``data``; each with ``seq`` and ``epoch``), ``heartbeat`` (the last seq: a client
that saw less missed something), ``refetch`` (read the state again over the API), ``database`` (it went down).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import web

from pycore.db.roles import ANON
from pycore.events.hub import CLOSE_TOO_SLOW, KINDS, SERVICE_STOPS, Filter, Hub
from pycore.gateway import auth
from pycore.gateway.errors import ApiError

log = logging.getLogger("pycore.events")

CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Authorization, Last-Event-ID"}


def _error(status: int, code: str, message: str) -> web.Response:
    body = {"code": code, "message": message, "details": None, "hint": None}
    return web.json_response(body, status=status, headers=CORS)


class EventService:
    """The aiohttp handlers over one :class:`Hub`."""

    def __init__(self, hub: Hub, jwt_secret: str, anon_role: str = ANON) -> None:
        self.hub = hub
        self.jwt_secret = jwt_secret
        self.anon_role = anon_role

    async def start(self, _app: web.Application) -> None:
        await self.hub.start()

    async def stop(self, _app: web.Application) -> None:
        await self.hub.stop()

    def _subscription(self, request: web.Request) -> tuple[str, Filter, str | None, int | None]:
        """Role, filter and resume point of a request; raises ApiError (401, 400)."""
        header = request.headers.get("Authorization")
        token = request.query.get("token")
        claims = auth.claims(header or (f"Bearer {token}" if token else None), self.jwt_secret, self.anon_role)
        q = request.query
        kinds = frozenset(k for k in q.get("types", "").split(",") if k)
        if kinds - set(KINDS) - {"ping"}:
            raise ApiError(400, "PGRST100", f"unknown event types: {', '.join(sorted(kinds - set(KINDS)))}")
        try:
            job_id = int(q["job_id"]) if q.get("job_id") else None
            epoch, since = q.get("epoch"), (int(q["since"]) if q.get("since") else None)
            last = request.headers.get("Last-Event-ID")
            if since is None and last and ":" in last:
                epoch, _, seq = last.partition(":")
                since = int(seq)
        except ValueError:
            raise ApiError(400, "PGRST100", "job_id and since must be integers") from None
        return str(claims["role"]), Filter(kinds=kinds, job_id=job_id), epoch, since

    async def handle_ws(self, request: web.Request) -> web.StreamResponse:
        try:
            role, flt, epoch, since = self._subscription(request)
        except ApiError as err:
            return _error(err.status, err.code, err.message)
        ws = web.WebSocketResponse(autoping=True, heartbeat=None)
        await ws.prepare(request)
        client = await self.hub.subscribe(role, flt, epoch, since)
        client.pump = asyncio.create_task(self.hub.pump(client, ws.send_str))
        reader = asyncio.create_task(self._read_until_closed(ws))
        try:
            await asyncio.wait([client.pump, reader], return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.hub.unsubscribe(client)
            for task in (client.pump, reader):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if not ws.closed:
                code = 1001 if client.dropped in (None, SERVICE_STOPS) else CLOSE_TOO_SLOW
                reason = (client.dropped or "going away")[:100].encode()
                try:
                    await asyncio.wait_for(ws.close(code=code, message=reason), 2.0)
                except (TimeoutError, ConnectionError):
                    if request.transport is not None:
                        request.transport.abort()
        return ws

    @staticmethod
    async def _read_until_closed(ws: web.WebSocketResponse) -> None:
        async for _msg in ws:  # clients send nothing we need; reading keeps pings answered and sees the close
            pass

    async def handle_sse(self, request: web.Request) -> web.StreamResponse:
        try:
            role, flt, epoch, since = self._subscription(request)
        except ApiError as err:
            return _error(err.status, err.code, err.message)
        resp = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
                **CORS,
            }
        )
        await resp.prepare(request)
        client = await self.hub.subscribe(role, flt, epoch, since)

        async def send(message: str) -> None:
            event: dict[str, Any] = json.loads(message)
            head = f"event: {event.get('type')}\n"
            if "seq" in event and event.get("type") not in ("hello", "heartbeat"):
                head = f"id: {event['epoch']}:{event['seq']}\n" + head
            await resp.write(f"{head}data: {message}\n\n".encode())

        client.pump = asyncio.create_task(self.hub.pump(client, send))
        try:
            await asyncio.wait([client.pump])
        finally:
            self.hub.unsubscribe(client)
            client.pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await client.pump
        if client.dropped not in (None, SERVICE_STOPS) and request.transport is not None:
            request.transport.abort()  # a stalled reader: no polite end, its buffers are full
        return resp

    async def handle_health(self, _request: web.Request) -> web.Response:
        return web.json_response(self.hub.health(), headers=CORS)


def make_app(service: EventService) -> web.Application:
    app = web.Application()
    app.router.add_get("/ws", service.handle_ws)
    app.router.add_get("/events", service.handle_sse)
    app.router.add_get("/health", service.handle_health)
    app.on_startup.append(service.start)
    # on shutdown, not cleanup: the streams end first (WebSocket 1001, the SSE response finished), so the server's
    # graceful shutdown has no open handler to wait for
    app.on_shutdown.append(service.stop)
    return app
