-- core.job_requeue: a transient fault retries the job with exponential backoff, up to a limit; the attempt's rows go.
begin;
select plan(16);

\ir ../fixtures/jobs.psql

-- TEST: the function, and who may call it
select has_function('core', 'job_requeue', array['bigint', 'text', 'text', 'integer', 'double precision'], 'core.job_requeue exists');
select ok(has_function_privilege('pycore_writer', 'core.job_requeue(bigint, text, text, integer, double precision)', 'execute')
          and not has_function_privilege('operator', 'core.job_requeue(bigint, text, text, integer, double precision)', 'execute'),
          'pycore_writer may requeue a job, operator may not');

-- SETUP: a job in its first attempt under host:1, with a run that wrote rows
select pg_temp.new_job('RQ_A');
select core.job_start(pg_temp.job_of('RQ_A'), 'host:1');
select core.job_progress(pg_temp.job_of('RQ_A'), 'host:1', 0.4, '2023-02-15', pg_temp.new_run('00000000-0000-0000-0000-0000000000d1'));

-- TEST: attempt 1 of 3 fails: PENDING again, retried after the base backoff
select results_eq(format('select job_status, retry_at - now() from core.job_requeue(%s, %L, %L, 3, 2)', pg_temp.job_of('RQ_A'), 'host:1',
                         'AdminShutdown: terminating connection due to administrator command'),
                  $$values ('PENDING', interval '2 seconds')$$, 'the first failed attempt is retried in 2 s');
select results_eq($$select status, worker, run_id, progress, lease_expires_at, error like 'attempt 1 of 3 failed: AdminShutdown: %'
                      from runtime.jobs where job_id = pg_temp.job_of('RQ_A')$$,
                  $$values ('PENDING', null::text, null::uuid, 0::float8, null::timestamptz, true)$$,
                  'the job is PENDING, without worker, run or lease, and says why it is retried');
select results_eq($$select status, error from runtime.backtest_runs where run_id = '00000000-0000-0000-0000-0000000000d1'$$,
                  $$values ('FAILED', 'attempt abandoned: AdminShutdown: terminating connection due to administrator command')$$,
                  'the abandoned attempt''s run is FAILED with the reason');
select is(pg_temp.rows_of('00000000-0000-0000-0000-0000000000d1'), 0::bigint, 'the abandoned attempt''s rows are removed');

-- TEST: the backoff doubles, and the last attempt FAILS the job with the reason
select core.job_start(pg_temp.job_of('RQ_A'), 'host:1');
select is((select retry_at - now() from core.job_requeue(pg_temp.job_of('RQ_A'), 'host:1', 'connection reset', 3, 2)), interval '4 seconds',
          'the second failed attempt is retried in 4 s');
select core.job_start(pg_temp.job_of('RQ_A'), 'host:2');
select results_eq(format('select job_status, retry_at from core.job_requeue(%s, %L, %L, 3, 2)', pg_temp.job_of('RQ_A'), 'host:2', 'connection reset'),
                  $$values ('FAILED', null::timestamptz)$$, 'the third failed attempt of three fails the job');
select results_eq($$select status, attempts, error, finished_at is not null from runtime.jobs where job_id = pg_temp.job_of('RQ_A')$$,
                  $$values ('FAILED', 3, 'connection reset (gave up after 3 attempts)', true)$$,
                  'the FAILED job says what failed and how many attempts were made');
select results_eq(format('select job_status, retry_at from core.job_requeue(%s, %L, %L)', pg_temp.job_of('RQ_A'), 'host:2', 'again'),
                  $$values ('FAILED', null::timestamptz)$$, 'requeueing a job that is not RUNNING changes nothing and returns its status');

-- TEST: another worker's attempt is not requeued by this one, but recovery (no worker) may
select pg_temp.new_job('RQ_B');
select core.job_start(pg_temp.job_of('RQ_B'), 'host:3');
select throws_ok(format('select core.job_requeue(%s, %L, %L)', pg_temp.job_of('RQ_B'), 'host:1', 'lost'), 'PT409', null,
                 'a worker cannot requeue another worker''s attempt (PT409)');
select is((select job_status from core.job_requeue(pg_temp.job_of('RQ_B'), null, 'worker host:3 died')), 'PENDING',
          'recovery (no worker given) requeues any RUNNING attempt');

-- TEST: a job the operator asked to cancel ends CANCELLED instead of being retried
select core.job_start(pg_temp.job_of('RQ_B'), 'host:1');
select api.cancel_job(pg_temp.job_of('RQ_B'));
select is((select job_status from core.job_requeue(pg_temp.job_of('RQ_B'), 'host:1', 'connection reset')), 'CANCELLED',
          'a cancelled job whose attempt died ends CANCELLED, not retried');

-- TEST: bad arguments
select throws_ok(format('select core.job_requeue(%s, null, %L, 0)', pg_temp.job_of('RQ_B'), 'x'), '22023', null,
                 'max_attempts below 1 is refused with 22023');
select throws_ok(format('select core.job_requeue(%s, null, %L)', pg_temp.job_of('RQ_B'), ''), '22023', null,
                 'an empty reason is refused with 22023');
select throws_ok('select core.job_requeue(-1, null, ''x'')', 'PT404', null, 'requeueing an unknown job is PT404');

select * from finish();
rollback;
