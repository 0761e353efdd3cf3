-- Deploy prometheus:functions/function_reject_proposal to pg
-- The meta layer: reject a proposal, with a reason.
begin;

create or replace function api.reject_proposal(proposal_id bigint, reason text default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_status text;
begin
  select x.status into v_status from runtime.meta_config_proposals x where x.proposal_id = reject_proposal.proposal_id for update;
  if not found then
    raise exception 'no proposal %', proposal_id using errcode = 'PT404';
  end if;
  if v_status not in ('PROPOSED', 'APPROVED') then
    raise exception 'proposal % is already %', proposal_id, v_status using errcode = 'PT409';
  end if;
  update runtime.meta_config_proposals x
     set status = 'REJECTED', approved_by = core.request_actor(), approved_at = now(),
         metadata = coalesce(x.metadata, '{}') || jsonb_build_object('rejection_reason', reason)
   where x.proposal_id = reject_proposal.proposal_id;
  return jsonb_build_object('proposal_id', proposal_id, 'status', 'REJECTED');
end
$$;

comment on function api.reject_proposal(bigint, text) is
'Reject a proposal (operator only), with an optional reason. Errors: 404 (PT404) no such proposal, 409 (PT409) it is no longer open.';

revoke execute on function api.reject_proposal(bigint, text) from public;
grant execute on function api.reject_proposal(bigint, text) to operator;

notify pgrst, 'reload schema';

commit;
