-- Deploy prometheus:views/view_api_jobs to pg
-- The operator's read model of jobs.
begin;

create or replace view api.jobs as
select j.job_id, j.kind, j.status, j.progress, round((j.progress * 100)::numeric, 1)::float8 as progress_pct, j.progress_date,
       j.run_id, j.params ->> 'strategy_id' as strategy_id, (j.params ->> 'start_date')::date as start_date,
       (j.params ->> 'end_date')::date as end_date, j.params, j.error, j.worker, j.attempts, j.cancel_requested,
       j.lease_expires_at, j.submitted_by, j.created_at, j.started_at, j.finished_at, j.updated_at,
       extract(epoch from coalesce(j.finished_at, now()) - j.started_at)::float8 as duration_seconds
  from runtime.jobs j;

comment on view api.jobs is 'Jobs and their progress: status PENDING, RUNNING, SUCCEEDED, FAILED or CANCELLED, progress (0..1 and percent) with the simulated date reached, the run it produced, timings, worker and error. GET /jobs?job_id=eq.<id>; poll it while a job runs.';

notify pgrst, 'reload schema';

commit;
