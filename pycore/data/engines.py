"""Market-state engines (SQL), refreshed after a data load (``python -m pycore.engines [--force] [--full]``).

Refreshes the market-wide rows (run_id null) of ``runtime.regimes``,
``runtime.stability_vectors`` and ``runtime.fragility_measures`` from ``hist``
(stability and fragility read the feature store ``hist.features_daily``)
with ``core.run_regimes``, ``core.run_stability`` and ``core.run_fragility``.
Skipped when they are newer than the last data load, unless ``--force``.

Incremental by default: each engine computes only the sessions after its newest
stored row (fragility: from the first day of that row's month, since the month in
progress gets a new month-end row). With no stored rows, or ``--full``, the whole
history.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg

ENGINES = ("run_regimes", "run_stability", "run_fragility")

# the first date each engine still has to compute: after its newest market-wide row
RESUME = {
    "run_regimes": "select max(as_of_date) + 1 from runtime.regimes where run_id is null and model_id = 'TREND_VOL_V1'"
    " and region = (select region from hist.markets where market_id = %(m)s)",
    "run_stability": "select max(as_of_date) + 1 from runtime.stability_vectors where run_id is null"
    " and model_id = 'STAB_V1' and entity_type = 'MARKET' and entity_id = %(m)s",
    "run_fragility": "select date_trunc('month', max(f.as_of_date))::date from runtime.fragility_measures f"
    " where f.run_id is null and f.model_id = 'FRAG_V1' and f.entity_type = 'INSTRUMENT'"
    " and f.entity_id in (select instrument_id from hist.instruments where market_id = %(m)s)",
}


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


def refresh_market_state(
    conn: psycopg.Connection[Any], market_id: str = "US_EQ", *, force: bool = False, full: bool = False
) -> dict[str, tuple[int, float]]:
    """Run the three engines in one transaction, each from where it stopped (all history when ``full`` or when it
    has no rows yet); returns {engine: (rows, seconds)} (empty when fresh)."""
    if not force and is_fresh(conn, market_id):
        return {}
    out: dict[str, tuple[int, float]] = {}
    with conn.transaction():
        for fn in ENGINES:
            t0 = time.perf_counter()
            start = None if full else conn.execute(RESUME[fn], {"m": market_id}).fetchone()
            if start and start[0] is not None:
                row = conn.execute(f"select core.{fn}(%s, %s)", (market_id, start[0])).fetchone()
            else:
                row = conn.execute(f"select core.{fn}(%s)", (market_id,)).fetchone()
            out[fn] = (int(row[0]) if row else 0, time.perf_counter() - t0)
    return out


class _Rollback(Exception):
    """Undo the simulated session of :func:`measure`."""


def measure(conn: psycopg.Connection[Any], market_id: str = "US_EQ") -> dict[str, dict[str, float]]:
    """Seconds per engine over the full history (written, as ``--full`` does), then after one new session: inside a
    transaction that is rolled back, the newest session is taken out of the feature store and the engines' rows, the
    store is extended by it (``features``) and each engine resumes from its newest row. Returns
    {"full": {engine: s}, "one session": {"features": s, engine: s}}."""
    full = {fn: s for fn, (_, s) in refresh_market_state(conn, market_id, force=True, full=True).items()}
    one: dict[str, float] = {}
    try:
        with conn.transaction():
            conn.execute(
                """
                with d as (select max(trade_date) as d from hist.features_daily),
                     f as (delete from hist.features_daily where trade_date = (select d from d) returning 1),
                     r as (delete from runtime.regimes where run_id is null and as_of_date >= (select d from d) returning 1),
                     s as (delete from runtime.stability_vectors where run_id is null and as_of_date >= (select d from d)
                           returning 1)
                delete from runtime.fragility_measures
                 where run_id is null and as_of_date >= (select d from d)
                   and (select count(*) from f) + (select count(*) from r) + (select count(*) from s) >= 0
                """
            )
            t0 = time.perf_counter()
            conn.execute("select core.refresh_features()")
            one["features"] = time.perf_counter() - t0
            one.update({fn: s for fn, (_, s) in refresh_market_state(conn, market_id, force=True).items()})
            raise _Rollback
    except _Rollback:
        pass
    return {"full": full, "one session": one}
