"""The gateway's worker processes: several share the port, each reloads its schema cache on NOTIFY, a worker that
dies is replaced."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psycopg
import pytest
import requests

from tests.http.conftest import ROOT, Api, serve_gateway


def children(pid: int) -> list[int]:
    """The gateway's worker processes (spawned by multiprocessing; not its resource tracker)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for kid in (task / "children").read_text().split():
            try:
                if b"spawn_main" in Path(f"/proc/{kid}/cmdline").read_bytes():
                    out.append(int(kid))
            except FileNotFoundError:
                pass
    return out


def fresh_get(api: Api, path: str) -> requests.Response:
    """A request on a new connection (the kernel picks the worker per connection)."""
    return requests.get(api.base + path, headers={"Connection": "close"}, timeout=30)


def test_workers_share_the_port_and_all_reload(conformance_api: Api) -> None:
    if os.environ.get("PGRST_URL"):
        pytest.skip("the gateway's own processes")
    with serve_gateway(conformance_api.db_url, ROOT / ".pytest-gateway-workers.log", workers=2) as api:
        assert api.proc is not None
        workers = children(api.proc.pid)
        assert len(workers) == 2, workers
        assert all(fresh_get(api, "/cf_items?select=id&id=eq.1").json() == [{"id": 1}] for _ in range(20))
        with psycopg.connect(api.db_url, autocommit=True) as conn:
            conn.execute("create function api.cf_late() returns int language sql immutable as $$ select 7 $$")
            conn.execute("grant execute on function api.cf_late() to web_anon")
            conn.execute("notify pgrst, 'reload schema'")
        try:
            time.sleep(1.0)
            answers = [fresh_get(api, "/rpc/cf_late").status_code for _ in range(20)]
            assert answers == [200] * 20, "every worker process reloaded its schema cache"
            # a worker that dies is replaced, and the port keeps answering
            victim = workers[0]
            os.kill(victim, signal.SIGKILL)
            deadline = time.monotonic() + 20
            while victim in children(api.proc.pid) or len(children(api.proc.pid)) < len(workers):
                assert time.monotonic() < deadline, "the supervisor did not replace the worker"
                time.sleep(0.1)
            time.sleep(1.5)
            assert all(fresh_get(api, "/rpc/cf_late").status_code == 200 for _ in range(20))
        finally:
            with psycopg.connect(api.db_url, autocommit=True) as conn:
                conn.execute("drop function api.cf_late()")
                conn.execute("notify pgrst, 'reload schema'")
