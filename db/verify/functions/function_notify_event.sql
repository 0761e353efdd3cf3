-- Verify prometheus:functions/function_notify_event on pg
select 'core.notify_event()'::regprocedure;
