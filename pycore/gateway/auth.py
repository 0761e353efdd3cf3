"""JWT authentication as PostgREST does it: HS256 tokens whose ``role`` claim is the database role of the request.

No ``Authorization`` header: the anonymous role. A malformed, forged or expired token: 401 ``PGRST301``. The
secret is ``PGRST_JWT_SECRET`` (PostgREST's own variable), else a development secret kept in the run directory.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

import jwt

from pycore import project_root
from pycore.gateway.errors import ApiError
from pycore.gateway.grammar import IDENT


def claims(authorization: str | None, secret: str, anon_role: str) -> dict[str, Any]:
    """The JWT claims of a request (``{"role": anon_role}`` without a token), their ``role`` a valid role name."""
    if not authorization:
        return {"role": anon_role}
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(
            401,
            "PGRST301",
            "Expected a Bearer token in the Authorization header",
            headers={"WWW-Authenticate": 'Bearer error="invalid_request"'},
        )
    try:
        decoded = jwt.decode(token.strip(), secret, algorithms=["HS256"], options={"require": []})
    except jwt.ExpiredSignatureError:
        raise ApiError(
            401,
            "PGRST301",
            "JWT expired",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token", error_description="JWT expired"'},
        ) from None
    except jwt.PyJWTError as exc:
        raise ApiError(
            401, "PGRST301", f"JWT invalid: {exc}", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        ) from None
    if not isinstance(decoded, dict):
        raise ApiError(401, "PGRST301", "JWT claims must be a JSON object")
    decoded.setdefault("role", anon_role)
    if not isinstance(decoded["role"], str) or not IDENT.match(decoded["role"]):
        raise ApiError(401, "PGRST301", "JWT role claim is not a role name")
    return decoded


def jwt_secret() -> str:
    """PGRST_JWT_SECRET, else a development secret kept in .run/jwt_secret (created once)."""
    secret = os.environ.get("PGRST_JWT_SECRET")
    if secret:
        return secret
    path = Path(os.environ.get("PROMETHEUS_RUN_DIR", project_root() / ".run")) / "jwt_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def make_token(role: str, secret: str | None = None, ttl_seconds: int = 3600 * 24, **extra: Any) -> str:
    """A signed JWT for ``role`` (24 h by default), with the development secret unless one is given."""
    payload = {"role": role, "exp": int(time.time()) + ttl_seconds, **extra}
    return jwt.encode(payload, secret or jwt_secret(), algorithm="HS256")
