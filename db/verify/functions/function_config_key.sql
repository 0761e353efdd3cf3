-- Verify prometheus:functions/function_config_key on pg
select 'core.config_key(jsonb)'::regprocedure;
