-- Verify prometheus:functions/function_register_strategy on pg
select 'api.register_strategy(text, text, jsonb, jsonb, text, jsonb)'::regprocedure;
