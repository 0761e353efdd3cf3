"""``python -m pycore.load [--data-dir DIR]``: load the shipped market data into ``hist`` (:mod:`pycore.data.load`)."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pycore.cli.errors import Parser, fail
from pycore.data.load import LoadError, default_data_dir, load
from pycore.db import database_url
from pycore.dev.cluster import DevDbError, ensure_running
from pycore_ext.pricecsv import CsvRowError


def main(argv: list[str] | None = None) -> int:
    parser = Parser(
        prog="python -m pycore.load", description="Load the shipped market data into hist with binary COPY."
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (default: data/ of the project)")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    try:
        if not data_dir.is_dir():
            raise LoadError(f"data directory {data_dir} does not exist")
        report = load(ensure_running(database_url()), data_dir)
    except CsvRowError as exc:
        return fail(exc, context="load stopped, nothing was loaded")
    except (LoadError, DevDbError) as exc:
        return fail(exc)
    except psycopg.Error as exc:
        return fail(exc, context="load rolled back, nothing was loaded")
    print("\n".join(report.lines()))
    return 0
