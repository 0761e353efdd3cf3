-- Revert prometheus:functions/function_run_assessment from pg
begin;

drop function core.run_assessment(uuid, text, text, date[], jsonb);

commit;
