-- Deploy prometheus:views/view_api_risk_reports to pg
begin;

create or replace view api.risk_reports as
select k.run_id, k.portfolio_id, k.as_of_date, k.portfolio_value, k.cash, k.gross_exposure, k.net_exposure, k.leverage,
       (k.risk_metrics ->> 'volatility')::float8 as volatility,
       (k.risk_metrics ->> 'var_95')::float8 as var_95,
       (k.risk_metrics ->> 'var_99')::float8 as var_99,
       (k.risk_metrics ->> 'es_95')::float8 as es_95,
       (k.risk_metrics ->> 'es_99')::float8 as es_99,
       (k.risk_metrics ->> 'max_drawdown')::float8 as max_drawdown,
       (k.risk_metrics ->> 'beta')::float8 as beta,
       k.scenario_pnl, k.exposures_by_sector, k.exposures_by_factor
  from runtime.portfolio_risk_reports k;

comment on view api.risk_reports is 'Risk reports of a run, one per rebalance date (see api.status_portfolio_risk for the latest per portfolio): volatility, VaR/ES at 95 and 99% (1-day returns, negative = loss), max drawdown to date, beta, scenario P&L and exposures. Filter run_id=eq.<uuid>&order=as_of_date.';

notify pgrst, 'reload schema';

commit;
