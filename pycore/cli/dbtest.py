"""``python -m pycore.dbtest [--pytest ARGS...]``: the database test stage, then pytest (:mod:`pycore.dev.dbtest`).

What ``scripts/test.sh`` runs. Ctrl-C exits 130 and SIGTERM 143, after the ephemeral cluster is removed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from types import FrameType

import psycopg

from pycore.cli.errors import Parser, fail
from pycore.dev.cluster import DevDbError
from pycore.dev.dbtest import Terminated, both_at_once, run, run_child, server_for_tests
from pycore.dev.deploy import DeployError


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    parser = Parser(
        prog="python -m pycore.dbtest",
        description="Database test stage (sqitch round trip, then pgTAP with pg_prove), and the test command.",
    )
    parser.add_argument(
        "--pytest",
        nargs=argparse.REMAINDER,
        metavar="ARGS",
        help="also run pytest with these arguments (alongside the pgTAP stage on an ephemeral cluster; after it on DATABASE_URL)",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        if args.pytest is not None and not os.environ.get("DATABASE_URL"):
            return both_at_once(args.pytest)
        with server_for_tests() as (server_url, ephemeral):
            code = run(server_url, keep_on_failure=not ephemeral)
            if code != 0 or args.pytest is None:
                return code
            env = {**os.environ, "DATABASE_URL": server_url}
            return run_child([sys.executable, "-m", "pytest", *args.pytest], env)
    except (DevDbError, DeployError, psycopg.Error) as exc:
        return fail(exc)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated", file=sys.stderr)
        return 143
