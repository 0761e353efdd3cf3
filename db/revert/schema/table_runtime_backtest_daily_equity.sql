-- Revert prometheus:schema/table_runtime_backtest_daily_equity from pg
begin;

drop table runtime.backtest_daily_equity;

commit;
