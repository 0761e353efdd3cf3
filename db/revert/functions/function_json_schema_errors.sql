-- Revert prometheus:functions/function_json_schema_errors from pg
begin;

drop function core.json_schema_errors(jsonb, jsonb, jsonb, text);

commit;
