-- Verify prometheus:functions/function_request_actor on pg
select 'core.request_actor()'::regprocedure;
