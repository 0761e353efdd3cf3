"""Errors as PostgREST answers them: a ``{code, message, details, hint}`` body and the status of its table."""

from __future__ import annotations

from typing import Any

import psycopg


class ApiError(Exception):
    """An error response: HTTP status, PostgREST's body, extra headers."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: str | None = None,
        hint: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details, self.hint = status, code, message, details, hint
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details, "hint": self.hint}


def parse_error(message: str, details: str | None = None) -> ApiError:
    """A URL the grammar cannot read (PGRST100, 400)."""
    return ApiError(400, "PGRST100", message, details)


def status_for_sqlstate(code: str, authenticated: bool) -> int:
    """PostgREST's table (references/errors: HTTP Status Codes)."""
    if code.startswith("PT") and len(code) == 5 and code[2:].isdigit():
        return int(code[2:])
    exact = {
        "23503": 409,
        "23505": 409,
        "25006": 405,
        "53400": 500,
        "P0001": 400,
        "42883": 404,
        "42P01": 404,
        "42501": 403 if authenticated else 401,
        "42P17": 500,
    }
    if code in exact:
        return exact[code]
    prefixes = {
        "08": 503,
        "09": 500,
        "0L": 403,
        "0P": 403,
        "25": 500,
        "28": 403,
        "2D": 500,
        "38": 500,
        "39": 500,
        "3B": 500,
        "40": 500,
        "53": 503,
        "54": 500,
        "55": 500,
        "57": 500,
        "58": 500,
        "F0": 500,
        "HV": 500,
        "P0": 500,
        "XX": 500,
        "22": 400,
        "23": 400,
        "42": 400,
    }
    return prefixes.get(code[:2], 400)


def from_database(exc: psycopg.Error, authenticated: bool) -> ApiError:
    """The response to an error the database raised: its SQLSTATE, message, detail and hint, the status by the table
    (an anonymous request refused a privilege is 401 with ``WWW-Authenticate``)."""
    diag = exc.diag
    code = diag.sqlstate or "XX000"
    return ApiError(
        status_for_sqlstate(code, authenticated),
        code,
        diag.message_primary or str(exc),
        diag.message_detail,
        diag.message_hint,
        {"WWW-Authenticate": "Bearer"} if code == "42501" and not authenticated else None,
    )
