-- Revert prometheus:schema/trigger_executed_actions_check_run_rows from pg
begin;

drop trigger executed_actions_check_run_rows on runtime.executed_actions;

commit;
