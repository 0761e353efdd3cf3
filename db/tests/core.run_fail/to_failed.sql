-- core.run_fail: a run ends FAILED with its error, and every row it wrote is removed (its run row stays).
begin;
select plan(12);

\ir ../fixtures/jobs.psql

-- TEST: the function, and who may call it
select has_function('core', 'run_fail', array['uuid', 'text'], 'core.run_fail(run_id, error) exists');
select ok(has_function_privilege('pycore_writer', 'core.run_fail(uuid, text)', 'execute'), 'pycore_writer (the run service, the workers) may fail a run');
select ok(not has_function_privilege('operator', 'core.run_fail(uuid, text)', 'execute')
          and not has_function_privilege('web_anon', 'core.run_fail(uuid, text)', 'execute'),
          'operator and web_anon may not fail a run');

-- SETUP: two running runs with rows
select pg_temp.new_run('00000000-0000-0000-0000-0000000000d1');
select pg_temp.new_run('00000000-0000-0000-0000-0000000000d2');

-- TEST: RUNNING -> FAILED, rows removed, the other run untouched
select is(core.run_fail('00000000-0000-0000-0000-0000000000d1', 'RuntimeError: strategy blew up'), 5::bigint, 'run_fail returns the number of rows it removed');
select results_eq($$select status, error, finished_at is not null from runtime.backtest_runs where run_id = '00000000-0000-0000-0000-0000000000d1'$$,
                  $$values ('FAILED', 'RuntimeError: strategy blew up', true)$$, 'the run is FAILED with its error and end time');
select is(pg_temp.rows_of('00000000-0000-0000-0000-0000000000d1'), 0::bigint, 'the failed run has no rows left in any of its tables');
select is(pg_temp.rows_of('00000000-0000-0000-0000-0000000000d2'), 5::bigint, 'the other run keeps its rows');

-- TEST: a FAILED run keeps its first error
select is(core.run_fail('00000000-0000-0000-0000-0000000000d1', 'attempt abandoned: later'), 0::bigint, 'failing a failed run again removes nothing more');
select is((select error from runtime.backtest_runs where run_id = '00000000-0000-0000-0000-0000000000d1'), 'RuntimeError: strategy blew up',
          'and keeps the first error');

-- TEST: a SUCCEEDED run can still fail (its job failed after it), an empty error reads "failed"
select core.run_finish('00000000-0000-0000-0000-0000000000d2');
select core.run_fail('00000000-0000-0000-0000-0000000000d2', '');
select results_eq($$select status, error from runtime.backtest_runs where run_id = '00000000-0000-0000-0000-0000000000d2'$$,
                  $$values ('FAILED', 'failed')$$, 'a SUCCEEDED run becomes FAILED; without a reason the error is "failed"');

-- TEST: bad arguments
select throws_ok($$select core.run_fail('00000000-0000-0000-0000-0000000000ff', 'x')$$, 'PT404', null, 'failing an unknown run is PT404');
select throws_ok($$select core.run_fail(null, 'x')$$, '22023', null, 'failing without a run id is refused with 22023');

select * from finish();
rollback;
