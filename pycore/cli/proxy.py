"""``python -m pycore.proxy [--port 8000] [--upstream HOST:PORT]``: nginx with the seed's URLs (:mod:`pycore.dev.proxy`).

The process becomes nginx (same pid), so the pid the stack records is nginx's master process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pycore.cli.errors import Parser, fail
from pycore.dev.proxy import ProxyError, default_prefix, prepare, proxy_port


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m pycore.proxy", description="The seed's URLs through nginx in front of the API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=proxy_port())
    parser.add_argument(
        "--upstream",
        default=f"127.0.0.1:{os.environ.get('PROMETHEUS_API_PORT', '3000')}",
        help="HOST:PORT of the API (the gateway or PostgREST)",
    )
    parser.add_argument("--prefix", type=Path, default=default_prefix())
    args = parser.parse_args(argv)
    try:
        cmd = prepare(args.prefix, args.port, args.upstream, host=args.host)
    except ProxyError as exc:
        return fail(exc)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)  # nginx takes this process over: same pid
