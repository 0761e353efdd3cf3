"""Market-state engines, risk reports, SQL metrics and the api read models, on the loaded history."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import empyrical
import numpy as np
import psycopg
import pytest

from pycore.run.config import BacktestRequest
from pycore.run.service import RunOptions, run_backtest
from tests.integration.test_backtest import writer_of
from tests.reference_metrics import compute_metrics

SEED = BacktestRequest(strategy_id="US_CORE_LONG_EQ", start_date=dt.date(2023, 1, 1), end_date=dt.date(2024, 1, 1),
                       market_ids=("US_EQ",), portfolio_id="RISK_TEST")
API_VIEWS = ["backtest_runs", "equity_curve", "risk_reports", "run_trades", "regime_history", "stability_history", "fragile_entities",
             "fragile_entities_latest_date", "status_overview", "status_portfolio", "status_portfolio_risk",
             "instrument_scores_latest", "run_comparison"]


@pytest.fixture(scope="module")
def run(loaded_db: str) -> Any:
    return run_backtest(SEED, RunOptions(url=writer_of(loaded_db)))


def one(conn: psycopg.Connection[Any], q: str, *args: Any) -> Any:
    row = conn.execute(q, args).fetchone()
    assert row is not None
    return row[0]


# ---------------------------------------------------------------- engines
@pytest.mark.parametrize("day", ["2008-10-10", "2008-10-27", "2008-11-20", "2020-03-12", "2020-03-16", "2020-03-23"])
def test_crashes_are_crisis(conn: psycopg.Connection[Any], day: str) -> None:
    assert one(conn, "select regime_label from api.regime_history where as_of_date = %s", day) == "CRISIS"


def test_crash_months_are_mostly_crisis_and_calm_years_are_bull(conn: psycopg.Connection[Any]) -> None:
    share = dict(conn.execute("""
        select p, avg((regime_label = 'CRISIS')::int) from (
          select case when as_of_date between '2008-10-01' and '2008-11-30' then 'gfc'
                      when as_of_date between '2020-03-09' and '2020-04-09' then 'covid'
                      when as_of_date between '2017-01-01' and '2017-12-31' then 'calm2017' end as p, regime_label
            from api.regime_history) x where p is not null group by p""").fetchall())
    assert share["gfc"] >= 0.9 and share["covid"] >= 0.9 and share["calm2017"] == 0
    bull = one(conn, "select avg((regime_label like '%%BULL')::int) from api.regime_history where as_of_date between '2017-01-01' and '2017-12-31'")
    assert bull == 1


def test_stability_is_low_in_crises_and_high_in_calm(conn: psycopg.Connection[Any]) -> None:
    s = dict(conn.execute("select as_of_date::text, overall_score from api.stability_history where as_of_date in "
                          "('2008-10-10', '2020-03-23', '2017-06-01', '2013-06-03')").fetchall())
    assert s["2008-10-10"] < 0.35 and s["2020-03-23"] < 0.35
    assert s["2017-06-01"] > 0.6 and s["2013-06-03"] > 0.5
    bad = one(conn, "select count(*) from api.stability_history where overall_score not between 0 and 1")
    assert bad == 0


def test_fragility_lists_the_obvious_names_in_march_2020(conn: psycopg.Connection[Any]) -> None:
    top = [r[0] for r in conn.execute("select entity_id from api.fragile_entities where as_of_date = '2020-03-31' "
                                      "order by fragility_score desc limit 25")]
    assert {"CCL", "NCLH", "RCL", "BA", "UAL", "DAL"} & set(top), top
    calm = one(conn, "select avg(fragility_score) from api.fragile_entities where as_of_date = '2017-06-30'")
    crash = one(conn, "select avg(fragility_score) from api.fragile_entities where as_of_date = '2020-03-31'")
    assert crash > 2 * calm


# ---------------------------------------------------------------- risk reports against empyrical
def test_risk_report_matches_empyrical(run: Any, conn: psycopg.Connection[Any]) -> None:
    day = one(conn, "select max(as_of_date) from runtime.portfolio_risk_reports where run_id = %s", run.run_id)
    rep = conn.execute("select risk_metrics, exposures_by_sector, scenario_pnl, exposures_by_factor from runtime.portfolio_risk_reports "
                       "where run_id = %s and as_of_date = %s", (run.run_id, day)).fetchone()
    assert rep is not None
    risk, sectors, scen, factors = rep
    hold = conn.execute("select p.instrument_id, p.weight, i.gics_sector from runtime.positions_snapshots p "
                        "join hist.instruments i using (instrument_id) where p.run_id = %s and p.as_of_date = %s",
                        (run.run_id, day)).fetchall()
    window = [r[0] for r in conn.execute("select trade_date from hist.trading_days where calendar = 'XNYS' and trade_date <= %s "
                                         "order by trade_date desc limit 252", (day,))][::-1][1:]
    rets = {(r[0], r[1]): r[2] for r in conn.execute(
        "select instrument_id, trade_date, ret from hist.daily_returns where instrument_id = any(%s) and trade_date between %s and %s",
        ([h[0] for h in hold], window[0], window[-1]))}
    rp = np.array([sum(w * (rets.get((name, d)) or 0.0) for name, w, _ in hold) for d in window])
    spx = dict(conn.execute("select trade_date, close from hist.index_levels where index_id = 'SPX' and trade_date between %s and %s",
                            (window[0] - dt.timedelta(days=7), window[-1])).fetchall())
    sdays = sorted(spx)
    mret = np.array([spx[d] / spx[sdays[sdays.index(d) - 1]] - 1 for d in window])
    assert risk["observations"] == len(window) == 251
    assert risk["volatility"] == pytest.approx(empyrical.annual_volatility(rp), rel=1e-9)
    assert risk["var_95"] == pytest.approx(empyrical.value_at_risk(rp, cutoff=0.05), rel=1e-9)
    assert risk["var_99"] == pytest.approx(empyrical.value_at_risk(rp, cutoff=0.01), rel=1e-9)
    assert risk["es_95"] == pytest.approx(empyrical.conditional_value_at_risk(rp, cutoff=0.05), rel=1e-9)
    assert risk["es_99"] == pytest.approx(empyrical.conditional_value_at_risk(rp, cutoff=0.01), rel=1e-9)
    assert risk["beta"] == pytest.approx(empyrical.beta(rp, mret), rel=1e-9)
    mdd = one(conn, "select min(drawdown) from runtime.backtest_daily_equity where run_id = %s and as_of_date <= %s", run.run_id, day)
    assert risk["max_drawdown"] == pytest.approx(mdd)
    net = {}
    for _, w, sector in hold:
        net[sector] = net.get(sector, 0.0) + w
    assert {k: v["net"] for k, v in sectors.items()} == pytest.approx(net)
    for name in ("GFC_2008", "US_DOWNGRADE_2011", "CHINA_DEVALUATION_2015", "Q4_2018", "COVID_2020", "MARKET_DOWN_10"):
        assert name in scen and scen[name]["pnl"] is not None, name
    assert scen["MARKET_DOWN_10"]["return"] == pytest.approx(-0.1 * risk["beta"])
    assert scen["COVID_2020"]["return"] < -0.1, "a long-only equity book lost money in March 2020"
    assert set(factors) >= {"mkt_rf", "smb", "hml", "rmw", "cma"}


def test_every_rebalance_has_a_risk_report(run: Any, conn: psycopg.Connection[Any]) -> None:
    reports = one(conn, "select count(*) from runtime.portfolio_risk_reports where run_id = %s", run.run_id)
    assert reports == 12


def reference_metrics_of(conn: psycopg.Connection[Any], run_id: Any) -> dict[str, Any]:
    """The Python reference (tests/reference_metrics.py) fed with the run's stored equity curve and trades."""
    days = conn.execute("select daily_return, equity from runtime.backtest_daily_equity where run_id = %s order by as_of_date",
                        (run_id,)).fetchall()
    stats = conn.execute("select coalesce(sum(quantity * price), 0), count(*), count(*) filter (where side = 'SELL'), "
                         "count(*) filter (where side = 'SELL' and pnl > 0) from runtime.backtest_trades where run_id = %s",
                         (run_id,)).fetchone()
    assert stats is not None
    return compute_metrics(np.array([r for r, _ in days]), traded_value=float(stats[0]),
                           mean_equity=float(np.mean([e for _, e in days])) if days else None, trade_count=int(stats[1]),
                           closing_trades=int(stats[2]), winning_trades=int(stats[3]))


def test_sql_metrics_equal_the_reference_metrics(run: Any, conn: psycopg.Connection[Any]) -> None:
    stored = one(conn, "select metrics_json from runtime.backtest_runs where run_id = %s", run.run_id)
    assert stored == run.metrics, "the run stores SQL's metrics and returns them"
    sql_m = one(conn, "select core.run_metrics(%s)", run.run_id)
    assert sql_m == stored, "metrics_json is core.run_metrics"
    ref = reference_metrics_of(conn, run.run_id)
    for key, value in ref.items():
        assert sql_m[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
    assert set(sql_m) - set(ref) == {"final_equity", "initial_capital", "rebalances"}, "every key of the reference, and the run's own"
    assert set(sql_m) >= {"cumulative_return", "annualized_return", "annualized_volatility", "sharpe_ratio", "sortino_ratio",
                          "calmar_ratio", "max_drawdown", "cagr", "annual_volatility", "hit_rate", "trade_count"}
    assert sql_m["final_equity"] == one(conn, "select equity from runtime.backtest_daily_equity where run_id = %s "
                                              "order by as_of_date desc limit 1", run.run_id)
    assert sql_m["initial_capital"] == 1_000_000 and sql_m["rebalances"] == 12
    assert one(conn, "select core.run_metrics(gen_random_uuid())") == {}


def test_decision_outcomes_are_forward_returns(run: Any, conn: psycopg.Connection[Any]) -> None:
    row = conn.execute("""select d.as_of_date, o.realized_return from runtime.decision_outcomes o
                          join runtime.engine_decisions d using (decision_id)
                         where o.run_id = %s and o.horizon_days = 21 order by d.as_of_date limit 1""", (run.run_id,)).fetchone()
    assert row is not None
    eq = [r[0] for r in conn.execute("select equity from runtime.backtest_daily_equity where run_id = %s and as_of_date >= %s "
                                     "order by as_of_date limit 22", (run.run_id, row[0]))]
    assert row[1] == pytest.approx(eq[21] / eq[0] - 1, rel=1e-12)
    assert one(conn, "select count(*) from runtime.decision_outcomes where run_id = %s", run.run_id) == 12 * 3


# ---------------------------------------------------------------- read models
def test_status_read_models_have_real_data(run: Any, conn: psycopg.Connection[Any]) -> None:
    ov = conn.execute("select equity, pnl_since_inception, pnl_ytd, gross_exposure, regime, global_stability, alerts "
                      "from api.status_overview where portfolio_id = 'RISK_TEST'").fetchone()
    assert ov is not None
    equity, pnl, ytd, gross, regime, stab, alerts = ov
    assert pnl == pytest.approx(equity - 1_000_000) and ytd == pytest.approx(pnl)
    assert 0.5 < gross <= 1.0 and regime in {"CALM_BULL", "VOLATILE_BULL", "CALM_BEAR", "VOLATILE_BEAR", "CRISIS"}
    assert 0 <= stab <= 1 and isinstance(alerts, list) and all(a is not None for a in alerts)
    pos = conn.execute("select sum(market_value), sum(weight), count(*) filter (where quantity is not null), sum(target_weight) "
                       "from api.status_portfolio where portfolio_id = 'RISK_TEST'").fetchone()
    assert pos is not None and pos[2] > 20
    assert pos[0] == pytest.approx(equity * gross, rel=1e-9)
    assert 0.9 < pos[3] <= 1.0 + 1e-9
    risk = conn.execute("select volatility, var_95, es_95, beta from api.status_portfolio_risk where portfolio_id = 'RISK_TEST'").fetchone()
    assert risk is not None and risk[0] > 0 and risk[2] <= risk[1] < 0
    cmp = conn.execute("select equity_normalized[1], array_length(dates, 1) from api.run_comparison where run_id = %s", (run.run_id,)).fetchone()
    assert cmp == (1.0, 250)


def test_web_anon_reads_every_api_view(loaded_db: str) -> None:
    with psycopg.connect(loaded_db) as c:
        c.execute("set role web_anon")
        for v in API_VIEWS:
            c.execute(f"select * from api.{v} limit 1").fetchall()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("select * from runtime.orders limit 1")


def test_views_on_an_empty_database_return_nothing(fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as c:
        for v in API_VIEWS:
            rows = c.execute(f"select * from api.{v}").fetchall()
            assert rows in ([], [(None,)]), f"api.{v} on an empty database: {rows[:1]}"


def clone_runs(conn: psycopg.Connection[Any], run_id: Any, copies: int) -> None:
    """Store many runs cheaply: copies of one run under new run ids and portfolios."""
    for k in range(copies):
        new_run, seq = conn.execute(
            "insert into runtime.backtest_runs (strategy_id, config_json, start_date, end_date, universe_id, metrics_json, mode, "
            "portfolio_id, market_ids, status, started_at, finished_at) select strategy_id, config_json, start_date, end_date, "
            "universe_id, metrics_json, mode, %s, market_ids, status, started_at, now() from runtime.backtest_runs where run_id = %s "
            "returning run_id, run_seq", (f"CLONE_{k}", run_id)).fetchone()  # type: ignore[misc]
        shift = "(%s * 4294967296 + ({c} %% 4294967296))"
        conn.execute(f"insert into runtime.engine_decisions select {shift.format(c='decision_id')}, engine_name, %s, mode, strategy_id, market_id, "
                     "as_of_date, config_id, input_refs, output_refs, metadata, created_at from runtime.engine_decisions where run_id = %s",
                     (seq, new_run, run_id))
        for table, idc, cols in (
            ("positions_snapshots", "snapshot_id", "portfolio_id, timestamp, as_of_date, instrument_id, quantity, avg_cost, market_value, unrealized_pnl, mode, {run}, last_price, weight, metadata"),
            ("target_portfolios", "target_id", "strategy_id, portfolio_id, as_of_date, target_positions, metadata, optimization_params, created_at, {run}, mode, NULL"),
            ("portfolio_risk_reports", "report_id", "portfolio_id, as_of_date, portfolio_value, cash, net_exposure, gross_exposure, leverage, risk_metrics, scenario_pnl, exposures_by_sector, exposures_by_factor, metadata, created_at, {run}, mode"),
        ):
            conn.execute(f"insert into runtime.{table} select {shift.format(c=idc)}, {cols.format(run='%s')} from runtime.{table} where run_id = %s",
                         (seq, new_run, run_id))
        conn.execute("insert into runtime.backtest_daily_equity select %s, as_of_date, equity, drawdown, exposure_metrics_json, mode, cash, "
                     "gross_exposure, net_exposure, daily_return from runtime.backtest_daily_equity where run_id = %s", (new_run, run_id))
        conn.execute(f"insert into runtime.orders select {shift.format(c='order_id')}, timestamp, instrument_id, side, order_type, quantity, limit_price, "
                     "stop_price, status, mode, portfolio_id, NULL, metadata, %s, trade_date, filled_quantity, reason from runtime.orders where run_id = %s",
                     (seq, new_run, run_id))
        conn.execute(f"insert into runtime.fills select {shift.format(c='fill_id')}, {shift.format(c='order_id')}, timestamp, instrument_id, side, quantity, price, "
                     "commission, mode, metadata, %s, trade_date, slippage from runtime.fills where run_id = %s", (seq, seq, new_run, run_id))
        # the trades too: api.run_trades must find one run's trades by index among many runs' trades
        conn.execute(f"insert into runtime.backtest_trades select {shift.format(c='trade_id')}, %s, strategy_id, sleeve_id, as_of_date, "
                     "instrument_id, side, quantity, price, regime_id, universe_id, profile_version_id, decision_metadata_json, "
                     f"config_snapshot, pnl, commission, {shift.format(c='fill_id')}, {shift.format(c='decision_id')}, mode "
                     "from runtime.backtest_trades where run_id = %s", (seq, new_run, seq, seq, run_id))


def test_status_reads_use_indexes_with_many_runs(run: Any, loaded_db: str) -> None:
    with psycopg.connect(loaded_db) as c:
        clone_runs(c, run.run_id, 20)
        c.commit()
        c.autocommit = True
        c.execute("analyze runtime.positions_snapshots, runtime.backtest_daily_equity, runtime.backtest_runs, runtime.orders, "
                  "runtime.fills, runtime.portfolio_risk_reports, runtime.target_portfolios, runtime.backtest_trades")
        n_runs = one(c, "select count(*) from runtime.backtest_runs where status = 'SUCCEEDED'")
        assert n_runs >= 21
        big = ("positions_snapshots", "fills", "orders", "backtest_daily_equity", "backtest_trades", "portfolio_risk_reports")
        for view, where in (("status_overview", "portfolio_id = 'CLONE_7'"), ("status_portfolio", "portfolio_id = 'CLONE_7'"),
                            ("status_portfolio_risk", "portfolio_id = 'CLONE_7'"), ("equity_curve", f"run_id = '{run.run_id}'"),
                            ("run_trades", f"run_id = '{run.run_id}'")):
            plan = json.dumps(one(c, f"explain (format json) select * from api.{view} where {where}"))
            for table in big:
                assert not _seq_scans(plan, table), f"api.{view} scans runtime.{table} sequentially"
            assert c.execute(f"select * from api.{view} where {where}").fetchall(), view


def _seq_scans(plan_json: str, table: str) -> bool:
    def walk(node: Any) -> bool:
        if isinstance(node, dict):
            if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") == table:
                return True
            return any(walk(v) for v in node.values())
        if isinstance(node, list):
            return any(walk(v) for v in node)
        return False

    return walk(json.loads(plan_json))


def test_tear_sheet(run: Any, loaded_db: str, tmp_path: Any) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    out = tmp_path / "sheet.html"
    env = {**os.environ, "PYCORE_DATABASE_URL": writer_of(loaded_db), "DATABASE_URL": loaded_db}
    root = Path(__file__).resolve().parents[2]
    res = subprocess.run([sys.executable, "-m", "pycore.backtest", "report", str(run.run_id), "--out", str(out)],
                         cwd=root, env=env, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    page = out.read_text()
    assert page.count("<svg") == 3, "equity, drawdown and sector exposure charts"
    assert "<h2>Monthly returns</h2>" in page and "<th>2023</th>" in page
    assert all(m in page for m in ("Jan", "Dec", "Sharpe", "VaR 95% (1 day)", "COVID_2020", "Expected shortfall 99%"))
    assert f"{run.metrics['cagr'] * 100:,.2f}%" in page
    bad = subprocess.run([sys.executable, "-m", "pycore.backtest", "report", "00000000-0000-0000-0000-000000000000"],
                         cwd=root, env=env, capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("error: no run")
