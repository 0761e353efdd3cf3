-- Verify prometheus:functions/function_strategy_lowvol100 on pg
select 'strategies.lowvol100(date, jsonb)'::regprocedure;
