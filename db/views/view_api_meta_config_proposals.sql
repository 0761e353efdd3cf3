-- Deploy prometheus:views/view_api_meta_config_proposals to pg
-- The read model of the meta layer's proposals.
begin;

create or replace view api.meta_config_proposals as
select p.proposal_id, p.strategy_id, p.market_id, p.proposal_type, p.target_component, p.current_value, p.proposed_value,
       p.confidence_score, p.expected_sharpe_improvement, p.expected_return_improvement, p.expected_risk_reduction,
       p.rationale, p.supporting_metrics, p.status, p.approved_by, p.approved_at, p.applied_at, p.created_at
  from runtime.meta_config_proposals p;

comment on view api.meta_config_proposals is 'Config change proposals of the meta layer (status PROPOSED, APPLIED, REJECTED, ...): which parameter, from, to, expected effect, confidence and rationale. Filter strategy_id=eq.<id>&status=eq.PROPOSED.';

notify pgrst, 'reload schema';

commit;
