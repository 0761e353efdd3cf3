"""``python -m pycore.deploy [deploy|rebase|verify|revert|status]``: sqitch on the project's database (:mod:`pycore.dev.deploy`)."""

from __future__ import annotations

import psycopg

from pycore.cli.errors import Parser, fail
from pycore.db import database_url
from pycore.dev.cluster import DevDbError, ensure_running
from pycore.dev.deploy import DeployError, deploy, find_drift, sqitch


def main(argv: list[str] | None = None) -> int:
    parser = Parser(
        prog="python -m pycore.deploy", description="Deploy the schema with sqitch against the project's database."
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="deploy",
        choices=["deploy", "rebase", "verify", "revert", "status"],
        help="rebase: redeploy from the first deployed change whose deploy script was edited",
    )
    args = parser.parse_args(argv)
    try:
        url = ensure_running(database_url())
        if args.command == "deploy":
            deploy(url)
        elif args.command == "rebase":
            if deploy(url, on_drift="rebase") is None:
                print("no deployed change was edited since it was deployed")
        else:
            sqitch(args.command, url)
            if args.command == "status" and (drift := find_drift(url)) is not None:
                print(f"edited since deployed: {drift.line()}; run: python -m pycore.deploy rebase")
    except (DevDbError, DeployError, psycopg.Error) as exc:
        return fail(exc)
    return 0
