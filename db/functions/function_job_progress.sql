-- Deploy prometheus:functions/function_job_progress to pg
-- A running job reports progress (and its run), renews its lease and learns whether it was cancelled.
begin;

create or replace function core.job_progress(p_job_id bigint, p_worker text, p_progress double precision,
                                             p_progress_date date default null, p_run_id uuid default null,
                                             p_lease_seconds double precision default 30)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_status text;
  v_worker text;
  v_run uuid;
  v_cancel boolean;
begin
  if p_progress is null or not (p_progress between 0 and 1) then
    raise exception 'progress must be a fraction between 0 and 1, not %', p_progress using errcode = '22023';
  end if;
  if p_lease_seconds is null or not p_lease_seconds > 0 or p_lease_seconds = 'Infinity' then
    raise exception 'lease_seconds must be a positive number of seconds' using errcode = '22023';
  end if;
  select j.status, j.worker, j.run_id into v_status, v_worker, v_run
    from runtime.jobs j where j.job_id = p_job_id for update;
  if not found then
    raise exception 'no job %', p_job_id using errcode = 'PT404';
  end if;
  if v_status <> 'RUNNING' or v_worker is distinct from p_worker then
    raise exception 'job % is not running under worker %', p_job_id, p_worker using errcode = 'PT409',
      detail = format('the job is %s (worker %s): this attempt was taken over or ended; stop it', v_status, coalesce(v_worker, 'none'));
  end if;
  if p_run_id is not null and v_run is not null and v_run <> p_run_id then
    raise exception 'job % already runs run %, not %', p_job_id, v_run, p_run_id using errcode = '22023';
  end if;
  update runtime.jobs j
     set progress = p_progress, progress_date = coalesce(p_progress_date, j.progress_date),
         run_id = coalesce(p_run_id, j.run_id),
         lease_expires_at = now() + make_interval(secs => p_lease_seconds), updated_at = now()
   where j.job_id = p_job_id
  returning j.cancel_requested into v_cancel;
  return v_cancel;
end
$$;

comment on function core.job_progress(bigint, text, double precision, date, uuid, double precision) is
'RUNNING -> RUNNING: worker p_worker reports the progress of job p_job_id (a fraction, the simulated date reached, and the run the attempt writes, once known) and renews its lease. Returns true when the operator asked to cancel (the worker then stops and finishes the job CANCELLED). Errors: PT404 no such job; PT409 the job is not RUNNING under this worker (the attempt was taken over or ended: the worker must stop); 22023 a progress outside [0, 1], a bad lease, or a second run for the same attempt.';

revoke execute on function core.job_progress(bigint, text, double precision, date, uuid, double precision) from public;
grant execute on function core.job_progress(bigint, text, double precision, date, uuid, double precision) to pycore_writer;

commit;
