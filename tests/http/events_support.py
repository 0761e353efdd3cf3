"""The push service (python -m pycore.events) as the tests start it: over a test database, on a free port."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from pycore.db import with_user
from tests.conftest import _free_port
from tests.http.conftest import ROOT, SECRET

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
    port = _free_port()
    env = {**os.environ, "PGRST_DB_URI": with_user(db_url, "authenticator"), "PGRST_JWT_SECRET": SECRET}
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "pycore.events", "--port", str(port), *extra], cwd=ROOT,
                                env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        events = Events(f"http://127.0.0.1:{port}", proc)
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(requests.ConnectionError):
                if events.health()["database"] == "up":
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the push service did not start: " + log_path.read_text()[-2000:])
            time.sleep(0.2)
        yield events
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
