-- Revert prometheus:functions/function_run_start from pg
begin;

drop function core.run_start(text, jsonb, date, date, text[], text, text, text, text);

commit;
