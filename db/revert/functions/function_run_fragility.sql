-- Revert prometheus:functions/function_run_fragility from pg
begin;

drop function core.run_fragility(text, date, date);

commit;
