-- Verify prometheus:functions/function_refresh_price_series on pg
select 'core.refresh_price_series(boolean)'::regprocedure;
