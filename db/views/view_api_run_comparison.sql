-- Deploy prometheus:views/view_api_run_comparison to pg
begin;

create or replace view api.run_comparison as
select b.run_id, b.strategy_id, b.portfolio_id, b.start_date, b.end_date, b.status,
       b.cagr, b.sharpe_ratio, b.sortino_ratio, b.annual_volatility, b.max_drawdown, b.calmar_ratio, b.cumulative_return,
       b.hit_rate, b.trade_count, b.annual_turnover, b.final_equity,
       eq.dates, eq.equity_normalized
  from api.backtest_runs b
  cross join lateral (
    select array_agg(e.as_of_date order by e.as_of_date) as dates,
           array_agg(e.equity / f.first_equity order by e.as_of_date) as equity_normalized
      from runtime.backtest_daily_equity e
      cross join lateral (select e0.equity as first_equity from runtime.backtest_daily_equity e0
                           where e0.run_id = b.run_id order by e0.as_of_date limit 1) f
     where e.run_id = b.run_id) eq;

comment on view api.run_comparison is 'Several runs side by side: metrics and the equity curve normalized to 1 on the first session (dates and values as arrays). Select the runs with run_id=in.(<uuid>,<uuid>).';

notify pgrst, 'reload schema';

commit;
