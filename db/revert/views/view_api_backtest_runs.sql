-- Revert prometheus:views/view_api_backtest_runs from pg
begin;

drop view api.backtest_runs;

commit;
