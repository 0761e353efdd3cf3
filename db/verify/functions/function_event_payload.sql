-- Verify prometheus:functions/function_event_payload on pg
select 'core.event_payload(text, jsonb)'::regprocedure;
