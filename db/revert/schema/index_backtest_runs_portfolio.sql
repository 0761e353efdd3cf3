-- Revert prometheus:schema/index_backtest_runs_portfolio from pg
begin;

drop index runtime.backtest_runs_portfolio_idx;

commit;
