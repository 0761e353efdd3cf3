"""Prometheus v2 Python layer: set-up, data loading, database access, CLI."""

from pathlib import Path

__version__ = "0.1.0"


def project_root() -> Path:
    """The work tree this package runs from: where ``sqitch.plan``, ``db/``, ``data/`` and ``.run/`` are."""
    return Path(__file__).resolve().parent.parent
