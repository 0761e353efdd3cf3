-- Verify prometheus:functions/function_json_schema_errors on pg
select 'core.json_schema_errors(jsonb, jsonb, jsonb, text)'::regprocedure;
