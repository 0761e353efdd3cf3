-- Revert prometheus:functions/function_config_errors from pg
begin;

drop function core.config_errors(jsonb, jsonb);

commit;
