-- Revert prometheus:functions/function_intelligence from pg
begin;

drop view api.strategy_configs;
drop view api.meta_config_proposals;
drop function api.reject_proposal(bigint, text);
drop function api.apply_proposal(bigint);
drop function api.generate_proposals(text);
drop function api.diagnostics(text);
drop function core.config_key(jsonb);

commit;
