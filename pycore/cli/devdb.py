"""``python -m pycore.devdb start|stop|status|url``: the embedded PostgreSQL cluster by hand (:mod:`pycore.dev.cluster`)."""

from __future__ import annotations

import os

from pycore.cli.errors import Parser, fail
from pycore.db import database_url, default_cluster
from pycore.dev.cluster import DevDbError, ensure_running, is_running, stop_cluster


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m pycore.devdb", description="The embedded PostgreSQL cluster of this work tree.")
    parser.add_argument("command", choices=["start", "stop", "status", "url"])
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            print(ensure_running(database_url()))
        elif args.command == "stop":
            print("stopped" if stop_cluster() else "not running")
        elif args.command == "status":
            c = default_cluster()
            print(f"{'running' if is_running(c) else 'stopped'}: {c.data_dir} port {c.port}")
        else:
            print(os.environ.get("DATABASE_URL") or default_cluster().url())
    except DevDbError as exc:
        return fail(exc)
    return 0
