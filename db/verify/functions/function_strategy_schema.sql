-- Verify prometheus:functions/function_strategy_schema on pg
select 'core.strategy_schema(text)'::regprocedure;
