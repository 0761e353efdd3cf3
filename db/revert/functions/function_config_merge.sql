-- Revert prometheus:functions/function_config_merge from pg
begin;

drop function core.config_merge(jsonb, jsonb);

commit;
