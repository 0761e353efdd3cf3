-- Revert prometheus:functions/function_run_universe from pg
begin;

drop function core.run_universe(uuid, text, text, date[], jsonb);

commit;
