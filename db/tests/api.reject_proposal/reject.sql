-- api.reject_proposal: the operator rejects an open proposal and the reason is kept.
begin;
select plan(3);

\ir ../fixtures/proposals.psql

-- TEST: who may call it
select ok(not has_function_privilege('web_anon', 'api.reject_proposal(bigint, text)', 'execute'), 'web_anon may not reject proposals');

-- SETUP: an open proposal
insert into runtime.meta_config_proposals (strategy_id, proposal_type, target_component, current_value, proposed_value, confidence_score, rationale)
values ('US_CORE_LONG_EQ', 'PARAMETER_CHANGE', 'portfolio.max_weight', '0.05', '0.1', 0.2, 'test');

-- TEST: reject
select is(api.reject_proposal((select proposal_id from runtime.meta_config_proposals where strategy_id = 'US_CORE_LONG_EQ' and status = 'PROPOSED'), 'too aggressive') ->> 'status',
          'REJECTED', 'operator rejects a proposal');
select is((select metadata ->> 'rejection_reason' from runtime.meta_config_proposals where status = 'REJECTED'), 'too aggressive', 'the reason is kept');

select * from finish();
rollback;
