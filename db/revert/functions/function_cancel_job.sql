-- Revert prometheus:functions/function_cancel_job from pg
begin;

drop function api.cancel_job(bigint);

commit;
