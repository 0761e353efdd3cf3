"""Live updates: the push service (``python -m pycore.events``) and its clients.

SQL announces what changes (``NOTIFY prometheus_events``: job states and progress, each committed chunk of a run with
its equity points, run completion with its headline metrics, proposals, new market data); :mod:`pycore.events.hub`
listens on one connection and fans the events out, numbered, to WebSocket and Server-Sent Events clients
(:mod:`pycore.events.app`) under the API's JWT rules; :mod:`pycore.events.client` follows them (``watch``) and
:mod:`pycore.events.bench` measures delivery.
"""

import os

DEFAULT_PORT = 3001
"""The push service's port (``PROMETHEUS_EVENTS_PORT``), beside the API's 3000."""


def events_port() -> int:
    """The push service's port: ``PROMETHEUS_EVENTS_PORT``, else :data:`DEFAULT_PORT`."""
    return int(os.environ.get("PROMETHEUS_EVENTS_PORT", str(DEFAULT_PORT)))
