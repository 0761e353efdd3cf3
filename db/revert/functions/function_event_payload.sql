-- Revert prometheus:functions/function_event_payload from pg
begin;

drop function core.event_payload(text, jsonb);

commit;
