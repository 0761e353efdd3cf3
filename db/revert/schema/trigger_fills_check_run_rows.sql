-- Revert prometheus:schema/trigger_fills_check_run_rows from pg
begin;

drop trigger fills_check_run_rows on runtime.fills;

commit;
