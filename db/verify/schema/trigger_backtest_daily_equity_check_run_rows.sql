-- Verify prometheus:schema/trigger_backtest_daily_equity_check_run_rows on pg
select 1/count(*) from pg_trigger where tgname = 'backtest_daily_equity_check_run_rows' and tgrelid = 'runtime.backtest_daily_equity'::regclass;
