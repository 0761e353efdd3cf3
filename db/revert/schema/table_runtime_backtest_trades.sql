-- Revert prometheus:schema/table_runtime_backtest_trades from pg
begin;

drop table runtime.backtest_trades;

commit;
