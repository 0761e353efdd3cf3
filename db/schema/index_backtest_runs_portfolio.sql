-- Deploy prometheus:schema/index_backtest_runs_portfolio to pg
-- The status read models find a portfolio's latest finished run through this index.
begin;

create index backtest_runs_portfolio_idx on runtime.backtest_runs (portfolio_id, status, finished_at desc);

commit;
