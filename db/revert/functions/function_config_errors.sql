-- Revert prometheus:functions/function_config_errors from pg
begin;

drop function core.config_errors(jsonb, jsonb);
drop function core.json_schema_errors(jsonb, jsonb, jsonb, text);
drop function core.config_merge(jsonb, jsonb);

commit;
