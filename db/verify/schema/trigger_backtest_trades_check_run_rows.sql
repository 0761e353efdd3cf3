-- Verify prometheus:schema/trigger_backtest_trades_check_run_rows on pg
select 1/count(*) from pg_trigger where tgname = 'backtest_trades_check_run_rows' and tgrelid = 'runtime.backtest_trades'::regclass;
