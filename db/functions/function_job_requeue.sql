-- Deploy prometheus:functions/function_job_requeue to pg
-- An attempt died of a transient fault (lost connection, server restart, dead worker): remove its rows and decide
-- what comes next: another attempt after a backoff, or FAILED once the attempts are spent, or CANCELLED if asked.
begin;

create or replace function core.job_requeue(p_job_id bigint, p_worker text, p_reason text, p_max_attempts integer default 5,
                                            p_backoff_seconds double precision default 2,
                                            out job_status text, out retry_at timestamptz)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_job runtime.jobs;
  v_wait double precision;
begin
  if p_reason is null or p_reason = '' then
    raise exception 'a reason is required' using errcode = '22023';
  end if;
  if p_max_attempts is null or p_max_attempts < 1 then
    raise exception 'max_attempts must be at least 1' using errcode = '22023';
  end if;
  if p_backoff_seconds is null or not p_backoff_seconds >= 0 or p_backoff_seconds = 'Infinity' then
    raise exception 'backoff_seconds must be a number of seconds, 0 or more' using errcode = '22023';
  end if;
  select * into v_job from runtime.jobs j where j.job_id = p_job_id for update;
  if not found then
    raise exception 'no job %', p_job_id using errcode = 'PT404';
  end if;
  if v_job.status <> 'RUNNING' then
    -- no attempt runs: nothing to undo; the caller follows the job's state
    job_status := v_job.status;
    return;
  end if;
  if p_worker is not null and v_job.worker is distinct from p_worker then
    raise exception 'job % is running under worker %, not %', p_job_id, v_job.worker, p_worker using errcode = 'PT409';
  end if;
  if v_job.run_id is not null then
    perform core.run_fail(v_job.run_id, 'attempt abandoned: ' || p_reason);
  end if;
  if v_job.cancel_requested then
    job_status := 'CANCELLED';
    update runtime.jobs j
       set status = 'CANCELLED', error = left('cancelled; the attempt ended by: ' || p_reason, 4000), finished_at = now(),
           lease_expires_at = null, updated_at = now()
     where j.job_id = p_job_id;
  elsif v_job.attempts >= p_max_attempts then
    job_status := 'FAILED';
    update runtime.jobs j
       set status = 'FAILED', finished_at = now(), lease_expires_at = null, updated_at = now(),
           error = left(format('%s (gave up after %s attempt%s)', p_reason, v_job.attempts,
                               case when v_job.attempts = 1 then '' else 's' end), 4000)
     where j.job_id = p_job_id;
  else
    job_status := 'PENDING';
    v_wait := least(p_backoff_seconds * power(2, greatest(v_job.attempts - 1, 0)), 300);
    retry_at := now() + make_interval(secs => v_wait);
    update runtime.jobs j
       set status = 'PENDING', worker = null, progress = 0, progress_date = null, run_id = null, lease_expires_at = null,
           updated_at = now(),
           error = left(format('attempt %s of %s failed: %s; retried in %s s', v_job.attempts, p_max_attempts, p_reason,
                               round(v_wait::numeric, 1)), 4000)
     where j.job_id = p_job_id;
  end if;
end
$$;

comment on function core.job_requeue(bigint, text, text, integer, double precision) is
'RUNNING -> PENDING, FAILED or CANCELLED after a transient fault of the attempt (p_reason): ends the attempt''s run with core.run_fail (its rows removed, FAILED); then the job is CANCELLED if the operator asked, FAILED with the reason once p_max_attempts attempts were made, else PENDING again, to be retried at retry_at (backoff p_backoff_seconds * 2^(attempts-1), at most 300 s). p_worker, when given, must be the worker running it (null: any, for recovery). A job that is not RUNNING is left as it is and its status returned. Errors: 22023 bad arguments; PT404 no such job; PT409 the job runs under another worker.';

revoke execute on function core.job_requeue(bigint, text, text, integer, double precision) from public;
grant execute on function core.job_requeue(bigint, text, text, integer, double precision) to pycore_writer;

commit;
