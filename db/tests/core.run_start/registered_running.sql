-- core.run_start: a run is registered RUNNING with what was asked, and gets its id and sequence number.
begin;
select plan(6);

-- TEST: the function, and who may call it
select has_function('core', 'run_start', array['text', 'jsonb', 'date', 'date', 'text[]', 'text', 'text', 'text', 'text'],
                    'core.run_start exists');
select ok(has_function_privilege('pycore_writer', 'core.run_start(text, jsonb, date, date, text[], text, text, text, text)', 'execute')
          and not has_function_privilege('operator', 'core.run_start(text, jsonb, date, date, text[], text, text, text, text)', 'execute'),
          'pycore_writer (the run service) may start a run, operator may not');

-- SETUP: two runs
create temp table started as
select r.*, 1 as n from core.run_start('US_CORE_LONG_EQ', '{"initial_capital": 1000000.0}', '2023-01-01', '2024-01-01', '{US_EQ}',
                                       'MAIN', 'US_CORE_LONG_EQ', 'US_CORE_LONG_EQ_UNIVERSE') r;
insert into started select r.*, 2 from core.run_start('T', '{}', '2023-01-01', '2023-06-30', '{US_EQ}', null, null) r;

-- TEST
select results_eq($$select b.strategy_id, b.config_json, b.start_date, b.end_date, b.market_ids, b.portfolio_id, b.sleeve_id, b.universe_id,
                           b.mode, b.status, b.started_at = now(), b.metrics_json, b.run_seq = s.run_seq
                      from runtime.backtest_runs b join started s using (run_id) where s.n = 1$$,
                  $$values ('US_CORE_LONG_EQ', '{"initial_capital": 1000000.0}'::jsonb, '2023-01-01'::date, '2024-01-01'::date, '{US_EQ}'::text[],
                            'MAIN', 'US_CORE_LONG_EQ', 'US_CORE_LONG_EQ_UNIVERSE', 'BACKTEST', 'RUNNING', true, null::jsonb, true)$$,
                  'the run is RUNNING since now, with what was asked; it returns its run_id and run_seq');
select ok((select max(run_seq) - min(run_seq) = 1 and count(distinct run_id) = 2 from started), 'each run has its own id and the next sequence number');
select throws_ok($$select core.run_start('T', '{}', '2023-06-30', '2023-01-01', '{US_EQ}', null, null)$$, '23514', null,
                 'an end before the start is refused (23514)');
select throws_ok($$select core.run_start('T', '[]', '2023-01-01', '2023-06-30', '{US_EQ}', null, null)$$, '23514', null,
                 'a config that is not an object is refused (23514)');

select * from finish();
rollback;
