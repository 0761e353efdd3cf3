-- Revert prometheus:schema/trigger_backtest_trades_check_run_rows from pg
begin;

drop trigger backtest_trades_check_run_rows on runtime.backtest_trades;

commit;
