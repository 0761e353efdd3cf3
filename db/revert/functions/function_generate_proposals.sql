-- Revert prometheus:functions/function_generate_proposals from pg
begin;

drop function api.generate_proposals(text);

commit;
