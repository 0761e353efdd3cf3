-- api.generate_proposals: proposals from the evidence (regime exposure, better parameters), never twice; none without evidence.
begin;
select plan(9);

\ir ../fixtures/proposals.psql

-- TEST: who may call it
select ok(not has_function_privilege('web_anon', 'api.generate_proposals(text)', 'execute'), 'web_anon may not generate proposals');
select ok(has_function_privilege('operator', 'api.generate_proposals(text)', 'execute'), 'operator may generate proposals');
select is(pg_temp.sqlstate_as('web_anon', $$select api.generate_proposals('US_CORE_LONG_EQ')$$), '42501', 'web_anon generating proposals is refused (42501)');

-- TEST: not enough evidence
select is(api.generate_proposals('US_CORE_LONG_EQ') -> 'proposals', '[]'::jsonb, 'without evidence, no proposals');
select is(pg_temp.sqlstate_as('operator', $$select api.generate_proposals('NO_SUCH')$$), 'PT404', 'proposals for an unknown strategy are PT404 (404)');

-- SETUP: two runs of the active config (top_k 50) and one of top_k 20, which does better; all lose in CRISIS
select pg_temp.add_run(50, 0.5, 0.002, -0.004);
select pg_temp.add_run(50, 0.6, 0.002, -0.003);
select pg_temp.add_run(20, 1.5, 0.004, -0.002);

-- TEST: proposals
select is(jsonb_array_length(api.generate_proposals('US_CORE_LONG_EQ') -> 'proposals'), 2, 'two proposals from the evidence');
select results_eq($$select proposal_type, target_component, current_value, proposed_value, status from runtime.meta_config_proposals order by proposal_type$$,
                  $$values ('PARAMETER_CHANGE', 'portfolio.top_k', '50'::jsonb, '20'::jsonb, 'PROPOSED'),
                           ('REGIME_EXPOSURE', 'portfolio.regime_scaling', 'null'::jsonb, '{"CRISIS": 0.5}'::jsonb, 'PROPOSED')$$,
                  'move top_k to the better config; halve exposure in CRISIS; both PROPOSED');
select ok((select bool_and(confidence_score between 0 and 1 and rationale <> '' and supporting_metrics is not null) from runtime.meta_config_proposals),
          'each proposal has a confidence in [0, 1], a rationale and its evidence');
select is(jsonb_array_length(api.generate_proposals('US_CORE_LONG_EQ') -> 'proposals'), 0, 'generating again does not duplicate open proposals');

select * from finish();
rollback;
