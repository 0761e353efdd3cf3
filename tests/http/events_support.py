"""The push service (python -m pycore.events) as the tests start it: over a test database, on a free port."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from tests.http.conftest import ROOT, serve_service

LOG = ROOT / ".pytest-events.log"


class Events:
    """A push service this module started: its base URL and health."""

    def __init__(self, base: str, proc: subprocess.Popen[bytes]) -> None:
        self.base = base
        self.proc = proc

    def health(self) -> dict[str, Any]:
        return dict(requests.get(self.base + "/health", timeout=10).json())


@contextlib.contextmanager
def serve_events(db_url: str, *extra: str, log_path: Path = LOG) -> Iterator[Events]:
    with serve_service("pycore.events", list(extra), db_url, log_path,
                       lambda base: requests.get(base + "/health", timeout=10).json()["database"] == "up", "the push service",
                       append=True) as (base, proc):  # fmt: skip
        yield Events(base, proc)
