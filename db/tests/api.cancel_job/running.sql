-- api.cancel_job: a RUNNING job is asked to stop (its queue entry flagged for abort); its worker does the rest.
begin;
select plan(2);

\ir ../fixtures/jobs_api.psql

-- SETUP: a job a worker took from the queue and started
select pg_temp.sqlstate_as('operator', $$select api.run_backtest('US_CORE_LONG_EQ', '2020-06-01', '2020-12-31', '{US_EQ}', '{"portfolio": {"top_k": 10}}')$$);
update public.procrastinate_jobs set status = 'doing' where id = (select queue_job_id from runtime.jobs where status = 'PENDING');
select core.job_start((select job_id from runtime.jobs), 'host:1');

-- TEST: cancel a RUNNING job: it is asked to stop, its worker does the rest
select is(api.cancel_job((select job_id from runtime.jobs where status = 'RUNNING')), 'CANCEL_REQUESTED', 'cancelling a running job requests it');
select results_eq($$select j.status, j.cancel_requested, q.abort_requested from runtime.jobs j join public.procrastinate_jobs q on q.id = j.queue_job_id where j.status = 'RUNNING'$$,
                  $$values ('RUNNING', true, true)$$, 'the running job is flagged for its worker and stays RUNNING until the worker stops');

select * from finish();
rollback;
