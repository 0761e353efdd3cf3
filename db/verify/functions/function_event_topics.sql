-- Verify prometheus:functions/function_event_topics on pg
select 'api.event_topics()'::regprocedure;
