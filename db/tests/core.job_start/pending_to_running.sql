-- core.job_start: PENDING -> RUNNING for one worker; anything else is refused by returning null.
begin;
select plan(12);

\ir ../fixtures/jobs.psql

-- TEST: the function, and who may call it
select has_function('core', 'job_start', array['bigint', 'text', 'bigint', 'double precision'], 'core.job_start exists');
select ok(has_function_privilege('pycore_writer', 'core.job_start(bigint, text, bigint, double precision)', 'execute'),
          'pycore_writer (the workers) may start a job');
select ok(not has_function_privilege('operator', 'core.job_start(bigint, text, bigint, double precision)', 'execute')
          and not has_function_privilege('web_anon', 'core.job_start(bigint, text, bigint, double precision)', 'execute'),
          'operator and web_anon may not start a job');

-- SETUP: three pending jobs
select pg_temp.new_job('START_A'), pg_temp.new_job('START_B'), pg_temp.new_job('START_C');

-- TEST: a PENDING job starts, and the worker gets its parameters
select is(core.job_start(pg_temp.job_of('START_A'), 'host:1', (select queue_job_id from runtime.jobs where job_id = pg_temp.job_of('START_A')), 20),
          (select params from runtime.jobs where job_id = pg_temp.job_of('START_A')), 'starting a PENDING job returns its parameters');
select results_eq($$select status, worker, attempts, progress, started_at = now(), lease_expires_at = now() + interval '20 seconds'
                      from runtime.jobs where job_id = pg_temp.job_of('START_A')$$,
                  $$values ('RUNNING', 'host:1', 1, 0::float8, true, true)$$,
                  'the job is RUNNING under the worker, attempt 1, progress 0, with a lease of the given length');

-- TEST: refusals change nothing
select is(core.job_start(pg_temp.job_of('START_A'), 'host:2'), null, 'a RUNNING job is not started again (null)');
select is((select attempts from runtime.jobs where job_id = pg_temp.job_of('START_A')), 1, 'the refused start counted no attempt');
update runtime.jobs set status = 'CANCELLED', cancel_requested = true, finished_at = now() where job_id = pg_temp.job_of('START_B');
select is(core.job_start(pg_temp.job_of('START_B'), 'host:1'), null, 'a CANCELLED job is not started (null)');
select is(core.job_start(pg_temp.job_of('START_C'), 'host:1', -1), null,
          'a job is not started from a queue entry that is not its current one (a superseded attempt)');
select is((select status from runtime.jobs where job_id = pg_temp.job_of('START_C')), 'PENDING', 'and it stays PENDING');

-- TEST: bad arguments
select throws_ok(format('select core.job_start(%s, null)', pg_temp.job_of('START_C')), '22023', null,
                 'starting without a worker name is refused with 22023');
select throws_ok(format('select core.job_start(%s, %L, null, 0)', pg_temp.job_of('START_C'), 'host:1'), '22023', null,
                 'a lease that is not a positive number of seconds is refused with 22023');

select * from finish();
rollback;
