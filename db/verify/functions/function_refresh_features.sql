-- Verify prometheus:functions/function_refresh_features on pg
select 'core.refresh_features(boolean)'::regprocedure;
