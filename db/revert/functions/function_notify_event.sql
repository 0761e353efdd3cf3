-- Revert prometheus:functions/function_notify_event from pg
begin;

drop function core.notify_event();

commit;
