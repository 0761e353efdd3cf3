-- Revert prometheus:functions/function_apply_proposal from pg
begin;

drop function api.apply_proposal(bigint);

commit;
