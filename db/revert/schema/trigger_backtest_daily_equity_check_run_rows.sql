-- Revert prometheus:schema/trigger_backtest_daily_equity_check_run_rows from pg
begin;

drop trigger backtest_daily_equity_check_run_rows on runtime.backtest_daily_equity;

commit;
