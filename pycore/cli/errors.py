"""The one way a command reports a failure it expects: one readable line on stderr, and an exit code.

``error: <what went wrong>`` (with a context first where it helps, e.g. ``load rolled back, nothing was loaded``);
a database error is reduced to PostgreSQL's primary message. Bad arguments exit 2 (:class:`Parser`), a refused or
failed command 1. Anything unexpected is not caught here: its traceback is the report.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

import psycopg

USAGE = 2
FAILED = 1


def error_line(exc: BaseException | str) -> str:
    """The readable text of an expected failure: the message, or a database error's primary message."""
    if isinstance(exc, str):
        return exc
    if isinstance(exc, psycopg.Error):
        primary = exc.diag.message_primary if exc.diag is not None else None
        text = (primary or str(exc)).strip()
        return text.splitlines()[0] if text else type(exc).__name__
    return str(exc).strip() or type(exc).__name__


def fail(exc: BaseException | str, *, context: str | None = None, code: int = FAILED) -> int:
    """Print ``error: [context: ]<message>`` to stderr and return ``code`` (the command's exit status)."""
    text = error_line(exc)
    print(f"error: {context}: {text}" if context else f"error: {text}", file=sys.stderr)
    return code


class Parser(argparse.ArgumentParser):
    """argparse, whose errors are one line (``error: ...``) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"error: {message}\n")
