-- api.cancel_job: the function, who may call it, and that it cancels through procrastinate's own function.
begin;
select plan(5);

\ir ../fixtures/jobs_api.psql

-- TEST: the function and who may call it
select has_function('api', 'cancel_job', array['bigint'], 'api.cancel_job(job_id) exists');
select ok(has_function_privilege('operator', 'api.cancel_job(bigint)', 'execute'), 'operator may cancel a job');
select ok(not has_function_privilege('web_anon', 'api.cancel_job(bigint)', 'execute'), 'web_anon may not cancel a job');
select is(pg_temp.sqlstate_as('web_anon', $$select api.cancel_job(1)$$), '42501', 'web_anon calling cancel_job is refused with 42501');

-- TEST: the queue entry is cancelled by procrastinate's procrastinate_cancel_job_v1, never by writing its table
select ok((select p.prosrc ~ 'procrastinate_cancel_job_v1\(' and p.prosrc !~* '(update|delete from|insert into)\s+public\.procrastinate_jobs'
             from pg_proc p where p.oid = 'api.cancel_job(bigint)'::regprocedure),
          'api.cancel_job calls procrastinate_cancel_job_v1 and writes no procrastinate table itself');

select * from finish();
rollback;
