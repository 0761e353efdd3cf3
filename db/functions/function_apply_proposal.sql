-- Deploy prometheus:functions/function_apply_proposal to pg
-- The meta layer: apply a proposal as a new active strategy config version.
begin;

create or replace function api.apply_proposal(proposal_id bigint)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  p runtime.meta_config_proposals;
  v_config jsonb;
  v_version int;
  v_errors text;
begin
  select * into p from runtime.meta_config_proposals x where x.proposal_id = apply_proposal.proposal_id for update;
  if not found then
    raise exception 'no proposal %', proposal_id using errcode = 'PT404';
  end if;
  if p.status <> 'PROPOSED' and p.status <> 'APPROVED' then
    raise exception 'proposal % is already %', proposal_id, p.status using errcode = 'PT409';
  end if;
  select c.config_json, c.version into v_config, v_version from runtime.strategy_configs c
   where c.strategy_id = p.strategy_id and c.is_active for update;
  if not found then
    raise exception 'strategy % of proposal % does not exist', p.strategy_id, proposal_id using errcode = 'PT404';
  end if;
  -- an object-valued parameter (e.g. regime_scaling) is merged, so applying several proposals adds up
  v_config := jsonb_set(v_config, string_to_array(p.target_component, '.'),
                        case when jsonb_typeof(p.proposed_value) = 'object'
                              and jsonb_typeof(v_config #> string_to_array(p.target_component, '.')) = 'object'
                             then (v_config #> string_to_array(p.target_component, '.')) || p.proposed_value
                             else p.proposed_value end, true);
  -- the new version must keep to the strategy's own schema (its params included), as a run's overrides must
  select string_agg(e.path || ': ' || e.message, '; ') into v_errors
    from core.config_errors(core.strategy_schema(p.strategy_id), v_config) e;
  if v_errors is not null then
    raise exception 'proposal % makes an invalid config of %: %', proposal_id, p.strategy_id, v_errors using errcode = '22023';
  end if;
  update runtime.strategy_configs c set is_active = false where c.strategy_id = p.strategy_id and c.is_active;
  insert into runtime.strategy_configs (strategy_id, config_json, version, is_active, created_by, source_proposal_id)
  values (p.strategy_id, v_config, (select max(version) + 1 from runtime.strategy_configs c where c.strategy_id = p.strategy_id),
          true, core.request_actor(), p.proposal_id);
  update runtime.meta_config_proposals x
     set status = 'APPLIED', applied_at = now(), approved_at = coalesce(x.approved_at, now()),
         approved_by = coalesce(x.approved_by, core.request_actor())
   where x.proposal_id = p.proposal_id;
  return jsonb_build_object('proposal_id', p.proposal_id, 'status', 'APPLIED', 'strategy_id', p.strategy_id,
                            'version', (select max(version) from runtime.strategy_configs c where c.strategy_id = p.strategy_id),
                            'previous_version', v_version, 'target_component', p.target_component,
                            'proposed_value', p.proposed_value, 'config', v_config);
end
$$;

comment on function api.apply_proposal(bigint) is
'Apply a proposal (operator only): writes a new active version of the strategy''s config with the proposed value and marks the proposal APPLIED. The new config is checked against the strategy''s own schema (core.strategy_schema). Errors: 400 (22023) the proposed value breaks that schema, 404 (PT404) no such proposal or its strategy is gone, 409 (PT409) it was already applied, rejected or reverted.';

revoke execute on function api.apply_proposal(bigint) from public;
grant execute on function api.apply_proposal(bigint) to operator;

notify pgrst, 'reload schema';

commit;
