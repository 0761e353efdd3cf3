-- Revert prometheus:schema/table_runtime_backtest_runs from pg
begin;

drop table runtime.backtest_runs;

commit;
