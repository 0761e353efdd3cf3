-- Revert prometheus:functions/function_run_stability from pg
begin;

drop function core.run_stability(text, date, date);

commit;
