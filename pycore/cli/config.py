"""``python -m pycore.config schema-sql [--write|--check]``: the strategy config schema in SQL (:mod:`pycore.run.config`),
and the registry rows of the example strategies with their parameter schemas (:mod:`pycore.run.examples`)."""

from __future__ import annotations

import sys

from pycore import project_root
from pycore.cli.errors import Parser, fail
from pycore.run.config import SCHEMA_SQL_FILE, strategy_config_schema_sql
from pycore.run.examples import BUILTIN_SQL_FILE, builtin_strategies_sql


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m pycore.config", description="Strategy config schema tools.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    cmd = sub.add_parser("schema-sql", help=f"print the sqitch change {SCHEMA_SQL_FILE} generated from the models")
    mode = cmd.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"write it to {SCHEMA_SQL_FILE}")
    mode.add_argument("--check", action="store_true", help=f"exit 1 when {SCHEMA_SQL_FILE} differs from the models")
    args = parser.parse_args(argv)
    files = {SCHEMA_SQL_FILE: strategy_config_schema_sql(), BUILTIN_SQL_FILE: builtin_strategies_sql()}
    for name, text in files.items():
        target = project_root() / name
        if args.write:
            target.write_text(text)
            print(f"wrote {name}")
        elif args.check:
            if not target.is_file() or target.read_text() != text:
                return fail(f"{name} differs from pycore.run; run python -m pycore.config schema-sql --write")
        elif name == SCHEMA_SQL_FILE:  # printing shows the schema; --write and --check cover both files
            sys.stdout.write(text)
    return 0
