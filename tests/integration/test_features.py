"""The feature store (``hist.features_daily``) and the engines that read it, on the real data.

- an incremental refresh equals a build from scratch, row for row;
- no feature row depends on prices dated after its session;
- ``core.run_assessment`` and ``core.run_universe`` give the rows of the engines they replaced
  (``sql/legacy_engines.sql``: the previous bodies, run side by side);
- ``core.run_stability`` and ``core.run_fragility`` give the rows of the previous bodies on a short window;
- a second run with the same engine parameters reuses the cached output and gets the same rows;
- the market-state engines refreshed from a date equal the full-history rows;
- a run's market data, read from the packed ``hist.price_series`` by byte range, is ``hist.prices_daily`` bar for bar,
  and the packed rows equal a repack.

Every test works inside a transaction it rolls back: the session's loaded database stays as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest

from pycore.data.marketdata import load_market_data
from pycore_ext.copybuf import pg_to_date

LEGACY = (Path(__file__).parent / "sql" / "legacy_engines.sql").read_text()
FEATURE_COLUMNS = (
    "instrument_id, trade_date, session_no, adjusted_close, close, ret, excluded, s_ret, s_ret2, n_ret, dollar_volume,"
    " s_dollar_volume, s_adjusted_close, gap, running_high, month_high, month_max_gap, ret_sum_63, ret_sq_sum_63,"
    " ret_n_63, ma_200"
)
SEED_DATES = ["2023-01-03", "2023-02-01", "2023-06-01", "2023-12-01"]
OTHER_DATES = ["2016-03-01", "2016-03-31", "2019-09-03"]


class Rollback(Exception):
    pass


@pytest.fixture
def tx(loaded_db: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection in a transaction that is rolled back at the end."""
    with psycopg.connect(loaded_db) as c:
        try:
            with c.transaction():
                yield c
                raise Rollback
        except Rollback:
            pass


def same(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-12 (sums over names may add in another order), recursively."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return bool(b == pytest.approx(a, rel=1e-12, abs=1e-12))
    return bool(a == b)


def rows(conn: psycopg.Connection[Any], query: str, *args: Any) -> list[tuple[Any, ...]]:
    return conn.execute(query, args or None).fetchall()


def test_incremental_refresh_equals_a_full_build(tx: psycopg.Connection[Any]) -> None:
    built = rows(tx, f"select {FEATURE_COLUMNS} from hist.features_daily where trade_date > '2026-05-29' order by 1, 2")
    assert len(built) > 1000
    tx.execute("delete from hist.features_daily where trade_date > '2026-05-29'")
    added = tx.execute("select core.refresh_features()").fetchone()[0]  # type: ignore[index]
    assert added == len(built)
    again = rows(tx, f"select {FEATURE_COLUMNS} from hist.features_daily where trade_date > '2026-05-29' order by 1, 2")
    assert again == built  # bit for bit: the running sums add in the same order
    assert tx.execute("select core.refresh_features()").fetchone()[0] == 0  # type: ignore[index]


def test_market_data_is_the_bars_of_hist_prices_daily(tx: psycopg.Connection[Any]) -> None:
    md = load_market_data(tx, "US_EQ", dt.date(2021, 3, 1), dt.date(2021, 6, 30), lookback_days=30)
    col = {n: k for k, n in enumerate(md.instruments)}
    row = {int(d): t for t, d in enumerate(md.dates)}
    fields = ("open", "high", "low", "close", "adj_close", "volume")
    seen = 0
    for name, day, *bar in tx.execute(
        "select instrument_id, trade_date - date '2000-01-01', open, high, low, close, adjusted_close, volume::float8 "
        "from hist.prices_daily where trade_date between %s and %s",
        (pg_to_date(int(md.dates[0])), pg_to_date(int(md.dates[-1]))),
    ):
        if name in col:
            t, k = row[day], col[name]
            assert [md.arrays[f][t, k] for f in fields] == bar, (name, day)
            seen += 1
    assert seen > 50_000
    assert seen == int(np.isfinite(md.arrays["close"]).sum()), "every other cell is a missing bar"
    packed = rows(tx, "select * from hist.price_series order by instrument_id")
    tx.execute("select core.refresh_price_series(true)")
    repacked = rows(tx, "select * from hist.price_series order by instrument_id")
    assert repacked == packed, "the load's packing is a repack"


def test_no_feature_row_uses_later_prices(tx: psycopg.Connection[Any]) -> None:
    names = ["AAPL", "KIM", "WELL"]
    cut = "2015-06-30"
    before = rows(tx, f"select {FEATURE_COLUMNS} from hist.features_daily where instrument_id = any(%s)"
                      f" and trade_date <= %s order by 1, 2", names, cut)
    tx.execute("update hist.prices_daily set open = open * 3, high = high * 3, low = low * 3, close = close * 3,"
               " adjusted_close = adjusted_close * 3, volume = volume * 7 where instrument_id = any(%s) and trade_date > %s",
               (names, cut))
    tx.execute("delete from hist.features_daily where instrument_id = any(%s)", (names,))
    tx.execute("select core.refresh_features()")  # names without features are built from their first row
    after = rows(tx, f"select {FEATURE_COLUMNS} from hist.features_daily where instrument_id = any(%s)"
                     f" and trade_date <= %s order by 1, 2", names, cut)
    assert after == before
    changed = tx.execute("select count(*) from hist.features_daily where instrument_id = any(%s) and trade_date > %s"
                         " and running_high > 0", (names, cut)).fetchone()[0]  # type: ignore[index]
    assert changed > 0


def test_features_hold_the_returns_of_hist_daily_returns(tx: psycopg.Connection[Any]) -> None:
    diff = tx.execute(
        "select count(*) from hist.daily_returns r join hist.features_daily f using (instrument_id, trade_date)"
        " where r.ret is distinct from f.ret or r.excluded <> f.excluded"
    ).fetchone()[0]  # type: ignore[index]
    assert diff == 0
    n = tx.execute("select (select count(*) from hist.features_daily) = (select count(*) from hist.prices_daily)").fetchone()
    assert n == (True,)


@pytest.mark.parametrize("dates", [SEED_DATES, OTHER_DATES], ids=["seed-2023", "2016-2019"])
def test_engines_equal_the_previous_implementation(tx: psycopg.Connection[Any], dates: list[str]) -> None:
    tx.execute(LEGACY)
    for fn, params in [("run_assessment", "{}"), ("run_assessment", '{"momentum_lookback_days": 126}'),
                       ("run_universe", "{}"), ("run_universe", '{"top_n_liquidity": 50, "min_price": 20}')]:
        tx.execute(f"select pg_temp.legacy_{fn}(null, 'S', 'US_EQ', %s::date[], %s)", (dates, params))
        tx.execute(f"select core.{fn}(null, 'S', 'US_EQ', %s::date[], %s)", (dates, params))
    old = rows(tx, "select instrument_id, as_of_date, score, expected_return, confidence, signal_label, alpha_components"
                   " from pg_temp.legacy_instrument_scores order by metadata::text, 1, 2")
    new = rows(tx, "select instrument_id, as_of_date, score, expected_return, confidence, signal_label, alpha_components"
                   " from runtime.instrument_scores where run_id is null order by metadata::text, 1, 2")
    assert len(new) == len(old) > 1000
    for a, b in zip(old, new, strict=True):
        assert a[:2] == b[:2] and a[5] == b[5]
        assert b[2:5] == pytest.approx(a[2:5], abs=1e-9)
        assert b[6].keys() == a[6].keys()
        assert [b[6][k] for k in sorted(a[6])] == pytest.approx([a[6][k] for k in sorted(a[6])], rel=1e-9, abs=1e-9)
    old_u = rows(tx, "select entity_id, as_of_date, tier, included, score, reasons from pg_temp.legacy_universe_members"
                     " order by reasons->>'liquidity_rank' is null, tier, 1, 2, score")
    new_u = rows(tx, "select entity_id, as_of_date, tier, included, score, reasons from runtime.universe_members"
                     " where run_id is null order by reasons->>'liquidity_rank' is null, tier, 1, 2, score")
    assert len(new_u) == len(old_u) > 1000
    for a, b in zip(sorted(old_u, key=str), sorted(new_u, key=str), strict=True):
        assert a[:4] == b[:4]
        assert b[4] == pytest.approx(a[4], rel=1e-9)
        assert {k: v for k, v in b[5].items() if k not in ("avg_dollar_volume",)} == {
            k: v for k, v in a[5].items() if k not in ("avg_dollar_volume",)}
        adv_old, adv_new = a[5]["avg_dollar_volume"], b[5]["avg_dollar_volume"]
        assert (adv_old is None and adv_new is None) or adv_new == pytest.approx(adv_old, rel=1e-9)


def test_identical_engine_parameters_reuse_the_output(tx: psycopg.Connection[Any]) -> None:
    tx.execute("delete from runtime.engine_cache")
    args = (SEED_DATES, '{"momentum_weight": 0.5}')
    first = tx.execute("select core.run_assessment(null, 'A', 'US_EQ', %s::date[], %s)", args).fetchone()[0]  # type: ignore[index]
    entries = rows(tx, "select as_of_date, hits, jsonb_array_length(output) from runtime.engine_cache"
                       " where engine = 'ASSESSMENT' order by 1")
    assert [e[1] for e in entries] == [0] * len(SEED_DATES) and sum(e[2] for e in entries) == first
    q = ("select instrument_id, as_of_date, score, expected_return, confidence, signal_label, alpha_components"
         " from runtime.instrument_scores where strategy_id = %s order by 1, 2")
    a = rows(tx, q, "A")
    # same parameters (spelled differently: defaults are part of the key) -> reused, not recomputed
    second = tx.execute("select core.run_assessment(null, 'B', 'US_EQ', %s::date[], %s)",
                        (SEED_DATES, '{"momentum_weight": 0.5, "momentum_lookback_days": 252}')).fetchone()[0]  # type: ignore[index]
    assert second == first
    assert rows(tx, q, "B") == a  # bit for bit
    assert [r[0] for r in rows(tx, "select hits from runtime.engine_cache where engine = 'ASSESSMENT' order by as_of_date")] == [1] * len(SEED_DATES)
    # other parameters: another entry
    tx.execute("select core.run_assessment(null, 'C', 'US_EQ', %s::date[], '{}')", (SEED_DATES,))
    assert tx.execute("select count(distinct cache_key) from runtime.engine_cache").fetchone() == (2,)
    # the universe the same way
    tx.execute("select core.run_universe(null, 'A', 'US_EQ', %s::date[], '{}')", (SEED_DATES,))
    tx.execute("select core.run_universe(null, 'B', 'US_EQ', %s::date[], '{}')", (SEED_DATES,))
    uq = ("select entity_id, as_of_date, tier, included, score, reasons from runtime.universe_members"
          " where universe_id = %s order by 1, 2")
    assert rows(tx, uq, "A_UNIVERSE") == rows(tx, uq, "B_UNIVERSE")
    assert tx.execute("select sum(hits) from runtime.engine_cache where engine = 'UNIVERSE'").fetchone() == (len(SEED_DATES),)
    # a data load empties the cache
    tx.execute("delete from hist.features_daily where trade_date > '2026-08-01'")
    tx.execute("select core.refresh_features()")
    assert tx.execute("select count(*) from runtime.engine_cache").fetchone() == (0,)


@pytest.mark.parametrize(("fn", "table", "key"), [
    ("run_stability", "runtime.stability_vectors", "entity_id, as_of_date, vector_components, overall_score"),
    ("run_fragility", "runtime.fragility_measures", "entity_id, as_of_date, scenario_losses, fragility_score"),
    ("run_regimes", "runtime.regimes", "region, as_of_date, regime_label, confidence, metadata"),
])
def test_market_state_refreshed_from_a_date_equals_the_full_history(
    tx: psycopg.Connection[Any], fn: str, table: str, key: str
) -> None:
    start = "2020-03-02"
    q = f"select {key} from {table} where run_id is null and as_of_date >= %s order by 1, 2"
    full = rows(tx, q, start)
    assert len(full) > 100
    n = tx.execute(f"select core.{fn}('US_EQ', %s)", (start,)).fetchone()[0]  # type: ignore[index]
    assert n == len(full)
    again = rows(tx, q, start)
    for a, b in zip(full, again, strict=True):
        assert same(a, b), (a, b)


@pytest.mark.parametrize(("fn", "table", "key"), [
    ("run_stability", "stability_vectors", "entity_id, as_of_date, vector_components, overall_score"),
    ("run_fragility", "fragility_measures", "entity_id, as_of_date, scenario_losses, fragility_score"),
])
def test_market_state_engines_equal_the_previous_implementation(
    tx: psycopg.Connection[Any], fn: str, table: str, key: str
) -> None:
    """Stability and fragility read stored windows and probe month ends; the previous bodies computed every window
    over the whole history. A short window (two months, one of them a year end) keeps this cheap."""
    tx.execute(LEGACY)
    start, end = "2019-11-01", "2019-12-31"
    tx.execute(f"select pg_temp.legacy_{fn}('US_EQ', %s, %s)", (start, end))
    tx.execute(f"select core.{fn}('US_EQ', %s, %s)", (start, end))
    old = rows(tx, f"select {key} from pg_temp.legacy_{table} where run_id is null order by 1, 2")
    new = rows(tx, f"select {key} from runtime.{table} where run_id is null and as_of_date between %s and %s"
                   " order by 1, 2", start, end)
    assert len(new) == len(old) > 40
    for a, b in zip(old, new, strict=True):
        assert same(a, b), (a, b)
