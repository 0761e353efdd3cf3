-- api.apply_proposal: a proposal becomes a new active config version, once; unknown, rejected or orphaned proposals are refused.
begin;
select plan(12);

\ir ../fixtures/proposals.psql

-- TEST: who may call it
select ok(not has_function_privilege('web_anon', 'api.apply_proposal(bigint)', 'execute'), 'web_anon may not apply proposals');
select ok(has_function_privilege('operator', 'api.apply_proposal(bigint)', 'execute'), 'operator may apply proposals');

-- SETUP: two runs of the active config (top_k 50) and one of top_k 20, which does better; all lose in CRISIS
select pg_temp.add_run(50, 0.5, 0.002, -0.004);
select pg_temp.add_run(50, 0.6, 0.002, -0.003);
select pg_temp.add_run(20, 1.5, 0.004, -0.002);
select api.generate_proposals('US_CORE_LONG_EQ');

-- TEST: apply
select is(pg_temp.sqlstate_as('web_anon', format('select api.apply_proposal(%s)', (select proposal_id from runtime.meta_config_proposals where target_component = 'portfolio.top_k'))),
          '42501', 'web_anon applying a proposal is refused (42501)');
select is(pg_temp.sqlstate_as('operator', format('select api.apply_proposal(%s)', (select proposal_id from runtime.meta_config_proposals where target_component = 'portfolio.top_k'))),
          'OK', 'operator applies the top_k proposal');
select results_eq($$select version, (config_json #>> '{portfolio,top_k}')::int, source_proposal_id is not null, created_by from runtime.strategy_configs where is_active and strategy_id = 'US_CORE_LONG_EQ'$$,
                  $$values (2, 20, true, 'tester')$$, 'a new active config version 2 carries the change, its proposal and who applied it');
select is((select count(*)::int from runtime.strategy_configs where strategy_id = 'US_CORE_LONG_EQ'), 2, 'the old version is kept');
select is((select status from runtime.meta_config_proposals where target_component = 'portfolio.top_k'), 'APPLIED', 'the proposal is APPLIED');
select is(pg_temp.sqlstate_as('operator', format('select api.apply_proposal(%s)', (select proposal_id from runtime.meta_config_proposals where target_component = 'portfolio.top_k'))),
          'PT409', 'applying twice is PT409 (409)');
select is(pg_temp.sqlstate_as('operator', 'select api.apply_proposal(-1)'), 'PT404', 'applying an unknown proposal is PT404 (404)');
select is(api.apply_proposal((select proposal_id from runtime.meta_config_proposals where target_component = 'portfolio.regime_scaling')) #> '{config,portfolio,regime_scaling}',
          '{"CRISIS": 0.5}'::jsonb, 'applying the regime proposal writes regime_scaling into version 3');

-- SETUP: a proposal the operator rejected, and one whose strategy is gone
insert into runtime.meta_config_proposals (strategy_id, proposal_type, target_component, current_value, proposed_value, confidence_score, rationale)
values ('US_CORE_LONG_EQ', 'PARAMETER_CHANGE', 'portfolio.max_weight', '0.05', '0.1', 0.2, 'test'),
       ('GONE', 'PARAMETER_CHANGE', 'portfolio.max_weight', '0.05', '0.1', 0.2, 'test');
select api.reject_proposal((select proposal_id from runtime.meta_config_proposals where strategy_id = 'US_CORE_LONG_EQ' and status = 'PROPOSED'), 'too aggressive');

-- TEST: a rejected proposal, and a proposal whose strategy is gone
select is(pg_temp.sqlstate_as('operator', format('select api.apply_proposal(%s)', (select proposal_id from runtime.meta_config_proposals where status = 'REJECTED'))),
          'PT409', 'a rejected proposal cannot be applied (409)');
select is(pg_temp.sqlstate_as('operator', format('select api.apply_proposal(%s)', (select proposal_id from runtime.meta_config_proposals where strategy_id = 'GONE'))),
          'PT404', 'a proposal for a missing strategy is PT404 (404)');

select * from finish();
rollback;
