-- Revert prometheus:schema/trigger_backtest_runs_events from pg
begin;

drop trigger backtest_runs_events on runtime.backtest_runs;

commit;
