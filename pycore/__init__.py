"""Prometheus v2 Python layer: set-up, data loading, database access, CLI."""

__version__ = "0.1.0"
