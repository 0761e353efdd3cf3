-- Revert prometheus:functions/function_config_key from pg
begin;

drop function core.config_key(jsonb);

commit;
