-- Deploy prometheus:functions/function_job_start to pg
-- A worker takes a PENDING job: the job's state machine decides, the worker asks.
begin;

create or replace function core.job_start(p_job_id bigint, p_worker text, p_queue_job_id bigint default null,
                                          p_lease_seconds double precision default 30)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_params jsonb;
begin
  if p_worker is null or p_worker = '' then
    raise exception 'a worker name is required' using errcode = '22023';
  end if;
  if p_lease_seconds is null or not p_lease_seconds > 0 or p_lease_seconds = 'Infinity' then
    raise exception 'lease_seconds must be a positive number of seconds' using errcode = '22023';
  end if;
  update runtime.jobs j
     set status = 'RUNNING', started_at = now(), finished_at = null, worker = p_worker, attempts = j.attempts + 1,
         progress = 0, progress_date = null, error = null, run_id = null,
         lease_expires_at = now() + make_interval(secs => p_lease_seconds), updated_at = now()
   where j.job_id = p_job_id
     and j.status = 'PENDING'
     and not j.cancel_requested
     and (p_queue_job_id is null or j.queue_job_id = p_queue_job_id)
  returning j.params into v_params;
  return v_params;
end
$$;

comment on function core.job_start(bigint, text, bigint, double precision) is
'PENDING -> RUNNING: worker p_worker starts job p_job_id (one more attempt, progress reset, a lease of p_lease_seconds that its heartbeat renews) and gets the job''s parameters. Returns null, changing nothing, when the job is not PENDING, is cancelled, or p_queue_job_id is not its current queue entry (a superseded attempt). Errors: 22023 without a worker name or with a lease that is not a positive number.';

revoke execute on function core.job_start(bigint, text, bigint, double precision) from public;
grant execute on function core.job_start(bigint, text, bigint, double precision) to pycore_writer;

commit;
