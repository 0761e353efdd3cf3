"""``python -m pycore.gateway [--host H] [--port P] [--workers N] [--token ROLE] [--bench]``: the PostgREST-compatible
gateway (:mod:`pycore.gateway`).

``--workers N`` (default: the machine's cores, ``PROMETHEUS_API_WORKERS``) runs N server processes that share the
port (``SO_REUSEPORT``: the kernel spreads connections over them), each with its own pool of connections and its
own schema cache (each listens for ``NOTIFY pgrst``). The first process supervises the others: a worker that dies is
replaced, SIGTERM stops them all. ``--bench`` measures the console's status reads instead
(:mod:`pycore.gateway.bench`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
from types import FrameType

from aiohttp import web

from pycore.cli.errors import Parser, fail
from pycore.db import authenticator_url
from pycore.dev.cluster import DevDbError, ensure_running
from pycore.gateway.app import Gateway, make_app
from pycore.gateway.auth import jwt_secret, make_token

log = logging.getLogger("pycore.gateway")


def _serve(conninfo: str, secret: str, host: str, port: int, pool_size: int, reuse_port: bool) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    gw = Gateway(conninfo, secret, pool_size=pool_size)
    web.run_app(make_app(gw), host=host, port=port, print=None, access_log=None, reuse_port=reuse_port)


def _supervise(conninfo: str, secret: str, host: str, port: int, workers: int, pool_size: int) -> int:
    """N server processes on one port; replaced when they die, all stopped on SIGTERM/SIGINT."""
    ctx = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> multiprocessing.process.BaseProcess:
        proc = ctx.Process(target=_serve, args=(conninfo, secret, host, port, pool_size, True), daemon=True)
        proc.start()
        return proc

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    procs = [start() for _ in range(workers)]
    log.info("gateway on %s:%d: %d worker processes (%s)", host, port, workers, ", ".join(str(p.pid) for p in procs))
    while not stopping:
        time.sleep(0.2)
        for i, proc in enumerate(procs):
            if not proc.is_alive() and not stopping:
                replacement = start()
                log.warning("gateway worker %s died (exit %s); started %s", proc.pid, proc.exitcode, replacement.pid)
                procs[i] = replacement
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.join(10)
        if proc.is_alive():
            proc.kill()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = Parser(
        prog="python -m pycore.gateway", description="A PostgREST-compatible gateway for development and CI."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PROMETHEUS_API_PORT", "3000")))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("PROMETHEUS_API_WORKERS", str(os.cpu_count() or 1))),
        help="server processes sharing the port (default: the machine's cores)",
    )
    parser.add_argument("--pool-size", type=int, default=4, help="database connections per worker process")
    parser.add_argument("--token", metavar="ROLE", help="print a JWT for ROLE (e.g. operator) and exit")
    parser.add_argument(
        "--bench",
        action="store_true",
        help="measure the console's status reads at 1, 8 and 32 clients against a gateway started for it",
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="with --bench: seconds per client count")
    parser.add_argument("--url", help="with --bench: measure this running server instead of starting one")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.token:
        print(make_token(args.token))
        return 0
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.bench:
        from pycore.gateway.bench import run_bench

        return run_bench(url=args.url, workers=args.workers, seconds=args.seconds)
    try:
        conninfo = ensure_running(authenticator_url())
    except DevDbError as exc:
        return fail(exc)
    secret = jwt_secret()
    if args.workers == 1:
        _serve(conninfo, secret, args.host, args.port, args.pool_size, False)
        return 0
    return _supervise(conninfo, secret, args.host, args.port, args.workers, args.pool_size)


if __name__ == "__main__":
    sys.exit(main())
