-- Deploy prometheus:views/view_api_strategy_configs to pg
-- The read model of strategy config versions.
begin;

create or replace view api.strategy_configs as
select c.strategy_id, c.version, c.is_active, c.config_json, c.updated_at, c.created_by, c.source_proposal_id
  from runtime.strategy_configs c;

comment on view api.strategy_configs is 'Strategy configurations, every version; the active one is what runs use. A version written by applying a proposal names it in source_proposal_id.';

notify pgrst, 'reload schema';

commit;
