-- core.job_finish: RUNNING -> SUCCEEDED (with a succeeded run), FAILED or CANCELLED (the attempt's rows removed).
begin;
select plan(13);

\ir ../fixtures/jobs.psql

-- TEST: the function, and who may call it
select has_function('core', 'job_finish', array['bigint', 'text', 'text', 'text'], 'core.job_finish exists');
select ok(has_function_privilege('pycore_writer', 'core.job_finish(bigint, text, text, text)', 'execute')
          and not has_function_privilege('operator', 'core.job_finish(bigint, text, text, text)', 'execute'),
          'pycore_writer may finish a job, operator may not');

-- SETUP: three jobs running under host:1, each with a run that wrote rows
select pg_temp.new_job('FIN_OK'), pg_temp.new_job('FIN_FAIL'), pg_temp.new_job('FIN_CANCEL');
select core.job_start(pg_temp.job_of(p), 'host:1') from unnest(array['FIN_OK', 'FIN_FAIL', 'FIN_CANCEL']) p;
select core.job_progress(pg_temp.job_of('FIN_OK'), 'host:1', 0.9, null, pg_temp.new_run('00000000-0000-0000-0000-0000000000c1'));
select core.job_progress(pg_temp.job_of('FIN_FAIL'), 'host:1', 0.5, null, pg_temp.new_run('00000000-0000-0000-0000-0000000000c2'));
select core.job_progress(pg_temp.job_of('FIN_CANCEL'), 'host:1', 0.5, null, pg_temp.new_run('00000000-0000-0000-0000-0000000000c3'));

-- TEST: success needs a succeeded run
select throws_ok(format('select core.job_finish(%s, %L, %L)', pg_temp.job_of('FIN_OK'), 'host:1', 'SUCCEEDED'), 'PT409', null,
                 'a job whose run is still RUNNING cannot succeed (PT409)');
select core.run_finish('00000000-0000-0000-0000-0000000000c1');
select lives_ok(format('select core.job_finish(%s, %L, %L)', pg_temp.job_of('FIN_OK'), 'host:1', 'SUCCEEDED'),
                'a job whose run SUCCEEDED finishes SUCCEEDED');
select results_eq($$select status, progress, error, finished_at is not null, lease_expires_at from runtime.jobs where job_id = pg_temp.job_of('FIN_OK')$$,
                  $$values ('SUCCEEDED', 1::float8, null::text, true, null::timestamptz)$$,
                  'the job is SUCCEEDED at 100%, without error or lease, with its end time');
select is(pg_temp.rows_of('00000000-0000-0000-0000-0000000000c1'), 5::bigint, 'the succeeded run keeps its rows');

-- TEST: finishing a job that is not RUNNING (or not the worker's own) raises
select throws_ok(format('select core.job_finish(%s, %L, %L)', pg_temp.job_of('FIN_OK'), 'host:1', 'FAILED'), 'PT409', null,
                 'finishing a job that already ended is refused with PT409');
select throws_ok(format('select core.job_finish(%s, %L, %L)', pg_temp.job_of('FIN_FAIL'), 'host:2', 'FAILED'), 'PT409', null,
                 'another worker finishing the job is refused with PT409');
select throws_ok(format('select core.job_finish(%s, %L, %L)', pg_temp.job_of('FIN_FAIL'), 'host:1', 'DONE'), '22023', null,
                 'a final status other than SUCCEEDED, FAILED or CANCELLED is refused with 22023');
select throws_ok('select core.job_finish(-1, ''host:1'', ''FAILED'')', 'PT404', null, 'finishing an unknown job is PT404');

-- TEST: FAILED and CANCELLED remove the attempt's rows and fail its run
select core.job_finish(pg_temp.job_of('FIN_FAIL'), 'host:1', 'FAILED', 'portfolio.top_k: must be at least 1');
select core.job_finish(pg_temp.job_of('FIN_CANCEL'), 'host:1', 'CANCELLED');
select results_eq($$select j.status, j.error, r.status, r.error from runtime.jobs j join runtime.backtest_runs r using (run_id)
                     where j.job_id = pg_temp.job_of('FIN_FAIL')$$,
                  $$values ('FAILED', 'portfolio.top_k: must be at least 1', 'FAILED', 'portfolio.top_k: must be at least 1')$$,
                  'a FAILED job and its run carry the error');
select results_eq($$select j.status, j.error, r.status from runtime.jobs j join runtime.backtest_runs r using (run_id)
                     where j.job_id = pg_temp.job_of('FIN_CANCEL')$$,
                  $$values ('CANCELLED', 'cancelled while running; its rows were removed', 'FAILED')$$,
                  'a CANCELLED job says so, and its run is FAILED');
select is(pg_temp.rows_of('00000000-0000-0000-0000-0000000000c2') + pg_temp.rows_of('00000000-0000-0000-0000-0000000000c3'), 0::bigint,
          'the failed and the cancelled attempts left no rows');

select * from finish();
rollback;
