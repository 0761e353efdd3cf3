"""``python -m pycore.events [serve] [--host H] [--port P]``: the push service (:mod:`pycore.events`);
``python -m pycore.events watch JOB_ID``: follow a job live; ``python -m pycore.events bench``: delivery figures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request

from aiohttp import web

from pycore import project_root
from pycore.cli.errors import Parser, fail
from pycore.db import authenticator_url, database_url
from pycore.dev.cluster import DevDbError, ensure_running, free_port
from pycore.events import events_port
from pycore.events.app import EventService, make_app
from pycore.events.hub import Hub
from pycore.gateway.auth import jwt_secret


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-"):
        argv.insert(0, "serve")
    parser = Parser(prog="python -m pycore.events", description="Live updates: the push service and its clients.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="the push service (WebSocket /ws, Server-Sent Events /events, /health)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=events_port())
    serve.add_argument("--queue", type=int, default=256, help="events a client may have waiting before it is dropped")
    serve.add_argument("--heartbeat", type=float, default=15.0, help="seconds between heartbeats")
    serve.add_argument("--send-timeout", type=float, default=10.0, help="a send blocked this long drops the client")
    watch = sub.add_parser("watch", help="follow a job live until it ends")
    watch.add_argument("job_id", type=int)
    watch.add_argument("--url", default=f"http://127.0.0.1:{events_port()}", help="the push service")
    watch.add_argument("--api", default=f"http://127.0.0.1:{os.environ.get('PROMETHEUS_API_PORT', '3000')}")
    watch.add_argument("--token", default=os.environ.get("TOKEN"), help="a JWT (default: $TOKEN; none = web_anon)")
    bench = sub.add_parser("bench", help="delivery latency and events/s (starts its own service unless --url)")
    bench.add_argument("--url", help="a running push service, its --queue deeper than the burst (default: start one)")
    bench.add_argument("--clients", default="1,100", help="client counts to measure, e.g. 1,100")
    bench.add_argument("--pings", type=int, default=200)
    bench.add_argument("--burst", type=int, default=5000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "watch":
        from pycore.events.client import watch as follow

        try:
            status = asyncio.run(follow(args.url, args.api, args.job_id, args.token))
        except (OSError, LookupError, ConnectionError) as exc:
            return fail(exc, context=f"watch {args.job_id}")
        except KeyboardInterrupt:
            return 130
        return 0 if status == "SUCCEEDED" else 1
    if args.command == "bench":
        return _bench(args.url, tuple(int(n) for n in args.clients.split(",")), args.pings, args.burst)
    try:
        hub = Hub(
            ensure_running(authenticator_url()),
            queue_size=args.queue,
            heartbeat=args.heartbeat,
            send_timeout=args.send_timeout,
        )
    except DevDbError as exc:
        return fail(exc)
    web.run_app(make_app(EventService(hub, jwt_secret())), host=args.host, port=args.port, print=None, access_log=None)
    return 0


def _bench(url: str | None, clients: tuple[int, ...], pings: int, burst: int) -> int:
    from pycore.events.bench import print_figures, run_bench

    try:
        db = ensure_running(database_url())
    except DevDbError as exc:
        return fail(exc)
    proc = None
    if url is None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        # a queue deep enough for the burst: the bench measures delivery, not the slow-client rule
        cmd = [sys.executable, "-m", "pycore.events", "--port", str(port), "--queue", str(burst + pings + 16)]
        proc = subprocess.Popen(cmd, cwd=project_root(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url + "/health", timeout=2).read()
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                return fail("the push service did not start")
            time.sleep(0.2)
    try:
        print(f"push service {url}: {pings} pings one per transaction, then {burst} events in transactions of 100")
        print_figures(run_bench(db, url, clients, pings, burst, proc.pid if proc is not None else None))
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
    return 0
