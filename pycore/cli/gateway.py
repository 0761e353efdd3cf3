"""``python -m pycore.gateway [--host H] [--port P] [--token ROLE]``: the PostgREST-compatible gateway (:mod:`pycore.gateway`)."""

from __future__ import annotations

import logging
import os

from aiohttp import web

from pycore.cli.errors import Parser, fail
from pycore.db import authenticator_url
from pycore.dev.cluster import DevDbError, ensure_running
from pycore.gateway.app import Gateway, make_app
from pycore.gateway.auth import jwt_secret, make_token


def main(argv: list[str] | None = None) -> int:
    parser = Parser(
        prog="python -m pycore.gateway", description="A PostgREST-compatible gateway for development and CI."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PROMETHEUS_API_PORT", "3000")))
    parser.add_argument("--token", metavar="ROLE", help="print a JWT for ROLE (e.g. operator) and exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.token:
        print(make_token(args.token))
        return 0
    try:
        gw = Gateway(ensure_running(authenticator_url()), jwt_secret())
    except DevDbError as exc:
        return fail(exc)
    web.run_app(make_app(gw), host=args.host, port=args.port, print=None, access_log=None)
    return 0
