-- Verify prometheus:schema/trigger_backtest_runs_events on pg
select 1 / count(*) from pg_catalog.pg_trigger where tgname = 'backtest_runs_events' and tgrelid = 'runtime.backtest_runs'::regclass;
