-- Verify prometheus:schema/index_backtest_runs_portfolio on pg
select 'runtime.backtest_runs_portfolio_idx'::regclass;
