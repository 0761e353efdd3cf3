-- core.job_progress: a running job's worker reports progress and its run, renews its lease and learns of a cancel.
begin;
select plan(11);

\ir ../fixtures/jobs.psql

-- TEST: the function, and who may call it
select has_function('core', 'job_progress', array['bigint', 'text', 'double precision', 'date', 'uuid', 'double precision'],
                    'core.job_progress exists');
select ok(has_function_privilege('pycore_writer', 'core.job_progress(bigint, text, double precision, date, uuid, double precision)', 'execute')
          and not has_function_privilege('operator', 'core.job_progress(bigint, text, double precision, date, uuid, double precision)', 'execute'),
          'pycore_writer may report progress, operator may not');

-- SETUP: a job running under host:1, its lease about to run out; a run for it; a pending job
select pg_temp.new_job('PROG_A'), pg_temp.new_job('PROG_B');
select core.job_start(pg_temp.job_of('PROG_A'), 'host:1');
update runtime.jobs set lease_expires_at = now() - interval '1 second' where job_id = pg_temp.job_of('PROG_A');
select pg_temp.new_run('00000000-0000-0000-0000-0000000000b1');

-- TEST: progress is stored with the run, the lease renewed, and no cancel is asked
select is(core.job_progress(pg_temp.job_of('PROG_A'), 'host:1', 0.25, '2023-02-01', '00000000-0000-0000-0000-0000000000b1', 15),
          false, 'progress returns false while nobody asked to cancel');
select results_eq($$select progress, progress_date, run_id, lease_expires_at = now() + interval '15 seconds' from runtime.jobs
                     where job_id = pg_temp.job_of('PROG_A')$$,
                  $$values (0.25::float8, '2023-02-01'::date, '00000000-0000-0000-0000-0000000000b1'::uuid, true)$$,
                  'the fraction, the date reached and the attempt''s run are stored, and the lease is renewed');

-- TEST: after api.cancel_job, progress answers true
select is(api.cancel_job(pg_temp.job_of('PROG_A')), 'CANCEL_REQUESTED', 'the operator asks the running job to stop');
select is(core.job_progress(pg_temp.job_of('PROG_A'), 'host:1', 0.5), true, 'the next progress report returns true: stop');

-- TEST: refusals
select throws_ok(format('select core.job_progress(%s, %L, 0.5)', pg_temp.job_of('PROG_A'), 'host:2'), 'PT409', null,
                 'another worker reporting on the job is refused with PT409 (the attempt is not its own)');
select throws_ok(format('select core.job_progress(%s, %L, 0.5)', pg_temp.job_of('PROG_B'), 'host:1'), 'PT409', null,
                 'progress on a job that is not RUNNING is refused with PT409');
select throws_ok('select core.job_progress(-1, ''host:1'', 0.5)', 'PT404', null, 'progress on an unknown job is PT404');
select throws_ok(format('select core.job_progress(%s, %L, 1.5)', pg_temp.job_of('PROG_A'), 'host:1'), '22023', null,
                 'a progress outside [0, 1] is refused with 22023');
select throws_ok(format('select core.job_progress(%s, %L, 0.6, null, %L)', pg_temp.job_of('PROG_A'), 'host:1',
                        '00000000-0000-0000-0000-0000000000b2'), '22023', null,
                 'a second run for the same attempt is refused with 22023');

select * from finish();
rollback;
