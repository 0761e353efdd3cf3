-- api.diagnostics: a strategy's finished runs by market regime and by config; below 3 runs, "not enough runs".
begin;
select plan(10);

\ir ../fixtures/proposals.psql

-- TEST: who may call it
select ok(has_function_privilege('web_anon', 'api.diagnostics(text)', 'execute'), 'web_anon may read diagnostics');

-- TEST: not enough evidence
select is(api.diagnostics('US_CORE_LONG_EQ') ->> 'enough_evidence', 'false', 'no runs: not enough evidence');
select matches(api.diagnostics('US_CORE_LONG_EQ') ->> 'message', '^not enough runs', 'no runs: the answer says "not enough runs"');
select is(api.diagnostics('NO_SUCH') ->> 'message', 'unknown strategy NO_SUCH', 'an unknown strategy is named as such');

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

select * from finish();
rollback;
