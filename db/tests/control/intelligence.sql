-- api.diagnostics / generate_proposals / apply_proposal / reject_proposal: evidence, permissions, SQLSTATEs, state machine.
begin;
select plan(36);

-- SETUP: market regimes for Q1 2020 (CALM_BULL, then CRISIS) and a helper running a statement as a role.
insert into hist.markets (market_id, name, region, timezone, calendar, currency)
values ('US_EQ', 'US equities', 'US', 'America/New_York', 'XNYS', 'USD') on conflict do nothing;
create temp table days as
select d::date as date, row_number() over (order by d) as k
  from generate_series('2020-01-01'::date, '2020-03-31'::date, '1 day') d where extract(isodow from d) < 6;
insert into runtime.regimes (as_of_date, region, regime_label, confidence, run_id)
select date, 'US', case when k <= 40 then 'CALM_BULL' else 'CRISIS' end, 0.9, null from days;

\ir sqlstate_as.psql

-- a finished run of the strategy with a given top_k, Sharpe and daily returns in the two regimes
create function pg_temp.add_run(p_top_k int, p_sharpe float8, p_calm float8, p_crisis float8) returns uuid language sql as $$
  with r as (
    insert into runtime.backtest_runs (strategy_id, config_json, start_date, end_date, market_ids, status, started_at, finished_at, metrics_json)
    select 'US_CORE_LONG_EQ', jsonb_set(c.config_json, '{portfolio,top_k}', to_jsonb(p_top_k)), '2020-01-01', '2020-03-31', '{US_EQ}',
           'SUCCEEDED', now(), now(), jsonb_build_object('sharpe_ratio', p_sharpe, 'cagr', p_sharpe / 10, 'max_drawdown', -0.1, 'hit_rate', 0.5)
      from runtime.strategy_configs c where c.strategy_id = 'US_CORE_LONG_EQ' and c.is_active
    returning run_id
  ), e as (
    insert into runtime.backtest_daily_equity (run_id, as_of_date, equity, drawdown, cash, gross_exposure, net_exposure, daily_return)
    select r.run_id, d.date, 100, 0, 0, 1, 1,
           case when d.k <= 40 then p_calm else p_crisis end + 0.002 * ((d.k % 3) - 1)
      from r, days d
  )
  select run_id from r
$$;

-- TEST: who may call what
select ok(has_function_privilege('web_anon', 'api.diagnostics(text)', 'execute'), 'web_anon may read diagnostics');
select ok(not has_function_privilege('web_anon', 'api.generate_proposals(text)', 'execute'), 'web_anon may not generate proposals');
select ok(not has_function_privilege('web_anon', 'api.apply_proposal(bigint)', 'execute'), 'web_anon may not apply proposals');
select ok(not has_function_privilege('web_anon', 'api.reject_proposal(bigint, text)', 'execute'), 'web_anon may not reject proposals');
select ok(has_function_privilege('operator', 'api.apply_proposal(bigint)', 'execute'), 'operator may apply proposals');
select ok(has_function_privilege('operator', 'api.generate_proposals(text)', 'execute'), 'operator may generate proposals');
select is(pg_temp.sqlstate_as('web_anon', $$select api.generate_proposals('US_CORE_LONG_EQ')$$), '42501', 'web_anon generating proposals is refused (42501)');
select ok(has_table_privilege('web_anon', 'api.meta_config_proposals', 'select'), 'web_anon may read proposals');
select ok(has_table_privilege('web_anon', 'api.strategy_configs', 'select'), 'web_anon may read strategy configs');

-- TEST: not enough evidence
select is(api.diagnostics('US_CORE_LONG_EQ') ->> 'enough_evidence', 'false', 'no runs: not enough evidence');
select matches(api.diagnostics('US_CORE_LONG_EQ') ->> 'message', '^not enough runs', 'no runs: the answer says "not enough runs"');
select is(api.diagnostics('NO_SUCH') ->> 'message', 'unknown strategy NO_SUCH', 'an unknown strategy is named as such');
select is(api.generate_proposals('US_CORE_LONG_EQ') -> 'proposals', '[]'::jsonb, 'without evidence, no proposals');
select is(pg_temp.sqlstate_as('operator', $$select api.generate_proposals('NO_SUCH')$$), 'PT404', 'proposals for an unknown strategy are PT404 (404)');

-- SETUP: two runs of the active config (top_k 50) and one of top_k 20, which does better; all lose in CRISIS
select pg_temp.add_run(50, 0.5, 0.002, -0.004);
select pg_temp.add_run(50, 0.6, 0.002, -0.003);
select pg_temp.add_run(20, 1.5, 0.004, -0.002);

-- TEST: diagnostics by regime and by config
select is((api.diagnostics('US_CORE_LONG_EQ') ->> 'runs')::int, 3, 'three runs count as evidence');
select is(api.diagnostics('US_CORE_LONG_EQ') ->> 'enough_evidence', 'true', 'three runs are enough');
select results_eq($$select value ->> 'regime', (value ->> 'days')::int, (value ->> 'flagged')::boolean
                      from jsonb_array_elements(api.diagnostics('US_CORE_LONG_EQ') -> 'by_regime') order by 1$$,
                  $$values ('CALM_BULL', 120, false), ('CRISIS', (select 3 * count(*)::int from days where k > 40), true)$$,
                  'by regime: days per regime; CRISIS, where it loses, is flagged');
select is((select value ->> 'reason' from jsonb_array_elements(api.diagnostics('US_CORE_LONG_EQ') -> 'by_regime') where value ->> 'regime' = 'CRISIS'),
          'loses money in this regime', 'the flag says why');
select results_eq($$select (value #>> '{config,portfolio.top_k}')::int, (value ->> 'runs')::int, (value ->> 'flagged')::boolean
                      from jsonb_array_elements(api.diagnostics('US_CORE_LONG_EQ') -> 'by_config') order by 1$$,
                  $$values (20, 1, false), (50, 2, true)$$,
                  'by config: runs grouped by their parameters; the weaker config is flagged');
select is(round((select (value ->> 'sharpe_ratio')::numeric from jsonb_array_elements(api.diagnostics('US_CORE_LONG_EQ') -> 'by_config')
                  where value #>> '{config,portfolio.top_k}' = '50'), 6), 0.55, 'a config''s Sharpe is the mean over its runs');

-- TEST: proposals
select is(jsonb_array_length(api.generate_proposals('US_CORE_LONG_EQ') -> 'proposals'), 2, 'two proposals from the evidence');
select results_eq($$select proposal_type, target_component, current_value, proposed_value, status from runtime.meta_config_proposals order by proposal_type$$,
                  $$values ('PARAMETER_CHANGE', 'portfolio.top_k', '50'::jsonb, '20'::jsonb, 'PROPOSED'),
                           ('REGIME_EXPOSURE', 'portfolio.regime_scaling', 'null'::jsonb, '{"CRISIS": 0.5}'::jsonb, 'PROPOSED')$$,
                  'move top_k to the better config; halve exposure in CRISIS; both PROPOSED');
select ok((select bool_and(confidence_score between 0 and 1 and rationale <> '' and supporting_metrics is not null) from runtime.meta_config_proposals),
          'each proposal has a confidence in [0, 1], a rationale and its evidence');
select is(jsonb_array_length(api.generate_proposals('US_CORE_LONG_EQ') -> 'proposals'), 0, 'generating again does not duplicate open proposals');

-- TEST: apply
select is(pg_temp.sqlstate_as('web_anon', format('select api.apply_proposal(%s)', (select proposal_id from runtime.meta_config_proposals where target_component = 'portfolio.top_k'))),
          '42501', 'web_anon applying a proposal is refused (42501)');
select is(pg_temp.sqlstate_as('operator', format('select api.apply_proposal(%s)', (select proposal_id from runtime.meta_config_proposals where target_component = 'portfolio.top_k'))),
          'OK', 'operator applies the top_k proposal');
select results_eq($$select version, (config_json #>> '{portfolio,top_k}')::int, source_proposal_id is not null, created_by from runtime.strategy_configs where is_active$$,
                  $$values (2, 20, true, 'tester')$$, 'a new active config version 2 carries the change, its proposal and who applied it');
select is((select count(*)::int from runtime.strategy_configs where strategy_id = 'US_CORE_LONG_EQ'), 2, 'the old version is kept');
select is((select status from runtime.meta_config_proposals where target_component = 'portfolio.top_k'), 'APPLIED', 'the proposal is APPLIED');
select is(pg_temp.sqlstate_as('operator', format('select api.apply_proposal(%s)', (select proposal_id from runtime.meta_config_proposals where target_component = 'portfolio.top_k'))),
          'PT409', 'applying twice is PT409 (409)');
select is(pg_temp.sqlstate_as('operator', 'select api.apply_proposal(-1)'), 'PT404', 'applying an unknown proposal is PT404 (404)');
select is(api.apply_proposal((select proposal_id from runtime.meta_config_proposals where target_component = 'portfolio.regime_scaling')) #> '{config,portfolio,regime_scaling}',
          '{"CRISIS": 0.5}'::jsonb, 'applying the regime proposal writes regime_scaling into version 3');

-- TEST: reject, and a proposal whose strategy is gone
insert into runtime.meta_config_proposals (strategy_id, proposal_type, target_component, current_value, proposed_value, confidence_score, rationale)
values ('US_CORE_LONG_EQ', 'PARAMETER_CHANGE', 'portfolio.max_weight', '0.05', '0.1', 0.2, 'test'),
       ('GONE', 'PARAMETER_CHANGE', 'portfolio.max_weight', '0.05', '0.1', 0.2, 'test');
select is(api.reject_proposal((select proposal_id from runtime.meta_config_proposals where strategy_id = 'US_CORE_LONG_EQ' and status = 'PROPOSED'), 'too aggressive') ->> 'status',
          'REJECTED', 'operator rejects a proposal');
select is((select metadata ->> 'rejection_reason' from runtime.meta_config_proposals where status = 'REJECTED'), 'too aggressive', 'the reason is kept');
select is(pg_temp.sqlstate_as('operator', format('select api.apply_proposal(%s)', (select proposal_id from runtime.meta_config_proposals where status = 'REJECTED'))),
          'PT409', 'a rejected proposal cannot be applied (409)');
select is(pg_temp.sqlstate_as('operator', format('select api.apply_proposal(%s)', (select proposal_id from runtime.meta_config_proposals where strategy_id = 'GONE'))),
          'PT404', 'a proposal for a missing strategy is PT404 (404)');

select * from finish();
rollback;
