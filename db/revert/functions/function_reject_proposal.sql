-- Revert prometheus:functions/function_reject_proposal from pg
begin;

drop function api.reject_proposal(bigint, text);

commit;
