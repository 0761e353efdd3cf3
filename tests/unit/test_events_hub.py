"""The push service's hub without a database: numbering, filters, the status-only form, resumption, dropping."""

from __future__ import annotations

import asyncio
import json

from pycore.events.hub import Filter, Hub


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def drain(client) -> list[dict]:  # type: ignore[no-untyped-def]
    out = []
    while not client.queue.empty():
        item = client.queue.get_nowait()
        if item is not None:
            out.append(json.loads(item))
    return out


def hub_with(topics: dict[str, frozenset[str]], **kw) -> Hub:  # type: ignore[no-untyped-def]
    hub = Hub("", **kw)
    hub._topics.update(topics)  # what api.event_topics() answered for each role
    return hub


def test_events_are_numbered_and_a_role_without_the_grant_sees_the_status_only() -> None:
    async def go() -> None:
        hub = hub_with({"full": frozenset({"job"}), "none": frozenset()})
        full = await hub.subscribe("full", Filter())
        none = await hub.subscribe("none", Filter())
        hub.dispatch(json.dumps({"type": "job", "job_id": 5, "status": "RUNNING", "progress": 0.5, "error": "x",
                                 "strategy_id": "S", "at": 1.0}))
        hub.dispatch("not json")
        hub.dispatch(json.dumps({"type": "unknown"}))
        hub.dispatch(json.dumps({"type": "ping", "id": 1}))
        a, b = drain(full), drain(none)
        assert [m["type"] for m in a] == ["hello", "job", "ping"] and [m["seq"] for m in a[1:]] == [1, 2]
        assert a[1]["strategy_id"] == "S" and a[1]["error"] == "x"
        assert b[1] == {"seq": 1, "epoch": hub.epoch, "type": "job", "at": 1.0, "job_id": 5, "status": "RUNNING",
                        "progress": 0.5}
        assert b[0]["topics"] == [] and a[0]["topics"] == ["job"]

    run(go())


def test_a_job_filter_follows_the_job_and_its_run() -> None:
    flt = Filter(job_id=7)
    assert flt.admits({"type": "job", "job_id": 7, "run_id": "r1"})
    assert not flt.admits({"type": "job", "job_id": 8, "run_id": "r2"})
    assert flt.admits({"type": "chunk", "run_id": "r1", "job_id": None})
    assert flt.admits({"type": "run", "run_id": "r1"}) and not flt.admits({"type": "run", "run_id": "r2"})
    assert flt.admits({"type": "refetch"}) and not flt.admits({"type": "proposal", "proposal_id": 1})
    assert not Filter(kinds=frozenset({"ping"})).admits({"type": "job", "job_id": 7})


def test_resuming_replays_what_was_missed_or_asks_to_refetch() -> None:
    async def go() -> None:
        hub = hub_with({"r": frozenset()}, ring_size=4)
        for i in range(6):
            hub.dispatch(json.dumps({"type": "ping", "id": i}))
        ok = await hub.subscribe("r", Filter(), hub.epoch, 4)
        assert [m.get("id") for m in drain(ok)] == [None, 4, 5]
        gone = await hub.subscribe("r", Filter(), hub.epoch, 1)  # seq 2 fell out of the ring
        assert [m["type"] for m in drain(gone)] == ["hello", "refetch"]
        other = await hub.subscribe("r", Filter(), "another", 6)
        assert drain(other)[1]["reason"] == "the service restarted"

    run(go())


def test_a_full_queue_drops_that_client_only() -> None:
    async def go() -> None:
        hub = hub_with({"r": frozenset()}, queue_size=3)
        slow = await hub.subscribe("r", Filter())
        fast = await hub.subscribe("r", Filter())
        for i in range(5):
            hub.dispatch(json.dumps({"type": "ping", "id": i}))
            drain(fast)
        assert slow.dropped is not None and slow not in hub.clients and fast in hub.clients
        assert hub.health()["dropped"] == 1 and fast.dropped is None

    run(go())
