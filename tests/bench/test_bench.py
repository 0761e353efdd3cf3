"""The benchmark runs end to end on short windows and prints every figure it promises (timings are never asserted)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from typing import Any

import numpy as np
import psycopg
import pytest

from pycore.run.bench import Xmom50, load_price_panel, run_bench
from tests.integration.test_backtest import writer_of


@pytest.mark.slow
def test_bench_prints_every_figure(loaded_db: str) -> None:
    lines: list[str] = []
    run_bench(writer_of(loaded_db), lines.append, start=dt.date(2023, 1, 1), end=dt.date(2023, 3, 31),
              xmom_start=dt.date(2020, 1, 1), xmom_end=dt.date(2020, 6, 30), seed=False)
    text = "\n".join(lines)
    for expected in ("(a) full history", "(b) XMOM50", "end to end", "phases:", "rows/s",
                     "plain binary COPY of the same rows into unindexed temp tables", "ratio", "peak memory",
                     "M instrument-days/s", "numpy vectorized over names", "final equity: this project",
                     "the strategy's ranking alone", "the replayed targets reach the run's final equity: True"):
        assert expected in text, expected
    if importlib.util.find_spec("vectorbt") is not None:
        assert "vectorbt's warm time" in text and "from this project's" in text
    else:
        assert "vectorbt: not installed" in text
    with psycopg.connect(loaded_db) as conn:
        runs = conn.execute("select portfolio_id, status, sleeve_id from runtime.backtest_runs "
                            "where portfolio_id in ('BENCH', 'BENCH_XMOM50') order by 1").fetchall()
    assert runs == [("BENCH", "SUCCEEDED", "US_CORE_LONG_EQ"), ("BENCH_XMOM50", "SUCCEEDED", "XMOM50")]


def test_xmom50_is_point_in_time_12_1_momentum(loaded_db: str) -> None:
    with psycopg.connect(loaded_db) as conn:
        panel = load_price_panel(conn, "US_EQ", dt.date(2020, 1, 1), dt.date(2020, 3, 31), lookback=260)
        day = dt.date(2020, 3, 2)
        targets = Xmom50(panel).target_positions_fn(day)
        # the same ranking straight from hist, with closes strictly before the decision date
        closes: dict[str, Any] = {}
        for name, d, adj in conn.execute(
            "select instrument_id, trade_date, adjusted_close from hist.prices_daily where trade_date < %s "
            "and trade_date >= %s", (day, day - dt.timedelta(days=400))):
            closes.setdefault(name, {})[d] = adj
        sessions = [r[0] for r in conn.execute("select trade_date from hist.trading_days where calendar = 'XNYS' "
                                               "and trade_date < %s order by trade_date desc limit 253", (day,))]
    last, then, old = sessions[0], sessions[21], sessions[252]
    mom = {n: c[then] / c[old] - 1 for n, c in closes.items()
           if n in panel.names and last in c and then in c and old in c}
    best = sorted(mom, key=lambda n: -mom[n])[:50]
    assert set(targets) == set(best), "the top 50 by 12-1 momentum, from closes before the decision date only"
    assert np.allclose(list(targets.values()), 0.02), "equal weight"
