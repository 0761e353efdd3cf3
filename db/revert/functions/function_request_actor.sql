-- Revert prometheus:functions/function_request_actor from pg
begin;

drop function core.request_actor();

commit;
