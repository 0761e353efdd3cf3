"""Market-state engines (SQL), refreshed after a data load (``python -m pycore.engines [--force]``).

Refreshes the market-wide rows (run_id null) of ``runtime.regimes``,
``runtime.stability_vectors`` and ``runtime.fragility_measures`` from ``hist``
with ``core.run_regimes``, ``core.run_stability`` and ``core.run_fragility``.
Skipped when they are newer than the last data load, unless ``--force``.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg

ENGINES = ("run_regimes", "run_stability", "run_fragility")


def is_fresh(conn: psycopg.Connection[Any], market_id: str) -> bool:
    row = conn.execute(
        """
        select (select max(loaded_at) from hist.load_batches) <= least(
                 (select max(created_at) from runtime.regimes where run_id is null),
                 (select max(created_at) from runtime.stability_vectors where run_id is null and entity_id = %s),
                 (select max(f.created_at) from runtime.fragility_measures f where f.run_id is null))
        """,
        (market_id,),
    ).fetchone()
    return bool(row and row[0])


def refresh_market_state(conn: psycopg.Connection[Any], market_id: str = "US_EQ", *, force: bool = False) -> dict[str, tuple[int, float]]:
    """Run the three engines in one transaction; returns {engine: (rows, seconds)} (empty when fresh)."""
    if not force and is_fresh(conn, market_id):
        return {}
    out: dict[str, tuple[int, float]] = {}
    with conn.transaction():
        for fn in ENGINES:
            t0 = time.perf_counter()
            row = conn.execute(f"select core.{fn}(%s)", (market_id,)).fetchone()
            out[fn] = (int(row[0]) if row else 0, time.perf_counter() - t0)
    return out
