-- core.run_finish: RUNNING -> SUCCEEDED, with the metrics core.run_metrics computes stored as metrics_json.
begin;
select plan(11);

\ir ../fixtures/jobs.psql

-- TEST: the function, and who may call it
select has_function('core', 'run_finish', array['uuid'], 'core.run_finish(run_id) exists');
select ok(has_function_privilege('pycore_writer', 'core.run_finish(uuid)', 'execute'), 'pycore_writer (the run service) may finish a run');
select ok(not has_function_privilege('operator', 'core.run_finish(uuid)', 'execute')
          and not has_function_privilege('web_anon', 'core.run_finish(uuid)', 'execute'),
          'operator and web_anon may not finish a run');

-- SETUP: a running run that stored two days, an engine decision and its progress
select pg_temp.new_run('00000000-0000-0000-0000-0000000000f1');
update runtime.backtest_runs set metrics_json = '{"progress": 0.5}', config_json = '{"initial_capital": 1000000.0}'
 where run_id = '00000000-0000-0000-0000-0000000000f1';
create temp table expected as select core.run_metrics('00000000-0000-0000-0000-0000000000f1') as m;

-- TEST: the run succeeds with SQL's metrics
select is(core.run_finish('00000000-0000-0000-0000-0000000000f1'), (select m from expected), 'run_finish returns core.run_metrics of the run');
select results_eq($$select status, metrics_json, error, finished_at is not null from runtime.backtest_runs
                     where run_id = '00000000-0000-0000-0000-0000000000f1'$$,
                  $$select 'SUCCEEDED', m, null::text, true from expected$$,
                  'the run is SUCCEEDED, its metrics_json is SQL''s metrics (the progress is gone), with its end time');
select is((select m ->> 'days' from expected), '2', 'the metrics are the run''s own (two days)');
select is(pg_temp.rows_of('00000000-0000-0000-0000-0000000000f1'), 5::bigint, 'a finished run keeps its rows');

-- TEST: only a RUNNING run finishes
select throws_ok($$select core.run_finish('00000000-0000-0000-0000-0000000000f1')$$, 'PT409', null, 'finishing a run twice is refused with PT409');
select pg_temp.new_run('00000000-0000-0000-0000-0000000000f2');
select core.run_fail('00000000-0000-0000-0000-0000000000f2', 'boom');
select throws_ok($$select core.run_finish('00000000-0000-0000-0000-0000000000f2')$$, 'PT409', null, 'a FAILED run cannot succeed (PT409)');
select throws_ok($$select core.run_finish('00000000-0000-0000-0000-0000000000ff')$$, 'PT404', null, 'finishing an unknown run is PT404');
select throws_ok($$select core.run_finish(null)$$, '22023', null, 'finishing without a run id is refused with 22023');

select * from finish();
rollback;
