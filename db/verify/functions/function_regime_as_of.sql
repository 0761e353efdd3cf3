-- Verify prometheus:functions/function_regime_as_of on pg
select 'core.regime_as_of(date, text)'::regprocedure;
