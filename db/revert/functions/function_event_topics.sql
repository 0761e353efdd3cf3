-- Revert prometheus:functions/function_event_topics from pg
begin;

drop function api.event_topics();

commit;
