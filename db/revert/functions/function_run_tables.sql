-- Revert prometheus:functions/function_run_tables from pg
begin;

drop function core.run_tables();

commit;
