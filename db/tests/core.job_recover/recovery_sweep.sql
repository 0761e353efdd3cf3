-- core.job_recover: no job stays RUNNING without a live worker, and procrastinate's queue agrees with runtime.jobs.
begin;
select plan(17);

\ir ../fixtures/jobs.psql

-- TEST: the function, and who may call it
select has_function('core', 'job_recover', array['double precision', 'integer', 'double precision'], 'core.job_recover exists');
select ok(has_function_privilege('pycore_writer', 'core.job_recover(double precision, integer, double precision)', 'execute')
          and not has_function_privilege('operator', 'core.job_recover(double precision, integer, double precision)', 'execute'),
          'pycore_writer (every worker sweeps) may recover jobs, operator may not');

-- SETUP: a dead worker (no heartbeat for an hour) and a live one; jobs in each state the sweep must handle or leave
create temp table w as select pg_temp.new_worker('1 hour') as dead, pg_temp.new_worker('0 seconds') as live;
select pg_temp.new_job(p) from unnest(array['REC_LEASE', 'REC_DONE', 'REC_TAKEN', 'REC_JUST_SETTLED', 'REC_FETCHING', 'REC_LIVE', 'REC_ORPHAN']) p;
-- REC_LEASE: running under the dead worker, with rows; its lease ran out
select pg_temp.take(pg_temp.job_of('REC_LEASE'), (select dead from w));
select core.job_start(pg_temp.job_of('REC_LEASE'), 'dead:1');
select core.job_progress(pg_temp.job_of('REC_LEASE'), 'dead:1', 0.6, null, pg_temp.new_run('00000000-0000-0000-0000-0000000000e1'));
update runtime.jobs set lease_expires_at = now() - interval '1 second' where job_id = pg_temp.job_of('REC_LEASE');
-- REC_DONE: the dead worker finished it in runtime.jobs but died before procrastinate recorded it
select pg_temp.take(pg_temp.job_of('REC_DONE'), (select dead from w));
select core.job_start(pg_temp.job_of('REC_DONE'), 'dead:1');
select core.job_progress(pg_temp.job_of('REC_DONE'), 'dead:1', 0.9, null, pg_temp.new_run('00000000-0000-0000-0000-0000000000e2'));
update runtime.backtest_runs set status = 'SUCCEEDED', finished_at = now() where run_id = '00000000-0000-0000-0000-0000000000e2';
select core.job_finish(pg_temp.job_of('REC_DONE'), 'dead:1', 'SUCCEEDED');
-- REC_TAKEN: the dead worker took it from the queue and died before starting it (a while ago)
select pg_temp.take(pg_temp.job_of('REC_TAKEN'), (select dead from w));
update runtime.jobs set updated_at = now() - interval '1 hour' where job_id in (pg_temp.job_of('REC_DONE'), pg_temp.job_of('REC_TAKEN'));
-- REC_JUST_SETTLED: a worker that only looks dead (the database was away) has just requeued it and is about to
-- tell the queue
select pg_temp.take(pg_temp.job_of('REC_JUST_SETTLED'), (select dead from w));
-- REC_FETCHING: the live worker took it and is about to start it; REC_LIVE: the live worker runs it
select pg_temp.take(pg_temp.job_of('REC_FETCHING'), (select live from w));
select pg_temp.take(pg_temp.job_of('REC_LIVE'), (select live from w));
select core.job_start(pg_temp.job_of('REC_LIVE'), 'live:1');
-- REC_ORPHAN: PENDING for an hour while its queue entry already failed
select public.procrastinate_finish_job_v1(pg_temp.take(pg_temp.job_of('REC_ORPHAN'), (select dead from w)), 'failed', false);
update runtime.jobs set updated_at = now() - interval '1 hour' where job_id = pg_temp.job_of('REC_ORPHAN');
create temp table before as select job_id, queue_job_id from runtime.jobs;

-- TEST: one sweep
create temp table swept as select * from core.job_recover(10, 5, 2);
select set_eq($$select job_id, job_status from swept$$,
              $$values (pg_temp.job_of('REC_LEASE'), 'PENDING'), (pg_temp.job_of('REC_DONE'), 'SUCCEEDED'),
                       (pg_temp.job_of('REC_TAKEN'), 'PENDING'), (pg_temp.job_of('REC_ORPHAN'), 'PENDING')$$,
              'the sweep handles the expired lease, the dead worker''s two queue entries and the orphan, and nothing else');

-- the expired lease: the attempt is undone and the job queued again, after the backoff, under a fresh queue entry
select results_eq($$select j.status, j.attempts, q.status::text, q.scheduled_at - now(), pg_temp.queue_status(b.queue_job_id)
                     from runtime.jobs j join before b using (job_id) join public.procrastinate_jobs q on q.id = j.queue_job_id
                    where j.job_id = pg_temp.job_of('REC_LEASE') and j.queue_job_id <> b.queue_job_id$$,
                  $$values ('PENDING', 1, 'todo', interval '2 seconds', 'aborted')$$,
                  'a RUNNING job whose lease expired is PENDING again under a new queue entry due in 2 s; the old entry is aborted');
select results_eq($$select status, error like 'attempt abandoned: worker dead:1 stopped renewing its lease%' from runtime.backtest_runs
                     where run_id = '00000000-0000-0000-0000-0000000000e1'$$,
                  $$values ('FAILED', true)$$, 'its abandoned run is FAILED and says why');
select is(pg_temp.rows_of('00000000-0000-0000-0000-0000000000e1'), 0::bigint, 'its abandoned run has no rows left');

-- the dead worker's queue entries end as their jobs did
select results_eq($$select j.status, pg_temp.queue_status(j.queue_job_id) from runtime.jobs j where j.job_id = pg_temp.job_of('REC_DONE')$$,
                  $$values ('SUCCEEDED', 'succeeded')$$, 'a job the dead worker finished has its queue entry succeeded too');
select is(pg_temp.rows_of('00000000-0000-0000-0000-0000000000e2'), 5::bigint, 'and its run keeps its rows');
select results_eq($$select j.status, q.status::text, q.scheduled_at, pg_temp.queue_status(b.queue_job_id)
                     from runtime.jobs j join before b using (job_id) join public.procrastinate_jobs q on q.id = j.queue_job_id
                    where j.job_id = pg_temp.job_of('REC_TAKEN') and j.queue_job_id <> b.queue_job_id$$,
                  $$values ('PENDING', 'todo', null::timestamptz, 'aborted')$$,
                  'a job the dead worker took but never started is queued again at once; the old entry is aborted');
select results_eq($$select j.status, q.status::text, pg_temp.queue_status(b.queue_job_id)
                     from runtime.jobs j join before b using (job_id) join public.procrastinate_jobs q on q.id = j.queue_job_id
                    where j.job_id = pg_temp.job_of('REC_ORPHAN') and j.queue_job_id <> b.queue_job_id$$,
                  $$values ('PENDING', 'todo', 'failed')$$, 'a PENDING job whose queue entry ended gets a new entry');

-- the live worker's jobs are left alone
select results_eq($$select j.status, pg_temp.queue_status(j.queue_job_id), j.queue_job_id = b.queue_job_id
                     from runtime.jobs j join before b using (job_id)
                    where j.job_id in (pg_temp.job_of('REC_JUST_SETTLED'), pg_temp.job_of('REC_FETCHING'), pg_temp.job_of('REC_LIVE'))
                    order by j.job_id$$,
                  $$values ('PENDING', 'doing', true), ('PENDING', 'doing', true), ('RUNNING', 'doing', true)$$,
                  'a live worker''s jobs, taken or running under a valid lease, and a job that changed within the stalled time, are not touched');

-- TEST: the sweep is idempotent
select is((select count(*)::int from core.job_recover(10, 5, 2)), 0, 'a second sweep finds nothing to do');

-- TEST: at the attempt limit, an expired lease FAILS the job, and its queue entry fails with it
select pg_temp.new_job('REC_LAST');
select pg_temp.take(pg_temp.job_of('REC_LAST'), (select dead from w));
select core.job_start(pg_temp.job_of('REC_LAST'), 'dead:1');
update runtime.jobs set lease_expires_at = now() - interval '1 second' where job_id = pg_temp.job_of('REC_LAST');
select results_eq($$select job_id, job_status from core.job_recover(10, 1, 2)$$,
                  $$values (pg_temp.job_of('REC_LAST'), 'FAILED')$$, 'with one attempt allowed, the job of the expired lease FAILS');
select results_eq($$select j.status, j.error like 'worker dead:1 stopped renewing its lease% (gave up after 1 attempt)', pg_temp.queue_status(j.queue_job_id)
                     from runtime.jobs j where j.job_id = pg_temp.job_of('REC_LAST')$$,
                  $$values ('FAILED', true, 'failed')$$, 'the job says why, and its queue entry is failed too');

-- TEST: after the sweeps, runtime.jobs and the queue agree on every job
select is((select count(*)::int from runtime.jobs j join public.procrastinate_jobs q on q.id = j.queue_job_id
            where (j.status, q.status::text) not in (('PENDING', 'todo'), ('PENDING', 'doing'), ('RUNNING', 'doing'),
                                                     ('SUCCEEDED', 'succeeded'), ('FAILED', 'failed'), ('CANCELLED', 'cancelled'),
                                                     ('CANCELLED', 'aborted'))), 0,
          'every job''s status agrees with its queue entry''s');

-- TEST: bad arguments
select throws_ok('select * from core.job_recover(0)', '22023', null, 'a stalled time that is not positive is refused with 22023');
select throws_ok('select * from core.job_recover(10, 0)', '22023', null, 'max_attempts below 1 is refused with 22023');

select * from finish();
rollback;
