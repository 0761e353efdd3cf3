-- Deploy prometheus:views/view_api_status_overview to pg
begin;

-- One row per portfolio: its latest finished run, read through indexes only.
create or replace view api.status_overview as
with portfolios as (
  select distinct b.portfolio_id from runtime.backtest_runs b where b.status = 'SUCCEEDED' and b.portfolio_id is not null
)
select p.portfolio_id, r.run_id, r.strategy_id, r.mode, last.as_of_date,
       last.equity,
       last.equity - coalesce(prev.equity, r.initial_capital) as pnl_day,
       last.equity - coalesce(mtd.equity, r.initial_capital) as pnl_mtd,
       last.equity - coalesce(ytd.equity, r.initial_capital) as pnl_ytd,
       last.equity - r.initial_capital as pnl_since_inception,
       last.daily_return as return_day,
       last.equity / coalesce(mtd.equity, r.initial_capital) - 1 as return_mtd,
       last.equity / coalesce(ytd.equity, r.initial_capital) - 1 as return_ytd,
       last.equity / r.initial_capital - 1 as return_since_inception,
       last.gross_exposure, last.net_exposure, last.drawdown,
       stab.overall_score as global_stability,
       reg.regime_label as regime,
       coalesce((select jsonb_agg(a.alert) from (values
         (case when last.drawdown <= -0.15 then jsonb_build_object('kind', 'DRAWDOWN', 'severity', 'HIGH',
              'message', format('drawdown %s%% is beyond the -15%% limit', round((last.drawdown * 100)::numeric, 1))) end),
         (case when last.daily_return < risk.var_95 then jsonb_build_object('kind', 'VAR_BREACH', 'severity', 'MEDIUM',
              'message', format('day return %s%% below the 95%% VaR %s%%', round((last.daily_return * 100)::numeric, 2), round((risk.var_95 * 100)::numeric, 2))) end),
         (case when frag.n > 0 then jsonb_build_object('kind', 'FRAGILE_HOLDINGS', 'severity', 'MEDIUM',
              'message', format('%s holdings with fragility above 0.6: %s', frag.n, frag.names)) end),
         (case when reg.regime_label is distinct from reg_before.regime_label then jsonb_build_object('kind', 'REGIME_CHANGE', 'severity', 'LOW',
              'message', format('regime changed from %s to %s within 5 sessions', reg_before.regime_label, reg.regime_label)) end)
       ) a(alert) where a.alert is not null), '[]'::jsonb) as alerts
  from portfolios p
  cross join lateral (
    select b.run_id, b.strategy_id, b.mode, coalesce((b.config_json ->> 'initial_capital')::float8, 1000000) as initial_capital
      from runtime.backtest_runs b
     where b.portfolio_id = p.portfolio_id and b.status = 'SUCCEEDED'
     order by b.finished_at desc limit 1) r
  cross join lateral (
    select e.* from runtime.backtest_daily_equity e where e.run_id = r.run_id order by e.as_of_date desc limit 1) last
  left join lateral (
    select e.equity from runtime.backtest_daily_equity e
     where e.run_id = r.run_id and e.as_of_date < last.as_of_date order by e.as_of_date desc limit 1) prev on true
  left join lateral (
    select e.equity from runtime.backtest_daily_equity e
     where e.run_id = r.run_id and e.as_of_date < date_trunc('month', last.as_of_date) order by e.as_of_date desc limit 1) mtd on true
  left join lateral (
    select e.equity from runtime.backtest_daily_equity e
     where e.run_id = r.run_id and e.as_of_date < date_trunc('year', last.as_of_date) order by e.as_of_date desc limit 1) ytd on true
  left join lateral (
    select s.overall_score from runtime.stability_vectors s
     where s.run_id is null and s.entity_type = 'MARKET' and s.entity_id = 'US_EQ' and s.as_of_date <= last.as_of_date
     order by s.as_of_date desc limit 1) stab on true
  left join lateral (
    select g.regime_label, g.as_of_date from runtime.regimes g
     where g.run_id is null and g.region = 'US' and g.as_of_date <= last.as_of_date order by g.as_of_date desc limit 1) reg on true
  left join lateral (
    select g.regime_label from runtime.regimes g
     where g.run_id is null and g.region = 'US' and g.as_of_date <= last.as_of_date order by g.as_of_date desc offset 5 limit 1) reg_before on true
  left join lateral (
    select (k.risk_metrics ->> 'var_95')::float8 as var_95 from runtime.portfolio_risk_reports k
     where k.run_id = r.run_id and k.as_of_date <= last.as_of_date order by k.as_of_date desc limit 1) risk on true
  left join lateral (
    select count(*) as n, string_agg(ps.instrument_id, ', ' order by fm.fragility_score desc) as names
      from runtime.positions_snapshots ps
      join lateral (select f.fragility_score from runtime.fragility_measures f
                     where f.run_id is null and f.entity_type = 'INSTRUMENT' and f.entity_id = ps.instrument_id and f.as_of_date <= last.as_of_date
                     order by f.as_of_date desc limit 1) fm on true
     where ps.run_id = r.run_id and ps.as_of_date = last.as_of_date and fm.fragility_score > 0.6) frag on true;

comment on view api.status_overview is 'Status of each portfolio from its latest finished run: P&L of the day, month to date, year to date and since inception (amounts and returns), gross and net exposure, drawdown, the global stability score and the regime at that date, and alerts (DRAWDOWN beyond -15%, VAR_BREACH when the day lost more than the 95% VaR, FRAGILE_HOLDINGS above 0.6, REGIME_CHANGE within 5 sessions). Filter portfolio_id=eq.<id>.';
comment on column api.status_overview.alerts is 'JSON array of {kind, severity, message}; empty when all is well.';

notify pgrst, 'reload schema';

commit;
