-- Deploy prometheus:views/view_api_status_portfolio_risk to pg
begin;

-- The latest risk report of each portfolio's latest finished run.
create or replace view api.status_portfolio_risk as
with portfolios as (
  select distinct b.portfolio_id from runtime.backtest_runs b where b.status = 'SUCCEEDED' and b.portfolio_id is not null
)
select p.portfolio_id, r.run_id, k.as_of_date, k.portfolio_value, k.cash, k.gross_exposure, k.net_exposure, k.leverage,
       (k.risk_metrics ->> 'volatility')::float8 as volatility,
       (k.risk_metrics ->> 'var_95')::float8 as var_95,
       (k.risk_metrics ->> 'var_99')::float8 as var_99,
       (k.risk_metrics ->> 'es_95')::float8 as es_95,
       (k.risk_metrics ->> 'es_99')::float8 as es_99,
       (k.risk_metrics ->> 'max_drawdown')::float8 as max_drawdown,
       (k.risk_metrics ->> 'beta')::float8 as beta,
       k.scenario_pnl, k.exposures_by_sector, k.exposures_by_factor, k.risk_metrics
  from portfolios p
  cross join lateral (
    select b.run_id from runtime.backtest_runs b
     where b.portfolio_id = p.portfolio_id and b.status = 'SUCCEEDED' order by b.finished_at desc limit 1) r
  cross join lateral (
    select * from runtime.portfolio_risk_reports x where x.run_id = r.run_id order by x.as_of_date desc limit 1) k;

comment on view api.status_portfolio_risk is 'Latest risk report of each portfolio: annualized volatility, 1-day historical VaR and expected shortfall at 95% and 99% (returns, negative = loss; empyrical conventions), max drawdown to date, beta to the S&P 500, scenario P&L (historical stress windows and factor shocks), GICS sector and Fama-French factor exposures. Filter portfolio_id=eq.<id>.';

notify pgrst, 'reload schema';

commit;
