-- api.cancel_job: a PENDING job is cancelled at once, its queue entry too; an ended or unknown job is refused.
begin;
select plan(6);

\ir ../fixtures/jobs_api.psql

-- SETUP: a pending job
select pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '{"portfolio": {"top_k": 10}}')$$);

-- TEST: cancel a PENDING job
select is(api.cancel_job((select job_id from runtime.jobs)), 'CANCELLED', 'cancelling a pending job cancels it at once');
select results_eq($$select j.status, q.status::text from runtime.jobs j join public.procrastinate_jobs q on q.id = j.queue_job_id$$,
                  $$values ('CANCELLED', 'cancelled')$$, 'the job and its queue entry are cancelled');
select is(pg_temp.sqlstate_as('operator', format('select api.cancel_job(%s)', (select job_id from runtime.jobs))), 'PT409', 'cancelling an ended job is PT409 (409)');
select is(pg_temp.sqlstate_as('operator', 'select api.cancel_job(-1)'), 'PT404', 'cancelling an unknown job is PT404 (404)');

-- TEST: a job a worker has taken from the queue but not started yet is cancelled too, and never starts
select pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '{"portfolio": {"top_k": 11}}')$$);
update public.procrastinate_jobs set status = 'doing' where id = (select queue_job_id from runtime.jobs where status = 'PENDING');
select is(api.cancel_job((select job_id from runtime.jobs where status = 'PENDING')), 'CANCELLED', 'a taken but not started job is cancelled at once');
select is(core.job_start((select job_id from runtime.jobs where params #>> '{config_overrides,portfolio,top_k}' = '11'), 'host:1'), null,
          'the worker that took it cannot start it');

select * from finish();
rollback;
