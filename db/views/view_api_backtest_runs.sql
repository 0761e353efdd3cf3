-- Deploy prometheus:views/view_api_backtest_runs to pg
begin;

create or replace view api.backtest_runs as
select b.run_id, b.strategy_id, b.portfolio_id, b.sleeve_id, b.mode, b.market_ids, b.start_date, b.end_date, b.status, b.error,
       b.created_at, b.started_at, b.finished_at,
       (b.metrics_json ->> 'progress')::float8 as progress,
       (b.metrics_json ->> 'cumulative_return')::float8 as cumulative_return,
       (b.metrics_json ->> 'cagr')::float8 as cagr,
       (b.metrics_json ->> 'annual_volatility')::float8 as annual_volatility,
       (b.metrics_json ->> 'annualized_return')::float8 as annualized_return,
       (b.metrics_json ->> 'annualized_volatility')::float8 as annualized_volatility,
       (b.metrics_json ->> 'sharpe_ratio')::float8 as sharpe_ratio,
       (b.metrics_json ->> 'sortino_ratio')::float8 as sortino_ratio,
       (b.metrics_json ->> 'max_drawdown')::float8 as max_drawdown,
       (b.metrics_json ->> 'calmar_ratio')::float8 as calmar_ratio,
       (b.metrics_json ->> 'annual_turnover')::float8 as annual_turnover,
       (b.metrics_json ->> 'trade_count')::int as trade_count,
       (b.metrics_json ->> 'hit_rate')::float8 as hit_rate,
       (b.metrics_json ->> 'final_equity')::float8 as final_equity,
       (b.metrics_json ->> 'days')::int as days,
       b.config_json, b.metrics_json
  from runtime.backtest_runs b;

comment on view api.backtest_runs is 'Backtest runs with their metrics flattened (empyrical conventions: simple daily returns, 252 days, ddof=1). progress is set while a run is RUNNING. Filter with run_id=eq.<uuid>, strategy_id=eq.<id>, status=eq.SUCCEEDED; order=created_at.desc.';
comment on column api.backtest_runs.run_id is 'Run identifier (UUID).';
comment on column api.backtest_runs.cagr is 'Compound annual growth rate (fraction).';
comment on column api.backtest_runs.sharpe_ratio is 'Annualized Sharpe ratio, risk-free 0.';
comment on column api.backtest_runs.sortino_ratio is 'Annualized Sortino ratio (downside deviation over all days).';
comment on column api.backtest_runs.calmar_ratio is 'CAGR / |max drawdown|.';
comment on column api.backtest_runs.annualized_return is 'Annualized return (the CAGR, fraction).';
comment on column api.backtest_runs.annualized_volatility is 'Annualized volatility of daily returns (fraction).';
comment on column api.backtest_runs.sleeve_id is 'Strategy sleeve the run books.';
comment on column api.backtest_runs.max_drawdown is 'Maximum drawdown (fraction, <= 0).';

notify pgrst, 'reload schema';

commit;
